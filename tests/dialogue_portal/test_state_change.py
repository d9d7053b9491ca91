"""The generic state-change machinery, apart from any app: what a lifecycle offers, and
that dialogue_portal imports no app for it."""

import ast
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.http import Http404

from dialogue_portal.state_change import Action, Lifecycle, NothingToType

NEXT_STATES = {"draft": frozenset({"sent", "dropped"}), "sent": frozenset({"done"}), "done": frozenset()}


def _perform(obj, data, by):
    return "done"


LIFECYCLE = Lifecycle(
    next_states=NEXT_STATES,
    actions=[
        Action(slug="send", target="sent", label="Send", perform=_perform, allowed=lambda obj: obj.ready),
        Action(slug="drop", target="dropped", label="Drop", perform=_perform, confirm=True),
        Action(slug="finish", target="done", label="Finish", perform=_perform),
        Action(slug="touch", label="Touch", perform=_perform, allowed=lambda obj: obj.state != "done"),
    ],
)


@pytest.mark.parametrize(
    ("state", "ready", "offered"),
    [
        ("draft", True, ["send", "drop", "touch"]),
        ("draft", False, ["drop", "touch"]),
        ("sent", True, ["finish", "touch"]),
        ("done", True, []),
    ],
)
def test_offered_moves_follow_next_states_and_the_predicate(state, ready, offered):
    obj = SimpleNamespace(state=state, ready=ready)
    assert [action.slug for action in LIFECYCLE.offered(obj)] == offered


def test_offers_keep_the_refused_form_and_give_each_its_url():
    obj = SimpleNamespace(state="draft", ready=True)
    refused = LIFECYCLE.form(LIFECYCLE["drop"], obj, {"x": "1"})
    offers = LIFECYCLE.offers(obj, url=lambda slug: f"/thing/{slug}/", failed=(LIFECYCLE["drop"], refused))
    assert [offer.url for offer in offers] == ["/thing/send/", "/thing/drop/", "/thing/touch/"]
    assert offers[1].form is refused
    assert isinstance(offers[0].form, NothingToType)
    assert offers[0].form.auto_id == "id_send_%s"


def test_unknown_action_is_404():
    with pytest.raises(Http404):
        LIFECYCLE.action("delete")


def test_texts_override_the_words_per_object():
    action = Action(
        slug="admit",
        label="Admit",
        perform=_perform,
        texts=lambda obj: {"label": "Record the decision"} if obj.state == "objected" else {},
    )
    assert action.text(SimpleNamespace(state="objected"))["label"] == "Record the decision"
    assert action.text(SimpleNamespace(state="submitted"))["heading"] == "Admit"


def test_dialogue_portal_state_change_imports_no_app():
    tree = ast.parse(
        Path(__file__).resolve().parents[2].joinpath("dialogue_portal/state_change.py").read_text()
    )
    imported = {
        (node.module or "") if isinstance(node, ast.ImportFrom) else alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    }
    assert not {name.split(".")[0] for name in imported} & {
        "stakeholders",
        "sessions",
        "submissions",
        "reports",
    }
