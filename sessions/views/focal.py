"""Placeholders: each is replaced by its real view."""


def application(request, *args, **kwargs):
    raise NotImplementedError


def application_withdraw(request, *args, **kwargs):
    raise NotImplementedError


def applications(request, *args, **kwargs):
    raise NotImplementedError


def apply(request, *args, **kwargs):
    raise NotImplementedError


def floor_request(request, *args, **kwargs):
    raise NotImplementedError


def floor_withdraw(request, *args, **kwargs):
    raise NotImplementedError
