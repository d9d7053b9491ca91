"""A focal point's two tabs at once: "Save draft" in one and "Submit" or "Withdraw" in the
other, sent at the same moment (PostgreSQL, each request on its own connection, released
together at one barrier). The comment ends in one consistent outcome, the loser is told
on its page and keeps what it typed, tracking numbers stay gapless, and each submitted
comment gets exactly one receipt. The same "new comment" form sent twice at once makes
one comment."""

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from dialogue_portal.models import AuditEvent
from sessions.models import Dialogue
from submissions.models import WrittenComment
from tests.concurrency import on_postgresql, run_at_once, stagger
from tests.factories import DialogueFactory, FocalPointFactory, WrittenCommentFactory, admitted_organisation

pytestmark = [on_postgresql, pytest.mark.django_db(transaction=True)]

State = WrittenComment.State
ROUNDS = 40
SAVED_TITLE = "Firearms data held by civil society, revised in the other tab"


@pytest.fixture
def dialogue():
    return DialogueFactory(state=Dialogue.State.OPEN)


@pytest.fixture
def organisation():
    return admitted_organisation()


@pytest.fixture
def focal(organisation):
    return FocalPointFactory(organisation=organisation).user


def _tab(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _edit_form() -> dict:
    return {
        "title": SAVED_TITLE,
        "body": "Civil society holds data on firearms trafficking.\n\nThe review should use it.",
        "language": "en",
        "about": "",
        "consent_to_publish": "on",
        "save": "1",
    }


def _url(name: str, comment: WrittenComment) -> str:
    return reverse(f"submissions:{name}", args=[comment.organisation_id, comment.pk])


def at_once(*requests, round_: int = 0):
    """Send each request from its own tab (thread), released together; their responses."""
    return run_at_once(*[lambda request=request: request for request in requests], delays=stagger(round_))


def _saved(response) -> bool:
    """Whether the "Save draft" tab was told its draft was saved (else: told it was refused)."""
    if response.status_code == 302:
        return True
    page = response.content.decode()
    assert response.status_code == 200
    assert "meanwhile (perhaps in another tab), so these changes were not saved" in page
    # What the user typed is still in the form.
    assert f'value="{SAVED_TITLE}"' in page
    return False


def test_save_and_submit_at_once_end_submitted_once_with_one_receipt(dialogue, organisation, focal):
    saving, submitting = _tab(focal), _tab(focal)
    outcomes = {"saved first": 0, "save refused": 0}  # both happen over the rounds
    for round_ in range(ROUNDS):
        draft = WrittenCommentFactory(
            state=State.DRAFT, dialogue=dialogue, organisation=organisation, author=focal
        )
        saved, submitted = at_once(
            lambda draft=draft: saving.post(_url("edit", draft), _edit_form()),
            lambda draft=draft: submitting.post(_url("submit", draft)),
            round_=round_,
        )
        assert submitted.status_code == 302
        draft.refresh_from_db()
        # The submission always stands: a save never takes a submitted comment back to draft.
        assert draft.state == State.SUBMITTED
        assert draft.tracking_number
        if _saved(saved):
            assert draft.title == SAVED_TITLE  # the save came first; the submission took it
            outcomes["saved first"] += 1
        else:
            assert draft.title != SAVED_TITLE
            outcomes["save refused"] += 1
        assert AuditEvent.objects.for_object(draft).filter(to_state=State.SUBMITTED).count() == 1

    comments = WrittenComment.objects.filter(dialogue=dialogue).order_by("sequence")
    assert [comment.sequence for comment in comments] == list(range(1, ROUNDS + 1))
    receipted = [set(re.findall(r"WC-\d+-\d+-\d+", message.body)) for message in mail.outbox]
    for comment in comments:
        assert sum(comment.tracking_number in numbers for numbers in receipted) == 1
    assert sum(outcomes.values()) == ROUNDS


def test_save_and_withdraw_at_once_end_withdrawn(dialogue, organisation, focal):
    saving, withdrawing = _tab(focal), _tab(focal)
    for round_ in range(ROUNDS):
        draft = WrittenCommentFactory(
            state=State.DRAFT, dialogue=dialogue, organisation=organisation, author=focal
        )
        saved, withdrawn = at_once(
            lambda draft=draft: saving.post(_url("edit", draft), _edit_form()),
            lambda draft=draft: withdrawing.post(_url("withdraw", draft), {"confirm": "on"}),
            round_=round_,
        )
        assert withdrawn.status_code == 302
        draft.refresh_from_db()
        assert draft.state == State.WITHDRAWN
        assert (draft.title == SAVED_TITLE) is _saved(saved)
        assert AuditEvent.objects.for_object(draft).filter(to_state=State.WITHDRAWN).count() == 1


def test_new_form_sent_twice_at_once_makes_one_comment(dialogue, organisation, focal):
    first, second = _tab(focal), _tab(focal)
    new_url = f"{reverse('submissions:new', args=[organisation.pk])}?dialogue={dialogue.pk}"
    for round_ in range(10):
        page = first.get(new_url).content.decode()
        token = re.search(r'name="form_token" value="([0-9a-f]+)"', page).group(1)
        data = {**_edit_form(), "title": f"Round {round_}", "form_token": token}
        responses = at_once(
            lambda data=data: first.post(new_url, data),
            lambda data=data: second.post(new_url, data),
            round_=round_,
        )
        assert [response.status_code for response in responses] == [302, 302]
        made = WrittenComment.objects.filter(organisation=organisation, title=f"Round {round_}")
        assert made.count() == 1
        # Both sendings lead to the one comment.
        assert {response["Location"] for response in responses} == {_url("edit", made.get())}
