"""Review and approval through the summary's pages: who may move it where, who is e-mailed,
what each state lets a Chair and the secretariat do, and what each page offers."""

import html
import re

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from dialogue_portal.models import AuditEvent
from reports import services
from reports.models import ChairSummary, SummaryRevision
from reports.permissions import drafter
from reports.views.review import LIFECYCLE
from sessions.ordinals import ordinal_word
from tests.factories import DialogueChairFactory, SecretariatFactory, SummaryRevisionFactory, UserFactory
from tests.state_change import allowed_moves, offered_on_page, urls_for

State = ChairSummary.State
TEXT = "# Introduction\n\nThe first paragraph.\n\nThe second paragraph."
NOTE = "Please shorten section II and check the figures in paragraph 3."
REASON = "A figure in paragraph 3 was wrong."


@pytest.fixture(autouse=True)
def _no_second_factor(settings):
    # The second factor has its own tests (tests/dialogue_portal/test_accounts.py).
    settings.REQUIRE_MFA = False


@pytest.fixture
def chair_client(chair_user):
    client = Client()
    client.force_login(chair_user)
    return client


@pytest.fixture
def co_chair(summary):
    """A second Chair with an account, and a third without one (nobody to e-mail)."""
    DialogueChairFactory(dialogue=summary.dialogue, user=None)
    return DialogueChairFactory(dialogue=summary.dialogue, user=UserFactory()).user


def _page_url(summary) -> str:
    return reverse("reports:summary", args=[summary.dialogue_id])


def _action_url(summary, slug: str) -> str:
    return reverse("reports:summary_action", args=[summary.dialogue_id, slug])


def _text(response) -> str:
    text = re.sub(r"<[^>]+>", " ", response.content.decode())
    return re.sub(r"\s+", " ", html.unescape(text))


def _written(summary, state: str = State.DRAFT, text: str = TEXT) -> ChairSummary:
    """The summary with one revision of ``text``, in ``state`` (as earlier moves left it)."""
    SummaryRevisionFactory(summary=summary, text=text)
    ChairSummary.objects.filter(pk=summary.pk).update(state=state)
    summary.refresh_from_db()
    return summary


def _state(summary) -> str:
    summary.refresh_from_db()
    return summary.state


def _recipients() -> list[str]:
    return sorted(address for message in mail.outbox for address in message.to)


def _moves(summary) -> list[tuple]:
    return list(
        AuditEvent.objects.for_object(summary).order_by("id").values_list("from_state", "to_state", "note")
    )


def _save_post(summary, text: str) -> dict:
    return {"text": text, "base": summary.current_revision_id or "", "save": "1"}


# --- Draft → in review ------------------------------------------------------------------


def test_send_for_review_by_a_chair_emails_the_secretariat_and_logs_it(
    chair_client, chair_user, secretariat, summary, django_capture_on_commit_callbacks
):
    _written(summary)

    with django_capture_on_commit_callbacks(execute=True):
        response = chair_client.post(_action_url(summary, "send-for-review"))

    assert (response.status_code, response.url) == (302, _page_url(summary))
    assert _state(summary) == State.IN_REVIEW
    assert _recipients() == [secretariat.email]
    [message] = mail.outbox
    session = summary.dialogue.session
    assert message.subject == (
        "[Dialogue Portal] Summary for review: First constructive dialogue of 6 May 2023 after the "
        f"{ordinal_word(session.number, of='session')} session of the {session.working_group}"
    )
    assert "Carla Chair sent the Chair's summary" in message.body
    assert _page_url(summary) in message.body
    event = AuditEvent.objects.for_object(summary).get()
    assert (event.from_state, event.to_state, event.actor) == (State.DRAFT, State.IN_REVIEW, chair_user)
    page = _text(chair_client.get(response.url))
    assert "The summary is with the secretariat for review; they have been told by e-mail." in page
    assert "In review" in page


@pytest.mark.parametrize("text", [None, "", "   "])
def test_send_for_review_of_an_empty_summary_is_refused_with_the_reason(
    chair_client, summary, django_capture_on_commit_callbacks, text
):
    if text is not None:
        _written(summary, text=text)

    with django_capture_on_commit_callbacks(execute=True):
        response = chair_client.post(_action_url(summary, "send-for-review"))

    assert response.status_code == 200
    assert "The summary is empty: write it before sending it for review." in _text(response)
    assert _state(summary) == State.DRAFT
    assert _moves(summary) == []
    assert mail.outbox == []


# --- In review: the secretariat edits, the Chairs read -----------------------------------


def test_in_review_the_chair_reads_only(chair_client, summary):
    _written(summary, State.IN_REVIEW)

    page = chair_client.get(_page_url(summary))

    assert "The summary is with the secretariat for review: it can be edited again once sent back." in (
        _text(page)
    )
    assert "<textarea" not in page.content.decode()

    refused = chair_client.post(_page_url(summary), _save_post(summary, TEXT + "\n\nThe Chair's addition."))

    assert refused.status_code == 409
    assert "The summary is with the secretariat for review" in _text(refused)
    assert summary.revisions.count() == 1


def test_in_review_the_secretariat_edits(secretariat_client, secretariat, summary):
    _written(summary, State.IN_REVIEW)

    page = secretariat_client.get(_page_url(summary))

    assert '<textarea name="text"' in page.content.decode()
    assert "read-only" not in _text(page)

    response = secretariat_client.post(
        _page_url(summary), _save_post(summary, TEXT + "\n\nThe secretariat's addition.")
    )

    assert response.status_code == 302
    summary.refresh_from_db()
    assert (summary.state, summary.current_revision.number) == (State.IN_REVIEW, 2)
    assert summary.current_revision.author == secretariat
    assert summary.current_revision.text.endswith("The secretariat's addition.")


# --- In review → draft: sent back with a note --------------------------------------------


@pytest.mark.parametrize("note", ["", "   "])
def test_send_back_needs_a_note_shown_next_to_its_field(
    secretariat_client, summary, django_capture_on_commit_callbacks, note
):
    _written(summary, State.IN_REVIEW)

    with django_capture_on_commit_callbacks(execute=True):
        response = secretariat_client.post(_action_url(summary, "send-back"), {"note": note})

    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="id_send-back_note_error"' in page
    assert 'href="#id_send-back_note"' in page  # the error summary links to the field
    assert _state(summary) == State.IN_REVIEW
    assert _moves(summary) == []
    assert mail.outbox == []


def test_send_back_emails_the_chairs_the_note_and_shows_it_to_them(
    secretariat_client,
    secretariat,
    chair_client,
    chair_user,
    co_chair,
    summary,
    django_capture_on_commit_callbacks,
):
    _written(summary, State.IN_REVIEW)

    with django_capture_on_commit_callbacks(execute=True):
        response = secretariat_client.post(_action_url(summary, "send-back"), {"note": NOTE})

    assert (response.status_code, response.url) == (302, _page_url(summary))
    summary.refresh_from_db()
    assert (summary.state, summary.review_note) == (State.DRAFT, NOTE)
    assert _recipients() == sorted([chair_user.email, co_chair.email])
    for message in mail.outbox:
        assert "Summary sent back" in message.subject
        assert NOTE in message.body
        assert _page_url(summary) in message.body
    assert _moves(summary) == [(State.IN_REVIEW, State.DRAFT, NOTE)]
    assert AuditEvent.objects.for_object(summary).get().actor == secretariat

    page = chair_client.get(_page_url(summary))
    assert f"Note from the review: {NOTE}" in _text(page)
    assert '<textarea name="text"' in page.content.decode()  # a draft again: the Chair edits


def test_send_for_review_again_clears_the_note_of_the_last_review(chair_client, summary):
    _written(summary)
    ChairSummary.objects.filter(pk=summary.pk).update(review_note=NOTE)

    chair_client.post(_action_url(summary, "send-for-review"))

    summary.refresh_from_db()
    assert (summary.state, summary.review_note) == (State.IN_REVIEW, "")
    assert NOTE not in _text(chair_client.get(_page_url(summary)))


# --- In review → approved, by a Chair ------------------------------------------------------


def test_approve_asks_first_naming_the_consequences(chair_client, summary):
    _written(summary, State.IN_REVIEW)
    url = _action_url(summary, "approve")

    page = chair_client.get(_page_url(summary)).content.decode()
    assert f'href="{url}"' in page
    assert f'action="{url}"' not in page  # a link to the confirmation, not a button that acts

    confirmation = chair_client.get(url)

    assert confirmation.status_code == 200
    text = _text(confirmation)
    assert "This cannot be undone" in text
    assert "The summary becomes read-only" in text
    assert "the secretariat is e-mailed" in text
    assert "To change it afterwards it must be reopened." in text
    assert 'action=""' in confirmation.content.decode()
    assert _state(summary) == State.IN_REVIEW
    assert mail.outbox == []


def test_approve_by_a_chair_makes_it_read_only_and_emails_the_secretariat(
    chair_client, chair_user, secretariat, summary, django_capture_on_commit_callbacks
):
    _written(summary, State.IN_REVIEW)

    with django_capture_on_commit_callbacks(execute=True):
        response = chair_client.post(_action_url(summary, "approve"))

    assert (response.status_code, response.url) == (302, _page_url(summary))
    assert _state(summary) == State.APPROVED
    assert _recipients() == [secretariat.email]
    assert "Summary approved" in mail.outbox[0].subject
    assert f"approved the Chair's summary {summary.symbol}" in mail.outbox[0].body
    event = AuditEvent.objects.for_object(summary).get()
    assert (event.from_state, event.to_state, event.actor) == (State.IN_REVIEW, State.APPROVED, chair_user)
    page = _text(chair_client.get(response.url))
    assert "The summary is approved: it is read-only now, and the secretariat has been told." in page


def test_approve_by_the_secretariat_is_not_offered_and_refused(
    secretariat_client, summary, django_capture_on_commit_callbacks
):
    _written(summary, State.IN_REVIEW)
    url = _action_url(summary, "approve")

    page = secretariat_client.get(_page_url(summary)).content.decode()
    assert f'href="{url}"' not in page
    assert f'action="{url}"' not in page
    # A guessed confirmation link leads back to the page, which says what is open.
    assert secretariat_client.get(url).url == _page_url(summary)

    with django_capture_on_commit_callbacks(execute=True):
        response = secretariat_client.post(url)

    assert response.status_code == 200
    assert "Only a Chair of the dialogue approves its summary." in _text(response)
    assert _state(summary) == State.IN_REVIEW
    assert _moves(summary) == []
    assert mail.outbox == []


def test_approve_of_a_summary_emptied_in_review_is_refused(chair_client, summary):
    _written(summary, State.IN_REVIEW, text="")

    response = chair_client.post(_action_url(summary, "approve"))

    assert "The summary is empty: there is nothing to approve." in _text(response)
    assert _state(summary) == State.IN_REVIEW


def test_send_for_review_by_the_secretariat_tells_the_rest_of_it(summary, django_capture_on_commit_callbacks):
    writer, colleague = SecretariatFactory(), SecretariatFactory()
    _written(summary)
    client = Client()
    client.force_login(writer)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(_action_url(summary, "send-for-review"))

    assert _state(summary) == State.IN_REVIEW
    assert _recipients() == [colleague.email]


# --- Approved: read-only until reopened ----------------------------------------------------


@pytest.mark.parametrize("who", ["chair_client", "secretariat_client"])
def test_approved_summary_is_read_only(request, summary, who):
    _written(summary, State.APPROVED)
    client = request.getfixturevalue(who)

    page = client.get(_page_url(summary))

    assert "The summary is approved and read-only: reopen it to edit it." in _text(page)
    assert "<textarea" not in page.content.decode()
    assert reverse("reports:summary_from_data", args=[summary.dialogue_id]) not in page.content.decode()

    refused = client.post(_page_url(summary), _save_post(summary, "# Introduction\n\nAll new."))

    assert refused.status_code == 409
    assert "The summary is approved and read-only: reopen it to edit it." in _text(refused)
    summary.refresh_from_db()
    assert (summary.revisions.count(), summary.current_revision.text) == (1, TEXT)


def test_reopen_asks_first_and_needs_a_reason(chair_client, summary, django_capture_on_commit_callbacks):
    _written(summary, State.APPROVED)
    url = _action_url(summary, "reopen")
    assert f'href="{url}"' in chair_client.get(_page_url(summary)).content.decode()

    confirmation = chair_client.get(url)

    assert 'id="id_reopen_reason"' in confirmation.content.decode()
    assert "The approval is withdrawn: the summary must be approved again." in _text(confirmation)

    with django_capture_on_commit_callbacks(execute=True):
        refused = chair_client.post(url, {"reason": ""})

    assert refused.status_code == 200
    assert 'id="id_reopen_reason_error"' in refused.content.decode()
    assert "This cannot be undone" in _text(refused)  # the confirmation again, the field marked
    assert _state(summary) == State.APPROVED
    assert mail.outbox == []


def test_reopen_by_a_chair_makes_a_draft_logs_the_reason_and_emails_the_others(
    chair_client, chair_user, co_chair, secretariat, summary, django_capture_on_commit_callbacks
):
    _written(summary, State.APPROVED)

    with django_capture_on_commit_callbacks(execute=True):
        response = chair_client.post(_action_url(summary, "reopen"), {"reason": REASON})

    assert (response.status_code, response.url) == (302, _page_url(summary))
    assert _state(summary) == State.DRAFT
    assert _moves(summary) == [(State.APPROVED, State.DRAFT, REASON)]
    assert AuditEvent.objects.for_object(summary).get().actor == chair_user
    # The other Chair and the secretariat; not the Chair who reopened it.
    assert _recipients() == sorted([co_chair.email, secretariat.email])
    for message in mail.outbox:
        assert "Summary reopened" in message.subject
        assert REASON in message.body
    page = chair_client.get(response.url)
    assert "The summary is reopened: a draft again, to be approved once more." in _text(page)
    assert REASON in _text(page)  # in the history
    assert '<textarea name="text"' in page.content.decode()


def test_reopen_by_the_secretariat_emails_the_chairs_and_the_rest_of_the_secretariat(
    secretariat_client, secretariat, chair_user, co_chair, summary, django_capture_on_commit_callbacks
):
    _written(summary, State.APPROVED)
    colleague = SecretariatFactory()

    with django_capture_on_commit_callbacks(execute=True):
        secretariat_client.post(_action_url(summary, "reopen"), {"reason": REASON})

    assert _state(summary) == State.DRAFT
    assert _recipients() == sorted([chair_user.email, co_chair.email, colleague.email])


# --- Moves the state does not allow ------------------------------------------------------


ILLEGAL = "This Chair's summary cannot go from “{}” to “{}”."
NOT_IN_REVIEW = "Only a summary in review can be sent back."
NOT_APPROVED = "Only an approved or published summary can be reopened."
SECRETARIAT_CORRECTS = "Only the secretariat reopens a published summary, to publish a corrected revision."


@pytest.mark.parametrize(
    ("state", "who", "slug", "message"),
    [
        (State.DRAFT, "chair_client", "approve", ILLEGAL.format("Draft", "Approved")),
        (State.DRAFT, "secretariat_client", "send-back", NOT_IN_REVIEW),
        (State.DRAFT, "chair_client", "reopen", NOT_APPROVED),
        (State.IN_REVIEW, "chair_client", "send-for-review", ILLEGAL.format("In review", "In review")),
        # Both lead to a draft, as sending back does: only from the state each is for.
        (State.IN_REVIEW, "secretariat_client", "reopen", NOT_APPROVED),
        (State.IN_REVIEW, "chair_client", "reopen", NOT_APPROVED),
        (State.APPROVED, "secretariat_client", "send-back", NOT_IN_REVIEW),
        (State.APPROVED, "chair_client", "approve", ILLEGAL.format("Approved", "Approved")),
        (State.APPROVED, "chair_client", "send-for-review", ILLEGAL.format("Approved", "In review")),
        (State.PUBLISHED, "chair_client", "reopen", SECRETARIAT_CORRECTS),
        (State.PUBLISHED, "secretariat_client", "send-for-review", ILLEGAL.format("Published", "In review")),
    ],
)
def test_move_the_state_does_not_allow_is_refused(
    request, summary, django_capture_on_commit_callbacks, state, who, slug, message
):
    _written(summary, state)
    client = request.getfixturevalue(who)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_action_url(summary, slug), {"note": NOTE, "reason": REASON})

    assert response.status_code == 200
    assert message in _text(response)
    assert _state(summary) == state
    assert _moves(summary) == []
    assert mail.outbox == []


def test_move_of_an_unknown_slug_is_404(chair_client, summary):
    _written(summary, State.IN_REVIEW)

    assert chair_client.post(_action_url(summary, "archive")).status_code == 404
    assert chair_client.get(_action_url(summary, "archive")).status_code == 404


def test_move_on_a_dialogue_with_no_summary_is_404(chair_client, dialogue):
    url = reverse("reports:summary_action", args=[dialogue.pk, "send-for-review"])

    assert chair_client.post(url).status_code == 404
    assert not ChairSummary.objects.exists()


# --- What each page offers ---------------------------------------------------------------

CASES = [
    ("empty", "chair", set()),
    ("empty", "secretariat", set()),
    (State.DRAFT, "chair", {"send-for-review"}),
    (State.DRAFT, "secretariat", {"send-for-review"}),
    (State.IN_REVIEW, "chair", {"approve"}),
    (State.IN_REVIEW, "secretariat", {"send-back"}),
    (State.APPROVED, "chair", {"reopen"}),
    (State.APPROVED, "secretariat", {"reopen"}),
    # Publication needs the PDF made (tests/reports/test_crp_publication.py); a published
    # summary is corrected by the secretariat only.
    (State.PUBLISHED, "chair", set()),
    (State.PUBLISHED, "secretariat", {"reopen"}),
]
LABELS = {
    "send-for-review": "Send for review",
    "approve": "Approve the summary",
    "send-back": "Send back to the Chairs",
    "reopen": "Reopen for editing",
    "publish": "Publish the Conference Room Paper",
}


@pytest.mark.parametrize(("case", "who", "expected"), CASES)
def test_page_offers_exactly_the_moves_the_state_and_the_user_allow(
    request, summary, chair_user, secretariat, case, who, expected
):
    if case == "empty":
        SummaryRevisionFactory(summary=summary, text="")
    else:
        _written(summary, case)
    user = {"chair": chair_user, "secretariat": secretariat}[who]
    client = request.getfixturevalue(f"{who}_client")

    page = client.get(_page_url(summary)).content.decode()

    offered = offered_on_page(page, urls_for(LIFECYCLE.actions, lambda slug: _action_url(summary, slug)))
    assert offered == expected
    for slug, label in LABELS.items():
        assert (label in page) == (slug in expected), slug

    def fresh():
        read = ChairSummary.objects.select_related("dialogue", "current_revision").get(pk=summary.pk)
        return read, drafter(user, read.dialogue)

    def call(service, **kwargs):
        read, role = fresh()
        return lambda: service(summary=read, by=user, role=role, **kwargs)

    # The services, tried and rolled back, allow exactly what the page offers.
    assert offered == allowed_moves(
        {
            "send-for-review": call(services.summary_send_for_review),
            "approve": call(services.summary_approve),
            "send-back": call(services.summary_send_back, note=NOTE),
            "reopen": call(services.summary_reopen, reason=REASON),
            "publish": call(services.summary_publish),
        }
    )
    assert _state(summary) == (State.DRAFT if case == "empty" else case)


def test_every_state_is_covered():
    assert {case for case, _who, _expected in CASES} - {"empty"} == set(State.values)


# --- Stale: the state changed between reading and moving ----------------------------------


def test_send_back_read_before_an_approval_is_refused_as_stale(
    summary, secretariat, as_secretariat, chair_user, as_chair, django_capture_on_commit_callbacks
):
    _written(summary, State.IN_REVIEW)
    # The secretariat's page read the summary in review; a Chair approved it meanwhile.
    read = ChairSummary.objects.get(pk=summary.pk)
    services.summary_approve(summary=ChairSummary.objects.get(pk=summary.pk), by=chair_user, role=as_chair)

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError) as refused:
        services.summary_send_back(summary=read, by=secretariat, role=as_secretariat, note=NOTE)

    assert refused.value.code == "stale_state"
    assert refused.value.messages == [
        "This Chair's summary was changed by someone else meanwhile; reload the page and try again."
    ]
    summary.refresh_from_db()
    assert (summary.state, summary.review_note) == (State.APPROVED, "")
    assert [to for _from, to, _note in _moves(summary)] == [State.APPROVED]
    assert mail.outbox == []


def test_approve_after_a_send_back_meanwhile_shows_the_refusal_and_what_is_open_now(
    chair_client, chair_user, summary, secretariat, as_secretariat
):
    _written(summary, State.IN_REVIEW)
    assert _action_url(summary, "approve") in chair_client.get(_page_url(summary)).content.decode()
    services.summary_send_back(
        summary=ChairSummary.objects.get(pk=summary.pk), by=secretariat, role=as_secretariat, note=NOTE
    )  # by the secretariat, meanwhile

    response = chair_client.post(_action_url(summary, "approve"))

    assert response.status_code == 200
    assert "This Chair's summary cannot go from “Draft” to “Approved”." in _text(response)
    page = response.content.decode()
    assert f'href="{_action_url(summary, "approve")}"' not in page
    assert f'action="{_action_url(summary, "send-for-review")}"' in page
    assert NOTE in _text(response)
    assert _state(summary) == State.DRAFT


def test_revision_count_untouched_by_the_moves(chair_client, summary):
    """A move changes the state, never the text: no revision is added by any of them."""
    _written(summary)

    chair_client.post(_action_url(summary, "send-for-review"))

    assert SummaryRevision.objects.filter(summary=summary).count() == 1
