"""The public documents pages: the list of published CRPs with its filters, the downloads
(the latest of a symbol and each revision) with their cache headers, the Atom feed, and the
links from the dialogue's page and the home page. Nothing unpublished reaches them."""

import datetime
import re
import xml.etree.ElementTree as ET
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from reports import services
from reports.models import ChairSummary
from reports.permissions import drafter
from reports.views import documents as documents_view
from sessions.views import public as sessions_public
from tests.factories import (
    ChairSummaryFactory,
    CrpDocumentFactory,
    DialogueChairFactory,
    HeldDialogueFactory,
    SecretariatFactory,
    SummaryRevisionFactory,
    UserFactory,
    WorkingGroupFactory,
    tiny_pdf,
)

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
# The working groups and the years offered, the documents' count, the page of documents
# (each with its dialogue, working group, ordinal and later correction): the same at any size.
LIST_QUERIES = 4


@pytest.fixture(autouse=True)
def _no_second_factor(settings):
    # Chairs and the secretariat sign in here too; the second factor has its own tests.
    settings.REQUIRE_MFA = False


def _day(year: int, month: int = 5, day: int = 6) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(year, month, day, 12, 0))


def _summary(*, group=None, year: int = 2023, symbol: str | None = None) -> ChairSummary:
    """The summary of a dialogue held on 6 May of ``year``, after a session of ``group``."""
    session = {"first_day": datetime.date(year, 5, 3), "last_day": datetime.date(year, 5, 6)}
    if group is not None:
        session["working_group"] = group
    dialogue = HeldDialogueFactory(**{f"session__{key}": value for key, value in session.items()})
    fields = {"symbol": symbol} if symbol else {}
    return ChairSummaryFactory(dialogue=dialogue, state=ChairSummary.State.PUBLISHED, **fields)


def _published(summary, *, correction: int = 0, at=None, **fields):
    return CrpDocumentFactory(
        summary=summary, correction=correction, published=True, published_at=at or timezone.now(), **fields
    )


def _latest_url(summary) -> str:
    return reverse("reports:document_latest", args=[services.document_slug(summary.symbol)])


def _revision_url(summary, correction: int) -> str:
    return reverse("reports:document_revision", args=[services.document_slug(summary.symbol), correction])


def _rows(page: str) -> list[str]:
    body = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0] if "<tbody>" in page else ""
    return re.findall(r"<tr>(.*?)</tr>", body, flags=re.S)


def _listed(page: str) -> list[str]:
    """The symbols of the list's rows, in their order."""
    return [re.search(r'type="application/pdf">([^<]+)</a>', row).group(1) for row in _rows(page)]


def _body(response) -> bytes:
    return b"".join(response.streaming_content)


def tiny_pdf_of(summary, correction: int) -> bytes:
    """The bytes stored for the summary's published document of this correction."""
    with summary.documents.published().get(correction=correction).file.open("rb") as handle:
        return handle.read()


# --- The list -------------------------------------------------------------------------------


def test_documents_list_shows_published_newest_first_and_no_unpublished(client):
    older = _published(_summary(symbol="CTOC/COP/WG.6/2022/CRP.2"), at=_day(2024, 1, 10))
    newer = _published(_summary(symbol="CTOC/COP/WG.4/2023/CRP.1"), at=_day(2024, 3, 1))
    unpublished = CrpDocumentFactory(summary=_summary(symbol="CTOC/COP/WG.7/2023/CRP.3"))
    page = client.get(reverse("reports:documents")).content.decode()
    assert _listed(page) == [newer.symbol, older.symbol]
    assert unpublished.symbol not in page
    assert "2 Conference Room Papers" in page


def test_documents_list_row_shows_title_group_date_pages_size_and_links_the_download(client):
    group = WorkingGroupFactory(name="Working Group on Firearms", symbol_prefix="CTOC/COP/WG.6")
    summary = _summary(group=group, year=2022, symbol="CTOC/COP/WG.6/2022/CRP.2")
    document = _published(summary, pages=12, content=tiny_pdf("x" * 35_000))
    (row,) = _rows(client.get(reverse("reports:documents")).content.decode())
    assert f'href="{_revision_url(summary, 0)}"' in row
    # The dialogue's title with its ordinal, as on its own page.
    assert "First constructive dialogue of 6 May 2022 after the" in row
    assert "session of the Working Group on Firearms" in row
    assert "<td>Working Group on Firearms</td>" in row
    assert "6 May 2022" in row
    assert "<td>12</td>" in row
    assert 35_000 < document.size < 35_500
    assert "<td>34.4\xa0KB</td>" in row  # a non-breaking space between the number and its unit


def test_documents_list_marks_the_superseded_original(client):
    summary = _summary(symbol="CTOC/COP/WG.6/2022/CRP.2")
    original = _published(summary, at=_day(2024, 1, 10))
    correction = _published(summary, correction=1, at=_day(2024, 2, 10))
    page = client.get(reverse("reports:documents")).content.decode()
    assert _listed(page) == [correction.symbol, original.symbol]
    latest_row, original_row = _rows(page)
    assert "superseded by" not in latest_row
    assert "superseded by" in original_row
    assert f'<a href="{_latest_url(summary)}" type="application/pdf">CTOC/COP/WG.6/2022/CRP.2/Rev.1</a>' in (
        original_row
    )
    # The original keeps its own download, not the correction's.
    assert f'href="{_revision_url(summary, 0)}"' in original_row


def test_documents_list_not_superseded_by_an_unpublished_correction(client):
    summary = _summary()
    _published(summary)
    CrpDocumentFactory(summary=summary, correction=1)  # rendered, never published
    (row,) = _rows(client.get(reverse("reports:documents")).content.decode())
    assert "superseded by" not in row


def test_documents_list_filters_by_working_group(client):
    firearms = WorkingGroupFactory(name="Working Group on Firearms")
    smuggling = WorkingGroupFactory(name="Working Group on the Smuggling of Migrants")
    kept = _published(_summary(group=firearms))
    left_out = _published(_summary(group=smuggling))
    page = client.get(reverse("reports:documents"), {"group": firearms.pk}).content.decode()
    assert _listed(page) == [kept.symbol]
    assert left_out.symbol not in page
    # The choice stays selected, and both groups are offered.
    assert f'<option value="{firearms.pk}" selected>Working Group on Firearms</option>' in page
    assert f'<option value="{smuggling.pk}">' in page


def test_documents_list_filters_by_year_of_the_dialogue(client):
    of_2022 = _published(_summary(year=2022))
    of_2023 = _published(_summary(year=2023))
    CrpDocumentFactory(summary=_summary(year=2019))  # unpublished: its year is not offered
    page = client.get(reverse("reports:documents"), {"year": "2022"}).content.decode()
    assert _listed(page) == [of_2022.symbol]
    assert of_2023.symbol not in page
    years = re.findall(r'<option value="(\d{4})"', page)
    assert years == ["2023", "2022"]


def test_documents_list_refuses_a_value_not_offered_and_lists_nothing(client):
    _published(_summary(year=2022))
    page = client.get(reverse("reports:documents"), {"year": "1999"}).content.decode()
    assert _listed(page) == []
    assert "One of the filters has a value that is not offered" in page


def test_documents_list_filter_form_works_without_javascript(client):
    page = client.get(reverse("reports:documents")).content.decode()
    form = re.search(r'<form method="get" action="([^"]+)"[^>]*>(.*?)</form>', page, flags=re.S)
    assert form.group(1) == reverse("reports:documents")
    assert '<label for="id_group">' in form.group(2)
    assert '<label for="id_year">' in form.group(2)
    assert '<button type="submit">' in form.group(2)


def test_documents_list_pages_keep_the_filters(client, monkeypatch):
    monkeypatch.setattr(documents_view, "PER_PAGE", 2)
    group = WorkingGroupFactory()
    for n in range(3):
        _published(_summary(group=group), at=_day(2024, 1, n + 1))
    _published(_summary())  # another group's
    first = client.get(reverse("reports:documents"), {"group": group.pk}).content.decode()
    assert len(_rows(first)) == 2
    assert "Page 1 of 2" in first
    assert f'href="?group={group.pk}&amp;page=2" rel="next"' in first
    second = client.get(reverse("reports:documents"), {"group": group.pk, "page": 2}).content.decode()
    assert len(_rows(second)) == 1


@pytest.mark.parametrize("size", [2, 12])
def test_documents_list_runs_fixed_number_of_queries(client, django_assert_max_num_queries, size):
    groups = [WorkingGroupFactory(), WorkingGroupFactory()]
    for n in range(size):
        summary = _summary(group=groups[n % 2], year=2020 + n % 3)
        _published(summary, at=_day(2024, 1, n + 1))
        if n % 2:
            _published(summary, correction=1, at=_day(2024, 2, n + 1))
    with django_assert_max_num_queries(LIST_QUERIES):
        response = client.get(reverse("reports:documents"))
    assert len(_rows(response.content.decode())) == size + size // 2
    with django_assert_max_num_queries(LIST_QUERIES):
        response = client.get(reverse("reports:documents"), {"group": groups[1].pk, "year": "2021"})
    assert response.status_code == 200


# --- The downloads --------------------------------------------------------------------------


def test_latest_url_serves_the_highest_published_correction(client):
    summary = _summary()
    _published(summary)
    correction = _published(summary, correction=1)
    CrpDocumentFactory(summary=summary, correction=2)  # rendered, not published
    response = client.get(_latest_url(summary))
    assert response.status_code == 200
    assert _body(response) == correction.file.open("rb").read()
    assert response["ETag"] == f'"{correction.sha256}"'


def test_revision_url_serves_that_very_revision(client):
    summary = _summary()
    original = _published(summary)
    correction = _published(summary, correction=1)
    for document in (original, correction):
        response = client.get(_revision_url(summary, document.correction))
        assert response.status_code == 200
        assert _body(response) == document.file.open("rb").read()


def test_revision_download_headers(client):
    summary = _summary(symbol="CTOC/COP/WG.6/2022/CRP.2")
    document = _published(summary, correction=1)
    response = client.get(_revision_url(summary, 1))
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="CTOC-COP-WG.6-2022-CRP.2-Rev.1.pdf"'
    assert response["ETag"] == f'"{document.sha256}"'
    directives = {part.strip() for part in response["Cache-Control"].split(",")}
    assert directives == {"public", "max-age=31536000", "immutable"}


def test_latest_download_headers_cache_it_briefly(client):
    summary = _summary(symbol="CTOC/COP/WG.6/2022/CRP.2")
    document = _published(summary)
    response = client.get(_latest_url(summary))
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="CTOC-COP-WG.6-2022-CRP.2.pdf"'
    assert response["ETag"] == f'"{document.sha256}"'
    directives = {part.strip() for part in response["Cache-Control"].split(",")}
    assert directives == {"public", "max-age=300"}


def test_downloads_answer_a_matching_etag_with_304_and_no_body(client):
    summary = _summary()
    document = _published(summary)
    for url, max_age in (
        (_revision_url(summary, 0), "max-age=31536000"),
        (_latest_url(summary), "max-age=300"),
    ):
        response = client.get(url, headers={"if-none-match": f'"{document.sha256}"'})
        assert response.status_code == 304
        assert response.content == b""
        assert response["ETag"] == f'"{document.sha256}"'
        assert max_age in response["Cache-Control"]


def test_latest_url_answers_the_original_etag_with_the_correction(client):
    summary = _summary()
    original = _published(summary)
    correction = _published(summary, correction=1)
    response = client.get(_latest_url(summary), headers={"if-none-match": f'"{original.sha256}"'})
    assert response.status_code == 200
    assert _body(response) == correction.file.open("rb").read()


@pytest.fixture
def signed_in_clients(summary_of_chair):
    """Anonymous, a signed-in stakeholder, the dialogue's Chair and the secretariat."""
    clients = {"anonymous": Client()}
    chair = UserFactory()
    DialogueChairFactory(dialogue=summary_of_chair.dialogue, user=chair)
    for name, user in (("user", UserFactory()), ("chair", chair), ("secretariat", SecretariatFactory())):
        clients[name] = Client()
        clients[name].force_login(user)
    return clients


@pytest.fixture
def summary_of_chair():
    return _summary()


def test_unpublished_document_answers_404_to_everyone_on_both_urls(summary_of_chair, signed_in_clients):
    CrpDocumentFactory(summary=summary_of_chair)  # rendered, not published
    for name, client in signed_in_clients.items():
        assert client.get(_latest_url(summary_of_chair)).status_code == 404, name
        assert client.get(_revision_url(summary_of_chair, 0)).status_code == 404, name


def test_unpublished_correction_answers_404_on_its_revision_url(summary_of_chair, signed_in_clients):
    _published(summary_of_chair)
    CrpDocumentFactory(summary=summary_of_chair, correction=1)
    for name, client in signed_in_clients.items():
        assert client.get(_revision_url(summary_of_chair, 1)).status_code == 404, name
        assert client.get(_revision_url(summary_of_chair, 0)).status_code == 200, name


def test_unknown_symbol_answers_404(client):
    _published(_summary(symbol="CTOC/COP/WG.6/2022/CRP.2"))
    assert (
        client.get(reverse("reports:document_latest", args=["CTOC-COP-WG.6-2022-CRP.9"])).status_code == 404
    )
    # The symbol as typed, slashes and all, is not its URL.
    assert client.get("/documents/CTOC/COP/WG.6/2022/CRP.2/").status_code == 404


# --- The feed -------------------------------------------------------------------------------


def test_documents_feed_is_atom_with_the_published_documents(client):
    summary = _summary(symbol="CTOC/COP/WG.6/2022/CRP.2")
    _published(summary, at=_day(2024, 1, 10))
    _published(summary, correction=1, at=_day(2024, 2, 10))
    unpublished = CrpDocumentFactory(summary=_summary())
    response = client.get(reverse("reports:documents_feed"))
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)
    assert root.tag == f"{ATOM}feed"
    entries = root.findall(f"{ATOM}entry")
    titles = [entry.find(f"{ATOM}title").text for entry in entries]
    assert titles[0].startswith("CTOC/COP/WG.6/2022/CRP.2/Rev.1: First constructive dialogue of 6 May 2023")
    assert titles[1].startswith("CTOC/COP/WG.6/2022/CRP.2: ")
    assert not any(unpublished.symbol in title for title in titles)
    links = [entry.find(f"{ATOM}link[@rel='alternate']").get("href") for entry in entries]
    assert links[0].endswith(_revision_url(summary, 1))
    assert links[1].endswith(_revision_url(summary, 0))
    # Each link downloads the document it names.
    assert _body(client.get(urlsplit(links[0]).path)) == tiny_pdf_of(summary, 1)


def test_documents_feed_has_the_20_newest(client):
    for n in range(21):
        _published(_summary(), at=_day(2024, 1, 1) + datetime.timedelta(days=n))
    root = ET.fromstring(client.get(reverse("reports:documents_feed")).content)
    assert len(root.findall(f"{ATOM}entry")) == 20


# --- Links from the dialogue's page and the home page --------------------------------------


def _approved_with_document(dialogue):
    """The path the secretariat takes: an approved summary whose PDF is rendered."""
    summary = ChairSummaryFactory(dialogue=dialogue, symbol="CTOC/COP/WG.6/2023/CRP.4")
    SummaryRevisionFactory(summary=summary)
    ChairSummary.objects.filter(pk=summary.pk).update(state=ChairSummary.State.APPROVED)
    summary.refresh_from_db()
    CrpDocumentFactory(summary=summary, revision=summary.current_revision, symbol=summary.symbol)
    return summary


def test_dialogue_page_and_home_link_the_crp_once_published_and_not_before(client, dialogue, secretariat):
    summary = _approved_with_document(dialogue)
    url = _latest_url(summary)
    dialogue_page = reverse("dialogue_detail", args=[dialogue.pk])
    assert url not in client.get(dialogue_page).content.decode()
    assert url not in client.get(reverse("home")).content.decode()

    services.summary_publish(summary=summary, by=secretariat, role=drafter(secretariat, dialogue))

    page = client.get(dialogue_page).content.decode()
    assert f'<a href="{url}" type="application/pdf">CTOC/COP/WG.6/2023/CRP.4</a>' in page
    home = client.get(reverse("home")).content.decode()
    assert f'<a href="{url}" type="application/pdf">CTOC/COP/WG.6/2023/CRP.4</a>' in home
    # The link the publication's e-mail gives is the one that serves the file.
    assert client.get(url).status_code == 200


def test_dialogue_page_links_the_latest_correction(client):
    summary = _summary(symbol="CTOC/COP/WG.6/2022/CRP.2")
    _published(summary)
    _published(summary, correction=1)
    page = client.get(reverse("dialogue_detail", args=[summary.dialogue.pk])).content.decode()
    assert (
        f'<a href="{_latest_url(summary)}" type="application/pdf">CTOC/COP/WG.6/2022/CRP.2/Rev.1</a>' in page
    )


def test_navigation_links_the_documents_page(client):
    page = client.get(reverse("home")).content.decode()
    nav = page.split('<nav aria-label="Main">', 1)[1].split("</nav>", 1)[0]
    assert f'<a href="{reverse("reports:documents")}">Documents</a>' in nav


@pytest.mark.parametrize("size", [1, 6])
def test_home_lists_the_latest_crps_in_a_fixed_number_of_queries(client, django_assert_max_num_queries, size):
    summaries = [_summary(year=2015 + n) for n in range(size)]
    for summary in summaries:
        _published(summary)
    # The upcoming dialogues with their Chairs, the past ones with theirs (and their CRPs).
    with django_assert_max_num_queries(4):
        page = client.get(reverse("home")).content.decode()
    section = page.split('id="documents-heading"', 1)[1].split("</section>", 1)[0]
    linked = re.findall(r'<a href="/documents/[^"]+/" type="application/pdf">([^<]+)</a>', section)
    # The latest dialogues' first, five at most.
    expected = [summary.symbol for summary in reversed(summaries)][: sessions_public.HOME_DOCUMENTS]
    assert linked == expected


@pytest.mark.parametrize("corrections", [0, 3])
def test_dialogue_page_with_a_crp_runs_fixed_number_of_queries(
    client, django_assert_max_num_queries, corrections
):
    summary = _summary()
    for correction in range(corrections + 1):
        _published(summary, correction=correction)
    # The dialogue, its Chairs, its agenda, the participants, and its latest CRP.
    with django_assert_max_num_queries(6):
        page = client.get(reverse("dialogue_detail", args=[summary.dialogue.pk])).content.decode()
    assert page.count('type="application/pdf"') == 1


def test_download_reads_the_document_once(client, django_assert_num_queries):
    summary = _summary()
    _published(summary)
    # The ETag and the file come from the one row.
    with django_assert_num_queries(1):
        response = client.get(_latest_url(summary))
    assert response.status_code == 200
