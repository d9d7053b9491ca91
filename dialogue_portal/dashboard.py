"""What waits for whom: the panels of the secretariat's dashboard, the focal point's
organisation cards, and the page each role lands on after sign-in.

Why a registry here rather than a dashboard view in one of the apps: the dashboard gathers
from every app (accreditation from ``stakeholders``, dialogues and applications from
``sessions``, comments from ``submissions``, summaries from ``reports`` with the next
issue), and whichever app held the view would have to import all the others, against
the direction the apps already depend on each other (``stakeholders`` ← ``sessions``
← ``submissions``). So ``dialogue_portal`` imports no app: each app registers what it
contributes in its ``AppConfig.ready()``, with a number that orders the panels, and
the page renders them in that order. An app that is not installed simply contributes
nothing; the Chair's summaries in review (``reports``) will be one more
``register_waiting`` call there.

Every contribution reads through its app's ``selectors.py`` in a fixed number of
queries, so that the dashboard's query count does not grow with what waits.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Waiting:
    """One count of the dashboard's "what waits" list, linking to the queue that holds it."""

    label: str
    count: int
    url: str


@dataclass(frozen=True)
class Panel:
    """A section of a page: its template, and the context it needs (None: not shown)."""

    template: str
    context: Callable[..., dict[str, Any] | None]
    order: int


@dataclass(frozen=True)
class Landing:
    """Where a user for whom ``applies(user)`` holds lands after sign-in."""

    applies: Callable[[Any], bool]
    viewname: str
    order: int


_waiting: list[tuple[int, Callable[..., Iterable[Waiting]]]] = []
_panels: dict[str, list[Panel]] = {}
_landings: list[Landing] = []

# The two pages that take panels.
SECRETARIAT = "secretariat"  # /staff/: context(request=) -> dict | None
ORGANISATIONS = "organisations"  # the focal point's organisations: context(request=, organisations=)


def register_waiting(counts: Callable[..., Iterable[Waiting]], *, order: int) -> None:
    """``counts(today=)`` yields the Waiting items of one app, for the secretariat's dashboard."""
    if all(existing is not counts for _order, existing in _waiting):
        _waiting.append((order, counts))
        _waiting.sort(key=lambda entry: entry[0])


def register_panel(page: str, *, template: str, context: Callable[..., dict | None], order: int) -> None:
    panels = _panels.setdefault(page, [])
    if all(panel.template != template for panel in panels):
        panels.append(Panel(template=template, context=context, order=order))
        panels.sort(key=lambda panel: panel.order)


def register_landing(*, applies: Callable[[Any], bool], viewname: str, order: int) -> None:
    if all(landing.viewname != viewname for landing in _landings):
        _landings.append(Landing(applies=applies, viewname=viewname, order=order))
        _landings.sort(key=lambda landing: landing.order)


def waiting(**kwargs: Any) -> list[Waiting]:
    return [item for _order, counts in _waiting for item in counts(**kwargs)]


def panels(page: str, **kwargs: Any) -> list[dict[str, Any]]:
    """The page's panels with their context, in order: each ``{"template", "context"}``."""
    shown = []
    for panel in _panels.get(page, []):
        context = panel.context(**kwargs)
        if context is not None:
            shown.append({"template": panel.template, "context": context})
    return shown


def landing_viewname(user: Any) -> str | None:
    """The first registered landing page that applies to ``user``, or None."""
    return next((landing.viewname for landing in _landings if landing.applies(user)), None)
