"""The version that keys the cached public comment pages (submissions.public_version): it
changes with every committed change to what those pages show, however the change is made,
and with nothing else.

Committed changes only (``transactional_db``): on PostgreSQL the version changes at commit.
"""

import datetime

import pytest
from django.core.management.sql import emit_post_migrate_signal
from django.db import connection, transaction

from sessions.models import AgendaItem, Dialogue, WorkingGroup, WorkingGroupSession
from stakeholders.models import Organisation
from submissions.models import Attachment, WrittenComment
from submissions.public_version import public_version
from tests.factories import AgendaItemFactory, DialogueFactory, WrittenCommentFactory

pytestmark = pytest.mark.django_db(transaction=True)


def attach(comment) -> Attachment:
    return Attachment.objects.create(
        comment=comment, file="attachments/x.pdf", original_name="x.pdf", kind="pdf", size=9
    )


@pytest.fixture
def published():
    return WrittenCommentFactory(state="published", agenda_item=AgendaItemFactory())


def changes_version(change) -> bool:
    before = public_version()
    change()
    after = public_version()
    assert before
    assert after
    return after != before


@pytest.mark.parametrize(
    "change",
    [
        lambda c: WrittenComment.objects.filter(pk=c.pk).update(state="unpublished"),
        lambda c: WrittenComment.objects.filter(pk=c.pk).update(title="Retitled"),
        lambda c: WrittenComment.objects.filter(pk=c.pk).delete(),
        lambda c: WrittenCommentFactory(state="published"),
        lambda c: attach(c),
        lambda c: Organisation.objects.filter(pk=c.organisation_id).update(acronym="NEW"),
        lambda c: Dialogue.objects.filter(pk=c.dialogue_id).update(date=datetime.date(2030, 1, 2)),
        lambda c: DialogueFactory(),
        lambda c: AgendaItem.objects.filter(pk=c.agenda_item_id).update(title="Renamed item"),
        lambda c: AgendaItemFactory(dialogue=c.dialogue),
        lambda c: WorkingGroup.objects.filter(pk=c.dialogue.session.working_group_id).update(
            name="WG renamed"
        ),
        lambda c: WorkingGroupSession.objects.filter(pk=c.dialogue.session_id).update(number=40),
    ],
    ids=[
        "unpublish",
        "comment edit",
        "comment delete",
        "new published comment",
        "attachment of a published comment",
        "organisation",
        "dialogue",
        "new dialogue",
        "agenda item",
        "new agenda item",
        "working group",
        "session",
    ],
)
def test_version_changes_with_what_the_public_pages_show(published, change):
    assert changes_version(lambda: change(published))


def test_version_stays_while_a_focal_point_drafts(published):
    draft = WrittenCommentFactory(organisation=published.organisation, dialogue=published.dialogue)
    assert not changes_version(lambda: WrittenComment.objects.filter(pk=draft.pk).update(title="Typed more"))
    if connection.vendor == "postgresql":  # SQLite counts any attachment (public_version)
        assert not changes_version(lambda: attach(draft))


def test_version_changes_once_a_transaction_commits(published):
    before = public_version()
    with transaction.atomic():
        WrittenComment.objects.filter(pk=published.pk).update(state="unpublished")
        WrittenComment.objects.filter(pk=published.pk).update(reason="Asked by the organisation")
        assert public_version() is None  # inside a transaction: no caching at all
    assert public_version() != before


def test_version_stays_after_a_rollback(published):
    before = public_version()

    def edit_then_fail():
        with transaction.atomic():
            WrittenComment.objects.filter(pk=published.pk).update(title="Never seen")
            raise RuntimeError

    with pytest.raises(RuntimeError):
        edit_then_fail()
    assert public_version() == before  # nothing committed, nothing changed
    assert changes_version(lambda: WrittenComment.objects.filter(pk=published.pk).update(title="Seen"))


@pytest.mark.skipif(connection.vendor != "sqlite", reason="only SQLite rebuilds a table to alter it")
def test_version_triggers_come_back_after_a_migration_rebuilds_the_table(published):
    with connection.schema_editor() as editor:
        editor._remake_table(WrittenComment)  # as an AddField does on SQLite
    assert not changes_version(lambda: WrittenComment.objects.filter(pk=published.pk).update(title="Lost"))
    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")
    assert changes_version(lambda: WrittenComment.objects.filter(pk=published.pk).update(title="Seen again"))
