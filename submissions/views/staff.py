"""Placeholders: each is replaced by its real view."""


def comment(request, *args, **kwargs):
    raise NotImplementedError


def comment_action(request, *args, **kwargs):
    raise NotImplementedError


def queue(request, *args, **kwargs):
    raise NotImplementedError
