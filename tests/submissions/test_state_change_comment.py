"""The comment's staff page offers exactly the decisions the services allow; rejecting and
unpublishing ask first, naming who is e-mailed."""

import pytest
from django.core import mail
from django.urls import reverse

from dialogue_portal.celery import app
from submissions import services
from submissions.models import WrittenComment
from submissions.views.staff import LIFECYCLE
from tests.factories import DialogueFactory, WrittenCommentFactory
from tests.state_change import allowed_moves, offered_on_page, urls_for

State = WrittenComment.State


@pytest.fixture(autouse=True)
def _tasks_in_process():
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = eager


def _comment(case: str) -> WrittenComment:
    state, _, flavour = case.partition(":")
    return WrittenCommentFactory(
        dialogue=DialogueFactory(),
        state=state,
        consent_to_publish=flavour != "no-consent",
        anonymity_requested=flavour == "anonymous",
    )


def _fresh(comment: WrittenComment) -> WrittenComment:
    return WrittenComment.objects.select_related("organisation", "author").get(pk=comment.pk)


def _urls(comment: WrittenComment) -> dict:
    return urls_for(
        LIFECYCLE.actions, lambda slug: reverse("submissions:staff_action", args=[comment.pk, slug])
    )


CASES = [
    "draft",
    "submitted",
    "submitted:anonymous",
    "submitted:no-consent",
    "published",
    "rejected",
    "withdrawn",
    "unpublished",
]


@pytest.mark.parametrize("case", CASES)
def test_comment_page_offers_exactly_the_decisions_the_services_allow(secretariat_client, secretariat, case):
    comment = _comment(case)
    page = secretariat_client.get(reverse("submissions:staff_comment", args=[comment.pk])).content.decode()
    offered = offered_on_page(page, _urls(comment))
    allowed = allowed_moves(
        {
            "publish": lambda: services.comment_publish(comment=_fresh(comment), by=secretariat),
            "publish-anonymously": lambda: services.comment_publish(
                comment=_fresh(comment), by=secretariat, anonymously=True
            ),
            "reject": lambda: services.comment_reject(
                comment=_fresh(comment), by=secretariat, reason="Off topic."
            ),
            "unpublish": lambda: services.comment_unpublish(
                comment=_fresh(comment), by=secretariat, reason="Names."
            ),
        }
    )
    assert offered == allowed
    comment.refresh_from_db()
    assert comment.state == case.partition(":")[0]


def test_every_state_is_covered():
    assert {case.partition(":")[0] for case in CASES} == set(State.values)


@pytest.mark.parametrize(
    ("case", "slug", "after"),
    [("submitted", "reject", State.REJECTED), ("published", "unpublish", State.UNPUBLISHED)],
)
def test_reject_and_unpublish_ask_first_then_act(
    secretariat_client, django_capture_on_commit_callbacks, case, slug, after
):
    comment = _comment(case)
    url = _urls(comment)[slug]
    staff_page = secretariat_client.get(
        reverse("submissions:staff_comment", args=[comment.pk])
    ).content.decode()
    assert f'href="{url}"' in staff_page
    assert f'action="{url}"' not in staff_page

    confirmation = secretariat_client.get(url).content.decode()
    assert "This cannot be undone" in confirmation
    assert "the submitter is e-mailed" in confirmation or "The submitter is e-mailed" in confirmation
    assert f'id="id_{slug}_reason"' in confirmation
    comment.refresh_from_db()
    assert comment.state == case
    assert mail.outbox == []

    refused = secretariat_client.post(url, {"reason": ""})
    assert f'id="id_{slug}_reason_error"' in refused.content.decode()
    comment.refresh_from_db()
    assert comment.state == case

    with django_capture_on_commit_callbacks(execute=True):
        response = secretariat_client.post(url, {"reason": "It names a victim."})
    assert response.url == reverse("submissions:staff_comment", args=[comment.pk])
    comment.refresh_from_db()
    assert (comment.state, comment.reason) == (after, "It names a victim.")
    assert [message.to for message in mail.outbox] == [[comment.author.email]]
