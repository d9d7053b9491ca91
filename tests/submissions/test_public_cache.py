"""The cached public comment pages: served from the cache while nothing changes, and never
stale: an unpublished comment, a renamed organisation, a new dialogue show at once on every
page, whatever the cache did meanwhile.

These tests commit (``transactional_db``): the version that keys the cache changes when a
change commits, and the pages neither read nor write the cache inside a transaction.
"""

import re

import pytest
from django.core.cache import cache
from django.test import Client, override_settings
from django.urls import reverse

from stakeholders.models import Organisation
from submissions.models import WrittenComment
from submissions.services import comment_publish, comment_unpublish
from tests.factories import DialogueFactory, SecretariatFactory, WrittenCommentFactory, admitted_organisation

pytestmark = pytest.mark.django_db(transaction=True)

LIST = reverse("submissions:list")
FEED = reverse("submissions:feed")
EXPORT = reverse("submissions:export")
ANONYMOUS = "a non-governmental organization"


@pytest.fixture
def secretariat():
    return SecretariatFactory()


def publish(secretariat, anonymously=False, **fields) -> WrittenComment:
    """A comment published through the service, as the secretariat does it."""
    comment = WrittenCommentFactory(state="submitted", **fields)
    return comment_publish(comment=comment, by=secretariat, anonymously=anonymously)


def text(client, url, data=None, status=200) -> str:
    response = client.get(url, data or {})
    assert response.status_code == status, url
    return response.content.decode()


@pytest.fixture
def two(secretariat):
    """Two published comments of one organisation on one dialogue, in French, on firearms."""
    organisation = admitted_organisation(name="Ballistics Watch", acronym="BW")
    dialogue = DialogueFactory()
    fields = {"organisation": organisation, "dialogue": dialogue, "language": "fr"}
    kept = publish(secretariat, title="Kept comment on firearms", body="Firearms marking data.", **fields)
    gone = publish(secretariat, title="Withdrawn view on firearms", body="Firearms brokering data.", **fields)
    return kept, gone


def public_urls(comment) -> dict[str, tuple[str, dict]]:
    dialogue = comment.dialogue_id
    return {
        "list": (LIST, {}),
        "filtered": (LIST, {"language": "fr", "dialogue": dialogue}),
        "search": (LIST, {"q": "firearms"}),
        "detail": (reverse("submissions:detail", args=[comment.pk]), {}),
        "feed": (FEED, {}),
        "dialogue feed": (reverse("submissions:dialogue_feed", args=[dialogue]), {}),
        "csv": (EXPORT, {}),
    }


def test_public_pages_are_served_from_the_cache_with_one_query(client, two, django_assert_num_queries):
    """The version is read; the page comes from the cache (the frame around it is rendered)."""
    kept, _gone = two
    detail = reverse("submissions:detail", args=[kept.pk])
    for url, data in ((LIST, {}), (LIST, {"language": "fr", "dialogue": kept.dialogue_id}), (detail, {})):
        first = text(client, url, data)
        with django_assert_num_queries(1):
            again = text(client, url, data)
        # The same page, but for the CSRF token of the language form: masked anew each time.
        assert without_csrf(again) == without_csrf(first)
        assert _csrf_field(again) != _csrf_field(first)


def test_unpublished_comment_leaves_every_cached_page_and_feed_at_once(client, two, secretariat):
    kept, gone = two
    urls = public_urls(gone)
    for name, (url, data) in urls.items():  # every cache warmed, twice
        for _ in range(2):
            assert gone.title in text(client, url, data), name

    comment_unpublish(comment=gone, by=secretariat, reason="At the organisation's request.")

    for name, (url, data) in urls.items():
        if name == "detail":
            assert client.get(url).status_code == 404
            continue
        page = text(client, url, data)
        assert gone.title not in page, name
        assert kept.title in page, name
    assert "1 written comment" in text(client, LIST, {"language": "fr", "dialogue": gone.dialogue_id})


def test_unpublish_shows_even_when_the_cache_was_unreachable_at_that_moment(client, two, secretariat):
    _kept, gone = two
    detail = reverse("submissions:detail", args=[gone.pk])
    assert gone.title in text(client, LIST)
    assert gone.title in text(client, detail)
    # Nothing is deleted from the cache when a comment changes: with the cache out of reach
    # the unpublication goes through, and the entries cached before stay where they were.
    unreachable = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }
    with override_settings(CACHES=unreachable):
        comment_unpublish(comment=gone, by=secretariat, reason="At the organisation's request.")
    assert gone.title not in text(client, LIST)
    assert client.get(detail).status_code == 404


def test_organisation_rename_shows_at_once_on_cached_pages_and_filters(client, two):
    kept, _gone = two
    detail = reverse("submissions:detail", args=[kept.pk])
    pages = [(LIST, {}), (LIST, {"q": "firearms"}), (detail, {}), (FEED, {})]
    for url, data in pages:
        assert "Ballistics Watch" in text(client, url, data)
    # An update() sends no signal; the database still notices.
    Organisation.objects.filter(pk=kept.organisation_id).update(name="Arms Data Collective")
    for url, data in pages:
        page = text(client, url, data)
        assert "Arms Data Collective" in page
        assert "Ballistics Watch" not in page


def test_new_dialogue_is_offered_by_the_cached_filter_at_once(client, two):
    text(client, LIST)
    dialogue = DialogueFactory()
    page = text(client, LIST, {"dialogue": dialogue.pk})
    assert "Select a valid choice" not in page
    assert "0 written comments" in page


def test_name_taken_off_a_comment_leaves_every_cached_page_at_once(client, secretariat):
    organisation = admitted_organisation(name="Clandestine Shield Collective", acronym="CSCQ", country="BY")
    hidden = publish(
        secretariat,
        anonymously=True,
        organisation=organisation,
        title="Reprisals against witnesses",
        anonymity_requested=True,
    )
    # Asked to go without the name; published with it at first.
    named = publish(secretariat, organisation=organisation, title="Signed comment", anonymity_requested=True)
    urls = [
        LIST,
        reverse("submissions:detail", args=[named.pk]),
        reverse("submissions:detail", args=[hidden.pk]),
    ]
    assert "Clandestine Shield" in text(client, LIST)  # named on the signed one, and in the filter
    assert "Clandestine Shield" not in text(client, urls[2])
    for url in urls:
        text(client, url)
    # The secretariat decides, late, that the signed one too goes without the name (the admin
    # writes the column directly): no page may show it any more, cached or not.
    WrittenComment.objects.filter(pk=named.pk).update(published_anonymously=True)
    for url in [*urls, FEED]:
        page = text(client, url)
        assert ANONYMOUS in page
        for secret in ("Clandestine Shield", "CSCQ", "Belarus"):
            assert secret not in page, url


def test_cached_page_shows_each_visitor_their_own_header(client, two, user):
    kept, _gone = two
    detail = reverse("submissions:detail", args=[kept.pk])
    for url in (LIST, detail):
        anonymous = text(client, url)
        assert "Sign in" in anonymous
        signed_in = Client()
        signed_in.force_login(user)
        page = text(signed_in, url)
        assert "Sign out" in page
        assert "Sign in" not in page
        assert kept.title in page
        assert "Sign in" in text(Client(), url)


def _csrf_field(page: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)


def without_csrf(page: str) -> str:
    return page.replace(_csrf_field(page), "")


def test_cached_page_carries_each_visitor_a_csrf_token_of_their_own(two):
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    text(first, LIST)
    page = text(second, LIST)  # from the cache
    response = second.post(
        reverse("set_language"), {"language": "fr", "next": LIST, "csrfmiddlewaretoken": _csrf_field(page)}
    )
    assert response.status_code == 302  # not 403: the token is this visitor's


def test_list_and_search_run_a_fixed_number_of_queries_cold_and_warm(
    client, two, django_assert_max_num_queries
):
    # Cold: the version, the filters' three, the count and the page (searching: the page's
    # ids with the total, then its rows); the attachments come with the rows.
    for data in ({}, {"q": "firearms"}):
        cache.clear()
        with django_assert_max_num_queries(6):
            text(client, LIST, data)
    # The filters and the cards cached: a new search reads only the version and its page's ids.
    with django_assert_max_num_queries(2):
        assert "Withdrawn view on firearms" in text(client, LIST, {"q": "brokering"})
