"""The focal points' written-comment pages, used as a focal point would: write, save, attach,
submit, follow, withdraw; what changed is checked in the database, on the page, under
MEDIA_ROOT and in the outbox."""

import io
import re
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from dialogue_portal.models import AuditEvent
from sessions.models import Dialogue
from submissions.models import Attachment, WrittenComment
from tests.factories import (
    AgendaItemFactory,
    DialogueFactory,
    FocalPointFactory,
    WrittenCommentFactory,
    admitted_organisation,
)
from tests.submissions.focal import _field_errors, _form, _new_url, _page, _url

State = WrittenComment.State
MB = 1024 * 1024

# --- Files made here, small and real ------------------------------------------------------

PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def _zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def _docx() -> bytes:
    return _zip(
        {
            "[Content_Types].xml": b'<?xml version="1.0"?><Types/>',
            "word/document.xml": b'<?xml version="1.0"?><w:document/>',
        }
    )


def _odt() -> bytes:
    return _zip(
        {"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b'<?xml version="1.0"?><x/>'}
    )


def _xlsx() -> bytes:
    return _zip(
        {
            "[Content_Types].xml": b'<?xml version="1.0"?><Types/>',
            "xl/workbook.xml": b'<?xml version="1.0"?><workbook/>',
        }
    )


def _ods() -> bytes:
    return _zip(
        {
            "mimetype": b"application/vnd.oasis.opendocument.spreadsheet",
            "content.xml": b'<?xml version="1.0"?><x/>',
        }
    )


def _zip_bomb() -> bytes:
    """A DOCX-shaped archive whose one big entry unpacks to 101 MB of zeros (about 100 KB packed)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", b"<Types/>")
        with archive.open("word/document.xml", "w") as entry:
            for _ in range(101):
                entry.write(bytes(MB))
    return buffer.getvalue()


def _many_entries() -> bytes:
    entries = {"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"}
    entries |= {f"word/media/part{n}.xml": b"<x/>" for n in range(1000)}
    return _zip(entries)


REFUSED = {
    "elf-named-pdf": ("report.pdf", lambda: b"\x7fELF\x02\x01\x01\x00" + bytes(200)),
    "html-named-pdf": ("report.pdf", lambda: b"<!DOCTYPE html><html><script>alert(1)</script></html>"),
    "xlsx-named-docx": ("figures.docx", _xlsx),
    "ods-named-odt": ("figures.odt", _ods),
    "zip-bomb-named-docx": ("bomb.docx", _zip_bomb),
    "1001-entries-named-docx": ("many.docx", _many_entries),
    "oversize-pdf": ("large.pdf", lambda: b"%PDF-" + bytes(10 * MB + 1 - 5)),
    "exe": ("setup.exe", lambda: b"MZ" + bytes(100)),
}


def _upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def _stored_files(root) -> list:
    return [path for path in root.rglob("*") if path.is_file()]


def _attached_files(root) -> list:
    """Stored files but those kept from a refused save for the next one (test_kept_files.py)."""
    kept = root / "attachments" / "kept"
    return [path for path in _stored_files(root) if kept not in path.parents]


def _kept_names(root) -> list[str]:
    return sorted(path.suffix for path in (root / "attachments" / "kept").glob("*"))


# --- Fixtures (the others in conftest.py) -----------------------------------------------------


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = root
    return root


# --- Writing and saving --------------------------------------------------------------------------


def test_new_page_shows_form_with_word_limit_and_script(focal_client, organisation, dialogue):
    page = _page(focal_client.get(_new_url(organisation, dialogue)))
    assert 'data-max-words="2000"' in page
    assert 'enctype="multipart/form-data"' in page
    assert re.search(r'<input type="file" name="attachments"[^>]*multiple', page)
    assert 'accept=".pdf,.docx,.odt"' in page
    assert "Save the draft" in page
    assert "Save and submit" in page
    assert re.search(r'<script src="[^"]*js/word-count\.js" defer></script>', page)
    assert "<script>" not in page


def test_new_page_without_dialogue_lists_open_dialogues(focal_client, organisation, dialogue):
    DialogueFactory(state=Dialogue.State.SCHEDULED)
    page = _page(focal_client.get(reverse("submissions:new", args=[organisation.pk])))
    assert _new_url(organisation, dialogue).replace("&", "&amp;") in page
    assert page.count("?dialogue=") == 1


def test_draft_save_twice_keeps_one_draft(focal_client, organisation, focal_user, dialogue):
    response = focal_client.post(_new_url(organisation, dialogue), _form())
    comment = WrittenComment.objects.get()
    assert response.status_code == 302
    assert response.url == _url("edit", comment)

    response = focal_client.post(
        _url("edit", comment), _form(title="Firearms data, revised", body="one two three"), follow=True
    )
    comment.refresh_from_db()
    assert WrittenComment.objects.count() == 1
    assert (comment.state, comment.title, comment.body) == (
        State.DRAFT,
        "Firearms data, revised",
        "one two three",
    )
    assert comment.author == focal_user
    assert comment.tracking_number is None
    page = _page(response)
    assert "The draft is saved." in page
    assert "3 words of at most 2,000" in page
    assert list(AuditEvent.objects.for_object(comment).values_list("from_state", "to_state")) == [
        ("", "draft")
    ]


def test_draft_shows_agenda_items_of_its_dialogue_only(focal_client, organisation, dialogue):
    item = AgendaItemFactory(dialogue=dialogue, title="Tracing of firearms")
    AgendaItemFactory(title="An item of another dialogue")
    page = _page(focal_client.get(_new_url(organisation, dialogue)))
    assert "Tracing of firearms" in page
    assert "An item of another dialogue" not in page

    focal_client.post(_new_url(organisation, dialogue), _form(about=f"item:{item.pk}"))
    assert WrittenComment.objects.get().agenda_item == item


def test_draft_with_agenda_item_of_other_dialogue_is_refused(focal_client, organisation, dialogue):
    other = AgendaItemFactory()
    response = focal_client.post(_new_url(organisation, dialogue), _form(about=f"item:{other.pk}"))
    assert response.status_code == 200
    assert _field_errors(_page(response), "about")
    assert not WrittenComment.objects.exists()


def test_draft_with_too_many_words_is_refused_next_to_body(focal_client, organisation, dialogue):
    body = " ".join(["word"] * 2001)
    response = focal_client.post(_new_url(organisation, dialogue), _form(body=body, title="Kept title"))
    page = _page(response)
    assert response.status_code == 200
    assert "The comment has 2001 words; at most 2000 are accepted." in _field_errors(page, "body")
    assert "2,001 words of at most 2,000" in page
    assert 'value="Kept title"' in page  # what was typed is kept
    assert body in page
    assert not WrittenComment.objects.exists()


def test_edit_with_too_many_words_leaves_draft_unchanged(focal_client, draft):
    before = draft.body
    response = focal_client.post(_url("edit", draft), _form(body="word " * 2001, title="Changed"))
    assert "2001 words" in _field_errors(_page(response), "body")
    draft.refresh_from_db()
    assert (draft.body, draft.title) == (before, "Data on trafficking")
    assert "<h1>Edit the draft</h1>" in _page(response)


def test_chinese_body_counts_two_characters_as_a_word(focal_client, organisation, dialogue, settings):
    settings.WRITTEN_COMMENT_MAX_WORDS = 10
    # 24 characters: 12 words in Chinese, over the limit of 10.
    response = focal_client.post(_new_url(organisation, dialogue), _form(body="枪支贩运" * 6, language="zh"))
    assert "12 words" in _field_errors(_page(response), "body")
    assert not WrittenComment.objects.exists()


# --- Attachments -------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "make"), list(REFUSED.values()), ids=list(REFUSED))
def test_refused_attachment_shown_next_to_field_and_nothing_stored(
    focal_client, organisation, dialogue, media_root, name, make
):
    response = focal_client.post(
        _new_url(organisation, dialogue), _form(title="Kept title", attachments=[_upload(name, make())])
    )
    page = _page(response)
    assert response.status_code == 200
    errors = _field_errors(page, "attachments")
    assert f"“{name}” is refused" in errors
    assert "choose the files to attach again" in page
    assert 'value="Kept title"' in page
    assert not WrittenComment.objects.exists()
    assert not Attachment.objects.exists()
    assert _stored_files(media_root) == []


def test_refused_attachment_on_edit_leaves_draft_and_its_files(focal_client, draft, media_root):
    focal_client.post(_url("edit", draft), _form(attachments=[_upload("ok.pdf", PDF)]))
    kept = Attachment.objects.get()
    response = focal_client.post(
        _url("edit", draft),
        _form(title="Changed", attachments=[_upload("figures.docx", _xlsx()), _upload("fine.odt", _odt())]),
    )
    assert "“figures.docx” is refused" in _field_errors(_page(response), "attachments")
    draft.refresh_from_db()
    assert draft.title == "Firearms data held by civil society"
    assert list(Attachment.objects.all()) == [kept]
    assert _attached_files(media_root) == [media_root / kept.file.name]
    # The file that passed is kept for the next save, not attached.
    assert _kept_names(media_root) == [".odt"]


def test_one_refused_file_among_good_ones_stores_none(focal_client, organisation, dialogue, media_root):
    files = [_upload("good.pdf", PDF), _upload("good.docx", _docx()), _upload("bad.pdf", b"MZ not a pdf")]
    response = focal_client.post(_new_url(organisation, dialogue), _form(attachments=files))
    assert "“bad.pdf” is refused" in _field_errors(_page(response), "attachments")
    assert not Attachment.objects.exists()
    assert _attached_files(media_root) == []
    assert _kept_names(media_root) == [".docx", ".pdf"]


def test_more_than_three_attachments_refused(focal_client, organisation, dialogue, media_root):
    files = [_upload(f"part{n}.pdf", PDF) for n in range(4)]
    response = focal_client.post(_new_url(organisation, dialogue), _form(attachments=files))
    assert "At most 3 attachments" in _field_errors(_page(response), "attachments")
    assert not WrittenComment.objects.exists()
    assert _attached_files(media_root) == []
    assert _kept_names(media_root) == [".pdf"] * 3  # as many as fit


def test_fourth_attachment_on_edit_refused(focal_client, draft, media_root):
    focal_client.post(
        _url("edit", draft), _form(attachments=[_upload(f"part{n}.pdf", PDF) for n in range(3)])
    )
    assert draft.attachments.count() == 3
    response = focal_client.post(_url("edit", draft), _form(attachments=[_upload("fourth.pdf", PDF)]))
    assert "At most 3 attachments" in _field_errors(_page(response), "attachments")
    assert draft.attachments.count() == 3
    assert len(_stored_files(media_root)) == 3


def test_pdf_docx_and_odt_accepted_under_random_names(focal_client, organisation, dialogue, media_root):
    files = [
        _upload("Our PDF report.pdf", PDF),
        _upload("Notes for the Chair.docx", _docx()),
        _upload("Observaciones.odt", _odt()),
    ]
    response = focal_client.post(_new_url(organisation, dialogue), _form(attachments=files), follow=True)
    comment = WrittenComment.objects.get()
    attachments = {attachment.original_name: attachment for attachment in comment.attachments.all()}
    assert set(attachments) == {"Our PDF report.pdf", "Notes for the Chair.docx", "Observaciones.odt"}
    assert {a.kind for a in attachments.values()} == {"pdf", "docx", "odt"}
    for original, attachment in attachments.items():
        stored = attachment.file.name
        assert re.fullmatch(r"attachments/[0-9a-f]{32}\.(pdf|docx|odt)", stored)
        assert original.split(".")[0] not in stored
        assert (media_root / stored).is_file()
    page = _page(response)
    for original in attachments:
        assert original in page
    assert reverse("submissions:attachment", args=[attachments["Observaciones.odt"].pk]) in page


def test_attachment_removed_on_edit(focal_client, draft, media_root, django_capture_on_commit_callbacks):
    focal_client.post(
        _url("edit", draft), _form(attachments=[_upload("keep.pdf", PDF), _upload("drop.docx", _docx())])
    )
    drop = Attachment.objects.get(original_name="drop.docx")
    keep = Attachment.objects.get(original_name="keep.pdf")
    page = _page(focal_client.get(_url("edit", draft)))
    assert f'name="remove_attachments" value="{drop.pk}"' in page
    assert 'Remove<span class="visually-hidden"> drop.docx</span>' in page

    with django_capture_on_commit_callbacks(execute=True):
        focal_client.post(_url("edit", draft), _form(remove_attachments=[str(drop.pk)]))
    assert list(draft.attachments.all()) == [keep]
    assert _stored_files(media_root) == [media_root / keep.file.name]


def test_removal_with_refused_upload_keeps_attachment_and_file(
    focal_client, draft, media_root, django_capture_on_commit_callbacks
):
    focal_client.post(_url("edit", draft), _form(attachments=[_upload("keep.pdf", PDF)]))
    kept = Attachment.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        response = focal_client.post(
            _url("edit", draft),
            _form(remove_attachments=[str(kept.pk)], attachments=[_upload("bad.docx", _xlsx())]),
        )
    assert "“bad.docx” is refused" in _field_errors(_page(response), "attachments")
    assert list(draft.attachments.all()) == [kept]
    assert _stored_files(media_root) == [media_root / kept.file.name]


# --- Following and withdrawing ---------------------------------------------------------------


def test_list_shows_state_tracking_number_and_reason(focal_client, organisation, focal_user, dialogue):
    rejected = WrittenCommentFactory(
        organisation=organisation,
        author=focal_user,
        dialogue=dialogue,
        state=State.REJECTED,
        reason="Off the dialogue's topic.",
    )
    WrittenCommentFactory(
        organisation=organisation, author=focal_user, dialogue=dialogue, title="Still a draft", state="draft"
    )
    WrittenCommentFactory(dialogue=dialogue, state=State.SUBMITTED, title="Another organisation's comment")
    page = _page(focal_client.get(reverse("submissions:my_comments", args=[organisation.pk])))
    assert rejected.tracking_number in page
    assert "Off the dialogue&#x27;s topic." in page
    assert "Still a draft" in page
    assert "Another organisation" not in page
    assert _new_url(organisation, dialogue).replace("&", "&amp;") in page


def test_comment_page_shows_reason_after_unpublication(focal_client, organisation, focal_user, dialogue):
    comment = WrittenCommentFactory(
        organisation=organisation,
        author=focal_user,
        dialogue=dialogue,
        state=State.UNPUBLISHED,
        reason="Names a victim.",
        body="<script>alert('x')</script>",
    )
    page = _page(focal_client.get(_url("mine", comment)))
    assert "Names a victim." in page
    assert "&lt;script&gt;" in page
    assert "<script>alert" not in page


def test_withdraw_asks_then_withdraws(focal_client, organisation, focal_user, dialogue):
    comment = WrittenCommentFactory(
        organisation=organisation, author=focal_user, dialogue=dialogue, state=State.SUBMITTED
    )
    page = _page(focal_client.get(_url("withdraw", comment)))
    assert "Withdraw the comment?" in page
    comment.refresh_from_db()
    assert comment.state == State.SUBMITTED

    response = focal_client.post(_url("withdraw", comment), follow=True)
    comment.refresh_from_db()
    assert comment.state == State.WITHDRAWN
    assert "The comment is withdrawn." in _page(response)
    assert AuditEvent.objects.for_object(comment).get().to_state == State.WITHDRAWN


def test_withdraw_published_comment_refused(focal_client, organisation, focal_user, dialogue):
    comment = WrittenCommentFactory(
        organisation=organisation, author=focal_user, dialogue=dialogue, state=State.PUBLISHED
    )
    response = focal_client.post(_url("withdraw", comment), follow=True)
    comment.refresh_from_db()
    assert comment.state == State.PUBLISHED
    assert "can no longer be withdrawn" in _page(response)


def test_edit_of_submitted_comment_refused(focal_client, organisation, focal_user, dialogue):
    comment = WrittenCommentFactory(
        organisation=organisation, author=focal_user, dialogue=dialogue, state=State.SUBMITTED, title="Sent"
    )
    response = focal_client.post(_url("edit", comment), _form(title="Changed after"))
    comment.refresh_from_db()
    assert comment.title == "Sent"
    page = _page(response)
    assert "This comment was submitted meanwhile (perhaps in another tab)" in page
    # What was typed stays in the form, to be copied.
    assert 'value="Changed after"' in page


def test_edit_page_of_submitted_comment_sends_to_the_comment(
    focal_client, organisation, focal_user, dialogue
):
    comment = WrittenCommentFactory(
        organisation=organisation, author=focal_user, dialogue=dialogue, state=State.SUBMITTED, title="Sent"
    )
    response = focal_client.get(_url("edit", comment), follow=True)
    assert response.redirect_chain[-1][0] == _url("mine", comment)
    assert "Only a draft can be changed; this comment is submitted." in _page(response)


# --- Other organisations --------------------------------------------------------------------------

EVERY_STATE = [state for state, _ in State.choices]
PAGES = [
    ("mine", "get"),
    ("edit", "get"),
    ("edit", "post"),
    ("submit", "post"),
    ("withdraw", "get"),
    ("withdraw", "post"),
]


@pytest.mark.parametrize("state", EVERY_STATE)
@pytest.mark.parametrize(("name", "method"), PAGES)
def test_other_organisations_comment_is_404_to_focal_point(client, dialogue, state, name, method):
    comment = WrittenCommentFactory(dialogue=dialogue, state=state)
    stranger = FocalPointFactory(organisation=admitted_organisation()).user
    client.force_login(stranger)
    response = getattr(client, method)(_url(name, comment))
    assert response.status_code == 404
    before = comment.state
    comment.refresh_from_db()
    assert comment.state == before


@pytest.mark.parametrize("state", EVERY_STATE)
def test_other_organisations_comment_is_404_through_own_organisation(client, dialogue, state):
    comment = WrittenCommentFactory(dialogue=dialogue, state=state)
    stranger = FocalPointFactory(organisation=admitted_organisation())
    client.force_login(stranger.user)
    # The stranger's own organisation in the URL, the other's comment: still nothing.
    url = reverse("submissions:mine", args=[stranger.organisation_id, comment.pk])
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("state", EVERY_STATE)
@pytest.mark.parametrize(("name", "method"), PAGES)
def test_comment_pages_send_anonymous_visitor_to_login(client, dialogue, state, name, method):
    comment = WrittenCommentFactory(dialogue=dialogue, state=state)
    response = getattr(client, method)(_url(name, comment))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_other_organisations_list_and_new_pages_are_404(client, organisation, dialogue):
    stranger = FocalPointFactory(organisation=admitted_organisation()).user
    client.force_login(stranger)
    assert client.get(reverse("submissions:my_comments", args=[organisation.pk])).status_code == 404
    assert client.get(_new_url(organisation, dialogue)).status_code == 404
    assert client.post(_new_url(organisation, dialogue), _form()).status_code == 404
    assert not WrittenComment.objects.exists()
