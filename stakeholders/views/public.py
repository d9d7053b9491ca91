"""Placeholders: each is replaced by its real view."""


def directory(request, *args, **kwargs):
    raise NotImplementedError
