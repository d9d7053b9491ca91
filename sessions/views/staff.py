"""Placeholders: each is replaced by its real view."""


def agenda_move(request, *args, **kwargs):
    raise NotImplementedError


def application(request, *args, **kwargs):
    raise NotImplementedError


def applications(request, *args, **kwargs):
    raise NotImplementedError


def attendance(request, *args, **kwargs):
    raise NotImplementedError


def calendar(request, *args, **kwargs):
    raise NotImplementedError


def dialogue(request, *args, **kwargs):
    raise NotImplementedError


def dialogue_action(request, *args, **kwargs):
    raise NotImplementedError


def figures(request, *args, **kwargs):
    raise NotImplementedError


def speaker_action(request, *args, **kwargs):
    raise NotImplementedError


def speakers(request, *args, **kwargs):
    raise NotImplementedError
