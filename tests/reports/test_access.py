"""Who reaches a summary's pages: its dialogue's Chairs and the secretariat; everyone else
gets 404, exactly as for a dialogue with no summary, and nothing changes."""

import pytest
from django.urls import reverse

from dialogue_portal.models import AuditEvent
from reports.models import ChairSummary, SummaryRevision
from tests.factories import (
    ChairSummaryFactory,
    DialogueChairFactory,
    FocalPointFactory,
    HeldDialogueFactory,
    SummaryRevisionFactory,
    UserFactory,
    WrittenCommentFactory,
)

LOGIN = reverse("account_login")
SECRET = "Unpublished words on alpha."

# The state in which each action of the review is offered to someone: a POST there by
# the dialogue's own Chair or the secretariat would move the summary.
ACTION_STATE = {
    "send-for-review": ChairSummary.State.DRAFT,
    "approve": ChairSummary.State.IN_REVIEW,
    "send-back": ChairSummary.State.IN_REVIEW,
    "reopen": ChairSummary.State.APPROVED,
}
ACTION_DATA = {"send-back": {"note": "Shorter, please."}, "reopen": {"reason": "A name is wrong."}}


@pytest.fixture(autouse=True)
def _no_second_factor(settings):
    # The second factor has its own tests (tests/dialogue_portal/test_accounts.py).
    settings.REQUIRE_MFA = False


class World:
    """Dialogue A with its Chair, a summary of two revisions and a published comment;
    dialogue B with its own Chair and summary; a focal point of some organisation."""

    def __init__(self, dialogue, chair_user, summary):
        self.dialogue, self.chair_user, self.summary = dialogue, chair_user, summary
        self.first = SummaryRevisionFactory(summary=summary, text=f"# Introduction\n\n{SECRET}")
        self.second = SummaryRevisionFactory(
            summary=summary, text=f"# Introduction\n\n{SECRET}\n\nA second paragraph."
        )
        WrittenCommentFactory(dialogue=dialogue, state="published", title="Alpha's written comment")
        self.other_dialogue = HeldDialogueFactory()
        self.other_chair = UserFactory()
        DialogueChairFactory(dialogue=self.other_dialogue, user=self.other_chair)
        self.other_summary = ChairSummaryFactory(dialogue=self.other_dialogue)
        SummaryRevisionFactory(summary=self.other_summary, text="# Introduction\n\nBeta's own words.")
        self.focal_point = FocalPointFactory().user

    def in_state(self, state: str) -> None:
        ChairSummary.objects.filter(pk=self.summary.pk).update(state=state)

    def snapshot(self) -> tuple:
        summary = ChairSummary.objects.get(pk=self.summary.pk)
        return (
            summary.state,
            summary.symbol,
            summary.current_revision_id,
            summary.review_note,
            SummaryRevision.objects.count(),
            ChairSummary.objects.count(),
            AuditEvent.objects.count(),
        )


@pytest.fixture
def world(dialogue, chair_user, summary):
    return World(dialogue, chair_user, summary)


def _requests(world: World) -> dict[str, tuple[str, str, dict]]:
    """Every summary URL of dialogue A with the method and data its own Chair would send,
    by a name for the test's report."""
    pk = world.dialogue.pk

    def url(name, *args):
        return reverse(f"reports:{name}", args=[pk, *args])

    text = f"# Introduction\n\n{SECRET} Changed."
    requests = {
        "summary GET": ("get", url("summary"), {}),
        "summary POST": ("post", url("summary"), {"text": text, "base": world.second.pk, "save": "1"}),
        "preview POST": ("post", url("summary_preview"), {"text": text}),
        "from-data POST": ("post", url("summary_from_data"), {}),
        "symbol POST": ("post", url("summary_symbol"), {"symbol": "CTOC/COP/WG.6/2030/CRP.9"}),
        "revisions GET": ("get", url("summary_revisions"), {}),
        "revision GET": ("get", url("summary_revision", 1), {}),
        "compare GET": ("get", url("summary_compare") + "?old=1&new=2", {}),
        "restore POST": ("post", url("summary_restore", 1), {"base": world.second.pk}),
    }
    for slug in ACTION_STATE:
        requests[f"{slug} GET"] = ("get", url("summary_action", slug), {})
        requests[f"{slug} POST"] = ("post", url("summary_action", slug), ACTION_DATA.get(slug, {}))
    return requests


def _send(client, method: str, url: str, data: dict):
    return client.get(url) if method == "get" else client.post(url, data)


def _state_for(url: str) -> str:
    for slug, state in ACTION_STATE.items():
        if url.rstrip("/").endswith(f"/{slug}"):
            return state
    return ChairSummary.State.DRAFT


@pytest.mark.parametrize(
    ("name", "who"),
    [
        ("summary POST", "chair"),
        ("symbol POST", "secretariat"),
        ("restore POST", "chair"),
        ("send-for-review POST", "chair"),
        ("approve POST", "chair"),
        ("send-back POST", "secretariat"),
        ("reopen POST", "chair"),
    ],
)
def test_summary_posts_change_the_summary_when_its_drafters_send_them(client, world, secretariat, name, who):
    # What the tests below refuse to everyone else does change something for a drafter.
    method, url, data = _requests(world)[name]
    world.in_state(_state_for(url))
    client.force_login(secretariat if who == "secretariat" else world.chair_user)
    before = world.snapshot()

    response = _send(client, method, url, data)

    assert response.status_code == 302
    assert world.snapshot() != before


@pytest.mark.parametrize("who", ["focal_point", "other_chair", "plain_user"])
def test_summary_urls_are_404_to_signed_in_users_who_are_not_its_drafters(client, world, who):
    users = {"focal_point": world.focal_point, "other_chair": world.other_chair, "plain_user": UserFactory()}
    client.force_login(users[who])
    for method, url, data in _requests(world).values():
        world.in_state(_state_for(url))
        before = world.snapshot()

        response = _send(client, method, url, data)

        assert response.status_code == 404, f"{method} {url}"
        page = response.content.decode()
        assert SECRET not in page
        assert "Alpha&#x27;s written comment" not in page
        assert world.snapshot() == before, f"{method} {url} changed something"


def test_summary_urls_are_404_to_anonymous_visitors_but_the_save(client, world):
    for name, (method, url, data) in _requests(world).items():
        if name == "summary POST":
            continue  # the session-expiry path: below
        world.in_state(_state_for(url))
        before = world.snapshot()

        response = _send(client, method, url, data)

        assert response.status_code == 404, f"{method} {url}"
        assert SECRET not in response.content.decode()
        assert world.snapshot() == before


def test_summary_save_by_an_anonymous_visitor_leads_to_the_login_and_saves_nothing(client, world):
    url = reverse("reports:summary", args=[world.dialogue.pk])
    before = world.snapshot()

    response = client.post(url, {"text": "Typed before the session expired.", "base": world.second.pk})

    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN}?next={url}"
    assert world.snapshot() == before


def test_summary_save_by_an_anonymous_visitor_tells_nothing_of_whether_the_dialogue_exists(client, world):
    missing = reverse("reports:summary", args=[world.other_dialogue.pk + 1000])
    response = client.post(missing, {"text": "Anything."})
    # The same answer as for a real dialogue's summary: the login, which then decides.
    assert response["Location"] == f"{LOGIN}?next={missing}"


def test_summary_save_by_an_anonymous_visitor_shows_nobody_else_the_text(client, world):
    url = reverse("reports:summary", args=[world.dialogue.pk])
    client.post(url, {"text": "Words of a stranger.", "base": world.second.pk})

    # Signed in as someone with no part in the summary: still 404, the text nowhere.
    client.force_login(world.focal_point)
    response = client.get(url)

    assert response.status_code == 404
    assert "Words of a stranger." not in response.content.decode()


@pytest.mark.parametrize("who", ["anonymous", "focal_point", "other_chair"])
def test_summary_pages_of_a_dialogue_without_a_summary_are_404(client, world, who):
    dialogue = HeldDialogueFactory()
    DialogueChairFactory(dialogue=dialogue, user=UserFactory())
    if who != "anonymous":
        client.force_login(getattr(world, who))
    for name in ("summary", "summary_revisions"):
        assert client.get(reverse(f"reports:{name}", args=[dialogue.pk])).status_code == 404
    assert client.post(reverse("reports:summary_from_data", args=[dialogue.pk])).status_code == 404
    assert not ChairSummary.objects.filter(dialogue=dialogue).exists()


def test_staff_summaries_sends_an_anonymous_visitor_to_the_login(client, world):
    url = reverse("reports:staff_summaries")
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN}?next={url}"


@pytest.mark.parametrize("who", ["focal_point", "other_chair", "chair"])
def test_staff_summaries_is_404_to_users_who_are_not_the_secretariat(client, world, who):
    users = {"focal_point": world.focal_point, "other_chair": world.other_chair, "chair": world.chair_user}
    client.force_login(users[who])
    assert client.get(reverse("reports:staff_summaries")).status_code == 404


def test_staff_summaries_is_404_to_staff_outside_the_secretariat_group(client, world):
    client.force_login(UserFactory(is_staff=True))
    assert client.get(reverse("reports:staff_summaries")).status_code == 404


def test_staff_summaries_lists_every_summary_for_the_secretariat(client, world, secretariat):
    client.force_login(secretariat)
    response = client.get(reverse("reports:staff_summaries"))
    page = response.content.decode()
    assert response.status_code == 200
    assert world.summary.symbol in page
    assert world.other_summary.symbol in page


# --- The drafters ------------------------------------------------------------------------


def _pages(world: World) -> list[str]:
    pk = world.dialogue.pk
    return [
        reverse("reports:summary", args=[pk]),
        reverse("reports:summary_revisions", args=[pk]),
        reverse("reports:summary_revision", args=[pk, 1]),
        reverse("reports:summary_revision", args=[pk, 2]),
        reverse("reports:summary_compare", args=[pk]) + "?old=1&new=2",
        reverse("reports:summary_compare", args=[pk]),
    ]


@pytest.mark.parametrize("who", ["chair", "secretariat"])
def test_summary_pages_answer_its_chair_and_the_secretariat(client, world, secretariat, who):
    client.force_login(world.chair_user if who == "chair" else secretariat)
    for url in _pages(world):
        response = client.get(url)
        assert response.status_code == 200, url
        # The list names the revisions; the others show their text (or its difference).
        assert SECRET in response.content.decode() or url.endswith(("/revisions/", "/compare/")), url


@pytest.mark.parametrize(
    ("who", "slug", "state"),
    [
        ("chair", "approve", ChairSummary.State.IN_REVIEW),
        ("chair", "reopen", ChairSummary.State.APPROVED),
        ("secretariat", "reopen", ChairSummary.State.APPROVED),
    ],
)
def test_summary_confirmation_pages_answer_those_who_may_act(client, world, secretariat, who, slug, state):
    world.in_state(state)
    client.force_login(world.chair_user if who == "chair" else secretariat)
    response = client.get(reverse("reports:summary_action", args=[world.dialogue.pk, slug]))
    assert response.status_code == 200


def test_summary_preview_answers_its_chair(client, world):
    client.force_login(world.chair_user)
    response = client.post(
        reverse("reports:summary_preview", args=[world.dialogue.pk]), {"text": "# Introduction\n\nHello."}
    )
    assert response.status_code == 200
    assert "Hello." in response.content.decode()


def test_summary_symbol_is_404_to_a_chair(client, world):
    # Only the secretariat sets the symbol: the URL does not exist for anyone else.
    client.force_login(world.chair_user)
    before = world.snapshot()
    url = reverse("reports:summary_symbol", args=[world.dialogue.pk])
    assert client.post(url, {"symbol": "CTOC/COP/WG.6/2030/CRP.9"}).status_code == 404
    assert world.snapshot() == before


def test_summary_symbol_is_changed_by_the_secretariat(client, world, secretariat):
    client.force_login(secretariat)
    url = reverse("reports:summary_symbol", args=[world.dialogue.pk])
    response = client.post(url, {"symbol": "CTOC/COP/WG.6/2030/CRP.9"})
    assert response.status_code == 302
    world.summary.refresh_from_db()
    assert world.summary.symbol == "CTOC/COP/WG.6/2030/CRP.9"


def test_summary_pages_of_a_cancelled_dialogue_are_404_to_its_chair(client, world):
    type(world.dialogue).objects.filter(pk=world.dialogue.pk).update(state="cancelled")
    client.force_login(world.chair_user)
    for url in _pages(world):
        assert client.get(url).status_code == 404, url


def test_summary_page_of_another_dialogue_shows_none_of_this_ones_text(client, world):
    # The other dialogue's Chair on their own pages: their summary, never dialogue A's.
    client.force_login(world.other_chair)
    pk = world.other_dialogue.pk
    for url in (
        reverse("reports:summary", args=[pk]),
        reverse("reports:summary_revisions", args=[pk]),
        reverse("reports:summary_revision", args=[pk, 1]),
        reverse("reports:summary_compare", args=[pk]) + "?old=1&new=1",
    ):
        response = client.get(url)
        page = response.content.decode()
        assert response.status_code == 200, url
        assert SECRET not in page, url
        assert "Alpha&#x27;s written comment" not in page
        assert world.summary.symbol not in page
    assert "Beta&#x27;s own words." in client.get(reverse("reports:summary", args=[pk])).content.decode()


def test_summary_revision_of_another_summary_is_404_by_its_number(client, world):
    # Revision 2 exists for dialogue A only: dialogue B's Chair asks for it on B's URL.
    client.force_login(world.other_chair)
    url = reverse("reports:summary_revision", args=[world.other_dialogue.pk, 2])
    assert client.get(url).status_code == 404
    restore = reverse("reports:summary_restore", args=[world.other_dialogue.pk, 2])
    assert client.post(restore, {"base": world.second.pk}).status_code == 404
