"""One way to change a state from a page, for every lifecycle.

An app describes each move a page may make as an :class:`Action` (its target state, its
form, the service it calls, whether it asks first) and collects them in a
:class:`Lifecycle` with the ``NEXT_STATES`` its services obey. What a page offers is
derived, never written by hand: the actions whose target the present state may move to
(``NEXT_STATES``) and whose permission predicate (from the app's ``permissions.py``, the
one its service asks too) holds. So a page never offers what the service would refuse.

:class:`StateChangeView` serves one action's URL. For an action that cannot be undone
(``confirm``), a GET shows a confirmation page naming the consequences (who is e-mailed),
with the action's form (a reason, say); a POST validates the form and calls the service.
A refusal is shown next to the field it names, nothing changed and nothing typed lost;
success redirects to the object's page with the service's message. It needs no JavaScript.

This module imports no app: the apps register their lifecycles with it.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.views import View

from .forms import PortalForm, add_service_errors, error_summary


class NothingToType(PortalForm):
    """An action that is a button: nothing to type."""


def _always(obj: Any) -> bool:
    return True


def _no_kwargs(obj: Any) -> dict:
    return {}


@dataclass(frozen=True)
class Action:
    """One move a page may offer.

    ``perform(obj, cleaned_data, by)`` calls the service and returns the message to show.
    ``target`` is the state the move leads to (``None`` for a move that keeps the state,
    as a postponement does; then ``allowed`` alone decides). ``allowed(obj)`` is the app's
    permission predicate, the same its service checks. ``confirm``: the move cannot be
    undone, and the page links to a confirmation page that names ``consequences``.
    """

    slug: str
    label: str
    perform: Callable[[Any, dict, Any], str]
    target: str | None = None
    form_class: type[forms.BaseForm] = NothingToType
    form_kwargs: Callable[[Any], dict] = _no_kwargs
    allowed: Callable[[Any], bool] = _always
    heading: str = ""
    explanation: str = ""
    confirm: bool = False
    consequences: str = ""
    style: str = ""  # "" (the main colour) or "secondary"
    field_for: dict = field(default_factory=dict)
    # Wording that depends on the object (the Conference's decision after an objection):
    # a dict overriding any of label, heading, explanation, consequences.
    texts: Callable[[Any], dict] | None = None

    def text(self, obj: Any) -> dict:
        """The words shown for this action on this object."""
        words = {
            "label": self.label,
            "heading": self.heading or self.label,
            "explanation": self.explanation,
            "consequences": self.consequences,
        }
        if self.texts is not None:
            words.update(self.texts(obj))
        return words

    @property
    def button_class(self) -> str:
        return f"button-{self.style}" if self.style else ""

    @property
    def key(self) -> str:
        """The slug as a template can read it (``publish-anonymously`` → ``publish_anonymously``)."""
        return self.slug.replace("-", "_")


@dataclass
class Offer:
    """An action as a page shows it: with its form (bound after a refusal) and its URL."""

    action: Action
    form: forms.BaseForm
    url: str
    text: dict

    @property
    def slug(self) -> str:
        return self.action.slug


class Lifecycle:
    """The moves of one kind of object, and the ``NEXT_STATES`` its services obey."""

    def __init__(
        self,
        *,
        next_states: dict,
        actions: Iterable[Action],
        state_of: Callable[[Any], str] = lambda obj: obj.state,
    ):
        self.next_states = next_states
        self.actions = {action.slug: action for action in actions}
        self.state_of = state_of

    def __getitem__(self, slug: str) -> Action:
        return self.actions[slug]

    def action(self, slug: str) -> Action:
        """The action of that slug, else 404 (a guessed URL)."""
        try:
            return self.actions[slug]
        except KeyError:
            raise Http404 from None

    def is_offered(self, action: Action, obj: Any) -> bool:
        if action.target is not None and action.target not in self.next_states.get(self.state_of(obj), ()):
            return False
        return bool(action.allowed(obj))

    def offered(self, obj: Any) -> list[Action]:
        """The actions the object's present state and the permission predicates allow, in order."""
        return [action for action in self.actions.values() if self.is_offered(action, obj)]

    def form(self, action: Action, obj: Any, data=None) -> forms.BaseForm:
        return action.form_class(data, auto_id=f"id_{action.slug}_%s", **action.form_kwargs(obj))

    def offers(
        self,
        obj: Any,
        *,
        url: Callable[[str], str],
        failed: tuple[Action, forms.BaseForm] | None = None,
    ) -> list[Offer]:
        """What a page shows: each offered action with its form and URL; a refused form kept."""
        shown = []
        for action in self.offered(obj):
            form = failed[1] if failed and failed[0].slug == action.slug else self.form(action, obj)
            shown.append(Offer(action=action, form=form, url=url(action.slug), text=action.text(obj)))
        return shown


class StateChangeView(View):
    """One action's URL: ``<object's page>/<slug>/`` (the slug in the URL kwarg ``action``).

    GET: for a ``confirm`` action, its confirmation page (405 for any other: its form is on
    the object's page; a redirect to that page when the move is no longer offered).
    POST: the form validated, the service called; success redirects to the object's page
    with the service's message; a refusal shows the confirmation page again (for a
    ``confirm`` action still offered) or the object's page, the error next to its field.

    A subclass sets ``lifecycle`` and says how to fetch the object (checking permissions,
    404 for others' data), where its page is, and how to render that page again with a
    refused form. Optional: ``confirm_context`` (``object_name`` and ``nav_template`` for
    the confirmation page), ``refresh`` (reading the object again after a refusal).

    The object's page shows ``lifecycle.offers(obj, url=..., failed=...)`` with
    ``{% include "state_change/actions.html" %}`` and ``page_errors(failed, offers)`` as
    its error summary.
    """

    lifecycle: Lifecycle
    confirm_template = "state_change/confirm.html"
    slug_kwarg = "action"  # the URL's name for the action's slug
    http_method_names = ["get", "head", "post"]

    # --- What a subclass provides -----------------------------------------------------

    def get_object(self, request: HttpRequest, **kwargs) -> Any:
        raise NotImplementedError

    def page_url(self, obj: Any) -> str:
        raise NotImplementedError

    def render_page(self, request: HttpRequest, obj: Any, *, failed: tuple[Action, forms.BaseForm]):
        """The object's page again, the refused form in its place."""
        raise NotImplementedError

    def confirm_context(self, obj: Any) -> dict:
        return {"object_name": str(obj)}

    def refresh(self, obj: Any) -> None:
        """A refused service may have changed the object in memory: read it again."""
        obj.refresh_from_db()

    # --- The view ---------------------------------------------------------------------

    def get(self, request: HttpRequest, **kwargs) -> HttpResponse:
        slug = kwargs.pop(self.slug_kwarg)
        obj = self.get_object(request, **kwargs)
        action = self.lifecycle.action(slug)
        if not action.confirm:
            # Nothing to ask: the move is a form on the object's page, posted from there.
            return HttpResponseNotAllowed(["POST"])
        if not self.lifecycle.is_offered(action, obj):
            # A stale link (the state moved meanwhile): the page says what is open now.
            return redirect(self.page_url(obj))
        return self.render_confirm(request, obj, action, self.lifecycle.form(action, obj))

    def post(self, request: HttpRequest, **kwargs) -> HttpResponse:
        slug = kwargs.pop(self.slug_kwarg)
        obj = self.get_object(request, **kwargs)
        action = self.lifecycle.action(slug)
        form = self.lifecycle.form(action, obj, request.POST)
        if form.is_valid():
            try:
                # The service decides, even when the page would not have offered the move:
                # its refusal, not a silent redirect, tells why.
                done = action.perform(obj, form.cleaned_data, request.user)
            except ValidationError as error:
                add_service_errors(form, error, field_for=action.field_for)
                self.refresh(obj)
            else:
                messages.success(request, done)
                return redirect(self.page_url(obj))
        if action.confirm and self.lifecycle.is_offered(action, obj):
            return self.render_confirm(request, obj, action, form)
        return self.render_page(request, obj, failed=(action, form))

    def render_confirm(self, request: HttpRequest, obj: Any, action: Action, form) -> HttpResponse:
        return render(
            request,
            self.confirm_template,
            {
                "action": action,
                "text": action.text(obj),
                "form": form,
                "page_url": self.page_url(obj),
                "object": obj,
                "errors": error_summary(form) if form.errors else [],
                **self.confirm_context(obj),
            },
        )


def page_errors(failed: tuple[Action, forms.BaseForm] | None, offers: list[Offer]) -> list[dict]:
    """The error summary of a page shown again after a refusal, linked to the fields on it."""
    if failed is None:
        return []
    on_page = any(offer.slug == failed[0].slug for offer in offers) and not failed[0].confirm
    return error_summary(failed[1], linked=on_page)
