"""Placeholders: each is replaced by its real view."""


def attachment(request, *args, **kwargs):
    raise NotImplementedError


def comment_detail(request, *args, **kwargs):
    raise NotImplementedError


def comment_list(request, *args, **kwargs):
    raise NotImplementedError


def dialogue_feed(request, *args, **kwargs):
    raise NotImplementedError


def export_csv(request, *args, **kwargs):
    raise NotImplementedError


def feed(request, *args, **kwargs):
    raise NotImplementedError
