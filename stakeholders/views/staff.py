"""Placeholders: each is replaced by its real view."""


def accreditation_action(request, *args, **kwargs):
    raise NotImplementedError


def accreditation_detail(request, *args, **kwargs):
    raise NotImplementedError


def circulation_list_csv(request, *args, **kwargs):
    raise NotImplementedError


def circulation_list_detail(request, *args, **kwargs):
    raise NotImplementedError


def circulation_list_pdf(request, *args, **kwargs):
    raise NotImplementedError


def circulation_lists(request, *args, **kwargs):
    raise NotImplementedError


def queue(request, *args, **kwargs):
    raise NotImplementedError
