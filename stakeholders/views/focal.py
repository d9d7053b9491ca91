"""Placeholders: each is replaced by its real view."""


def accreditation_request(request, *args, **kwargs):
    raise NotImplementedError


def accreditation_resubmit(request, *args, **kwargs):
    raise NotImplementedError


def accreditation_withdraw(request, *args, **kwargs):
    raise NotImplementedError


def edit(request, *args, **kwargs):
    raise NotImplementedError


def invitation_accept(request, *args, **kwargs):
    raise NotImplementedError


def invite(request, *args, **kwargs):
    raise NotImplementedError


def join(request, *args, **kwargs):
    raise NotImplementedError


def join_request_decide(request, *args, **kwargs):
    raise NotImplementedError


def leave(request, *args, **kwargs):
    raise NotImplementedError


def manage(request, *args, **kwargs):
    raise NotImplementedError


def my_organisations(request, *args, **kwargs):
    raise NotImplementedError


def register(request, *args, **kwargs):
    raise NotImplementedError


def representative_add(request, *args, **kwargs):
    raise NotImplementedError


def representative_edit(request, *args, **kwargs):
    raise NotImplementedError


def representative_remove(request, *args, **kwargs):
    raise NotImplementedError
