"""Defect 9: a refused save of a written comment kept none of its files. Now the files that
pass their checks are kept (shown as "kept", attached by the next save), the others named;
and what the comment is about is one control, so "an agenda item and a cluster both" cannot
be chosen."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from sessions.models import Cluster
from submissions import services
from submissions.models import Attachment, WrittenComment
from tests.factories import (
    AgendaItemFactory,
    WrittenCommentFactory,
    admitted_organisation,
)

State = WrittenComment.State
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def _new(organisation, dialogue) -> str:
    return f"{reverse('submissions:new', args=[organisation.pk])}?dialogue={dialogue.pk}"


def _form(**overrides) -> dict:
    return {
        "title": "Firearms data held by civil society",
        "body": "Civil society holds data on firearms trafficking.",
        "language": "en",
        "about": "",
        "consent_to_publish": "on",
        "save": "1",
        **overrides,
    }


def _kept_notes(page: str) -> list[str]:
    return re.findall(r'<input type="checkbox" name="kept_files" value="([^"]+)"[^>]*checked>', page)


def _pdf(name="annex.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def test_refused_save_keeps_files_and_shows_them_kept(focal_client, organisation, dialogue):
    response = focal_client.post(_new(organisation, dialogue), _form(title="", attachments=[_pdf()]))
    page = response.content.decode()
    assert response.status_code == 200
    assert not WrittenComment.objects.exists()
    assert not Attachment.objects.exists()
    assert len(_kept_notes(page)) == 1
    assert "Keep “<bdi>annex.pdf</bdi>”" in page
    assert "kept)" in page
    assert "choose the files to attach again" not in page


def test_kept_files_attached_by_the_next_save_then_submitted(
    focal_client, organisation, dialogue, django_capture_on_commit_callbacks
):
    token = re.search(
        r'name="form_token" value="([0-9a-f]+)"',
        focal_client.get(_new(organisation, dialogue)).content.decode(),
    ).group(1)
    page = focal_client.post(
        _new(organisation, dialogue), _form(title="", form_token=token, attachments=[_pdf()])
    ).content.decode()
    assert f'value="{token}"' in page  # the same filling-in of the form, sent again
    notes = _kept_notes(page)
    response = focal_client.post(
        _new(organisation, dialogue), _form(kept_files=notes, form_token=token, submit="1")
    )
    comment = WrittenComment.objects.get()
    assert response.url == reverse("submissions:submit", args=[organisation.pk, comment.pk])
    assert [a.original_name for a in comment.attachments.all()] == ["annex.pdf"]
    attachment = comment.attachments.get()
    assert attachment.file.read(5) == b"%PDF-"
    with django_capture_on_commit_callbacks(execute=True):
        focal_client.post(response.url)
    comment.refresh_from_db()
    assert (comment.state, comment.attachments.count()) == (State.SUBMITTED, 1)
    # Downloadable by its organisation.
    download = focal_client.get(reverse("submissions:attachment", args=[attachment.pk]))
    assert b"".join(download.streaming_content).startswith(b"%PDF-")


def test_unticked_kept_file_left_out(focal_client, organisation, dialogue):
    page = focal_client.post(
        _new(organisation, dialogue), _form(title="", attachments=[_pdf()])
    ).content.decode()
    assert _kept_notes(page)
    focal_client.post(_new(organisation, dialogue), _form())  # the box unticked: not sent
    assert WrittenComment.objects.get().attachments.count() == 0


def test_kept_files_carried_through_a_second_refusal(focal_client, organisation, dialogue):
    first = focal_client.post(_new(organisation, dialogue), _form(title="", attachments=[_pdf("one.pdf")]))
    notes = _kept_notes(first.content.decode())
    second = focal_client.post(
        _new(organisation, dialogue), _form(title="", kept_files=notes, attachments=[_pdf("two.pdf")])
    )
    page = second.content.decode()
    assert "Keep “<bdi>one.pdf</bdi>”" in page
    assert "Keep “<bdi>two.pdf</bdi>”" in page
    focal_client.post(_new(organisation, dialogue), _form(kept_files=_kept_notes(page)))
    names = sorted(WrittenComment.objects.get().attachments.values_list("original_name", flat=True))
    assert names == ["one.pdf", "two.pdf"]


def test_refused_file_named_and_good_one_kept(focal_client, organisation, dialogue):
    bad = SimpleUploadedFile("bad.pdf", b"MZ not a pdf")
    page = focal_client.post(_new(organisation, dialogue), _form(attachments=[_pdf(), bad])).content.decode()
    assert "“bad.pdf” is refused" in page
    assert "Keep “<bdi>annex.pdf</bdi>”" in page
    assert "Keep “bad.pdf”" not in page
    assert "choose again the files that were refused" in page
    assert not WrittenComment.objects.exists()


def test_kept_note_of_another_organisation_refused(focal_client, organisation, dialogue):
    other = admitted_organisation()
    (kept,), _ = services.attachments_keep(uploads=[_pdf()], room=3)
    note = kept.sign(organisation=other)
    response = focal_client.post(_new(organisation, dialogue), _form(kept_files=[note]))
    assert "A kept file has expired" in response.content.decode()
    assert not WrittenComment.objects.exists()


def test_kept_note_tampered_refused(focal_client, organisation, dialogue):
    (kept,), _ = services.attachments_keep(uploads=[_pdf()], room=3)
    note = kept.sign(organisation=organisation)
    response = focal_client.post(_new(organisation, dialogue), _form(kept_files=[note[:-3] + "xyz"]))
    assert "A kept file has expired" in response.content.decode()
    assert not Attachment.objects.exists()


def test_refused_edit_keeps_files_for_the_draft(focal_client, organisation, focal_user, dialogue):
    draft = WrittenCommentFactory(organisation=organisation, author=focal_user, dialogue=dialogue)
    edit = reverse("submissions:edit", args=[organisation.pk, draft.pk])
    page = focal_client.post(edit, _form(body="word " * 2001, attachments=[_pdf()])).content.decode()
    assert "Keep “<bdi>annex.pdf</bdi>”" in page
    focal_client.post(edit, _form(kept_files=_kept_notes(page)))
    assert [a.original_name for a in draft.attachments.all()] == ["annex.pdf"]


# --- One control: agenda item or cluster ----------------------------------------------------


def test_about_is_one_select_with_agenda_items_and_clusters(focal_client, organisation, dialogue):
    item = AgendaItemFactory(dialogue=dialogue, title="Tracing of firearms")
    page = focal_client.get(_new(organisation, dialogue)).content.decode()
    assert 'name="agenda_item"' not in page
    assert 'name="cluster"' not in page
    select = re.search(r'<select name="about".*?</select>', page, re.S).group(0)
    assert '<optgroup label="Agenda items">' in select
    assert '<optgroup label="Clusters">' in select
    assert f'value="item:{item.pk}"' in select
    assert f'value="cluster:{Cluster.values[0]}"' in select


def test_about_cluster_saved_and_shown_again(focal_client, organisation, dialogue):
    cluster = Cluster.values[1]
    focal_client.post(_new(organisation, dialogue), _form(about=f"cluster:{cluster}"))
    comment = WrittenComment.objects.get()
    assert (comment.agenda_item, comment.cluster) == (None, cluster)
    page = focal_client.get(reverse("submissions:edit", args=[organisation.pk, comment.pk])).content.decode()
    assert f'<option value="cluster:{cluster}" selected>' in page


def test_about_agenda_item_saved_and_shown_again(focal_client, organisation, dialogue):
    item = AgendaItemFactory(dialogue=dialogue)
    focal_client.post(_new(organisation, dialogue), _form(about=f"item:{item.pk}"))
    comment = WrittenComment.objects.get()
    assert (comment.agenda_item, comment.cluster) == (item, "")
    page = focal_client.get(reverse("submissions:edit", args=[organisation.pk, comment.pk])).content.decode()
    assert f'<option value="item:{item.pk}" selected>' in page


def test_service_refuses_agenda_item_and_cluster_both(organisation, focal_user, dialogue):
    item = AgendaItemFactory(dialogue=dialogue)
    with pytest.raises(ValidationError, match="not both"):
        services.comment_save_draft(
            organisation=organisation,
            dialogue=dialogue,
            by=focal_user,
            title="Both",
            body="Text.",
            language="en",
            agenda_item=item,
            cluster=Cluster.values[0],
        )
    assert not WrittenComment.objects.exists()


# --- Kept files whose form was left -----------------------------------------------------------


def test_sweep_deletes_old_kept_files_no_save_took(organisation, focal_user, dialogue, settings):
    import datetime
    import os

    (old, taken, fresh), _ = services.attachments_keep(
        uploads=[_pdf("old.pdf"), _pdf("taken.pdf"), _pdf("fresh.pdf")], room=3
    )
    comment = services.comment_save_draft(
        organisation=organisation,
        dialogue=dialogue,
        by=focal_user,
        kept_files=[taken],
        title="With a kept file",
        body="Text.",
        language="en",
    )
    week_ago = (datetime.datetime.now() - datetime.timedelta(days=7)).timestamp()
    for kept in (old, taken):
        os.utime(settings.MEDIA_ROOT / kept.name, (week_ago, week_ago))
    assert services.attachments_sweep_kept() == 1
    assert not (settings.MEDIA_ROOT / old.name).exists()
    assert (settings.MEDIA_ROOT / taken.name).exists()
    assert (settings.MEDIA_ROOT / fresh.name).exists()
    assert comment.attachments.get().file.read(5) == b"%PDF-"
