"""Placeholders: each is replaced by its real view."""


def comment(request, *args, **kwargs):
    raise NotImplementedError


def comment_edit(request, *args, **kwargs):
    raise NotImplementedError


def comment_new(request, *args, **kwargs):
    raise NotImplementedError


def comment_submit(request, *args, **kwargs):
    raise NotImplementedError


def comment_withdraw(request, *args, **kwargs):
    raise NotImplementedError


def comments(request, *args, **kwargs):
    raise NotImplementedError
