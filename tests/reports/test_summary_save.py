"""Saving a summary: every save a revision, a stale save merged or refused, never lost."""

import pytest
from django.core.exceptions import ValidationError

from dialogue_portal.models import AuditEvent
from reports import services
from reports.models import ChairSummary, SummaryRevision
from tests.factories import SummaryRevisionFactory, UserFactory

BASE = "# Introduction\n\nFirst paragraph.\n\nSecond paragraph.\n\n# Opening\n\nThird paragraph."


def _save(summary, text, base, by, role):
    return services.summary_save(summary=summary, text=text, base=base, by=by, role=role)


def test_summary_save_first_revision_becomes_current(summary, chair_user, as_chair):
    saved = _save(summary, BASE, None, chair_user, as_chair)

    summary.refresh_from_db()
    assert summary.current_revision == saved.revision
    assert (saved.revision.number, saved.revision.text, saved.revision.author) == (1, BASE, chair_user)
    assert saved.revision.base is None


def test_summary_save_names_its_base_and_counts_on(summary, chair_user, as_chair):
    first = _save(summary, BASE, None, chair_user, as_chair).revision
    second = _save(summary, BASE.replace("First", "Opening"), first, chair_user, as_chair).revision

    summary.refresh_from_db()
    assert (second.number, second.base) == (2, first)
    assert summary.current_revision == second
    assert list(summary.revisions.values_list("number", flat=True)) == [2, 1]


def test_summary_save_of_the_same_text_adds_no_revision(summary, chair_user, as_chair):
    first = _save(summary, BASE, None, chair_user, as_chair).revision

    again = _save(summary, BASE + "\n\n\n", first, chair_user, as_chair)

    assert again.unchanged
    assert again.revision == first
    assert SummaryRevision.objects.filter(summary=summary).count() == 1


def test_summary_save_keeps_the_text_as_written_with_blank_lines_made_one(summary, chair_user, as_chair):
    text = "# Introduction\r\n\r\n\r\nA “quoted” paragraph – Ünïcödé, مرحبا, 你好.  \r\n\r\nNext."

    revision = _save(summary, text, None, chair_user, as_chair).revision

    assert revision.text == "# Introduction\n\nA “quoted” paragraph – Ünïcödé, مرحبا, 你好.\n\nNext."


def test_summary_save_different_paragraphs_meanwhile_are_merged(
    summary, chair_user, as_chair, secretariat, as_secretariat
):
    base = _save(summary, BASE, None, chair_user, as_chair).revision
    theirs = _save(
        summary,
        BASE.replace("Second paragraph.", "Second, as the secretariat put it."),
        base,
        secretariat,
        as_secretariat,
    ).revision

    # The Chair's editor still shows revision 1: they changed another paragraph.
    saved = _save(
        summary, BASE.replace("Third paragraph.", "Third, as the Chair put it."), base, chair_user, as_chair
    )

    summary.refresh_from_db()
    assert saved.merged_with == theirs
    assert saved.merged == ("Second, as the secretariat put it.",)
    assert summary.current_revision == saved.revision
    assert saved.revision.kind == SummaryRevision.Kind.MERGED
    assert saved.revision.text == (
        "# Introduction\n\nFirst paragraph.\n\nSecond, as the secretariat put it.\n\n"
        "# Opening\n\nThird, as the Chair put it."
    )


def test_summary_save_neighbouring_paragraphs_meanwhile_are_merged(
    summary, chair_user, as_chair, secretariat, as_secretariat
):
    base = _save(summary, BASE, None, chair_user, as_chair).revision
    _save(summary, BASE.replace("First paragraph.", "First, theirs."), base, secretariat, as_secretariat)

    saved = _save(summary, BASE.replace("Second paragraph.", "Second, mine."), base, chair_user, as_chair)

    assert "First, theirs.\n\nSecond, mine." in saved.revision.text


def test_summary_save_paragraphs_added_at_one_place_meanwhile_keep_both(
    summary, chair_user, as_chair, secretariat, as_secretariat
):
    base = _save(summary, BASE, None, chair_user, as_chair).revision
    _save(summary, BASE + "\n\nTheirs at the end.", base, secretariat, as_secretariat)

    saved = _save(summary, BASE + "\n\nMine at the end.", base, chair_user, as_chair)

    assert saved.revision.text.endswith("Third paragraph.\n\nTheirs at the end.\n\nMine at the end.")


def test_summary_save_same_paragraph_meanwhile_is_refused_with_both_versions(
    summary, chair_user, as_chair, secretariat, as_secretariat
):
    base = _save(summary, BASE, None, chair_user, as_chair).revision
    theirs = _save(
        summary, BASE.replace("Second paragraph.", "Second, theirs."), base, secretariat, as_secretariat
    ).revision

    with pytest.raises(services.SummaryConflict) as refused:
        _save(summary, BASE.replace("Second paragraph.", "Second, mine."), base, chair_user, as_chair)

    summary.refresh_from_db()
    assert summary.current_revision == theirs
    assert SummaryRevision.objects.filter(summary=summary).count() == 2
    assert refused.value.current == theirs
    [conflict] = refused.value.conflicts
    assert (conflict.theirs, conflict.mine) == (("Second, theirs.",), ("Second, mine.",))
    assert (
        "Sam Secretariat saved changes to the same paragraphs meanwhile (revision 2)"
        in refused.value.messages[0]
    )


def test_summary_save_after_a_conflict_from_the_new_base_lands(
    summary, chair_user, as_chair, secretariat, as_secretariat
):
    base = _save(summary, BASE, None, chair_user, as_chair).revision
    theirs = _save(
        summary, BASE.replace("Second paragraph.", "Second, theirs."), base, secretariat, as_secretariat
    ).revision
    mine = BASE.replace("Second paragraph.", "Second, mine.")
    with pytest.raises(services.SummaryConflict):
        _save(summary, mine, base, chair_user, as_chair)

    saved = _save(summary, mine, theirs, chair_user, as_chair)

    assert (saved.revision.number, saved.revision.text, saved.merged_with) == (3, mine, None)


def test_summary_save_first_saves_of_two_at_once_merge(
    summary, chair_user, as_chair, secretariat, as_secretariat
):
    _save(summary, "# Introduction\n\nTheirs.", None, secretariat, as_secretariat)

    saved = _save(summary, "Mine.", None, chair_user, as_chair)

    assert saved.revision.text == "# Introduction\n\nTheirs.\n\nMine."


def test_summary_save_by_a_chair_in_review_is_refused(summary, chair_user, as_chair):
    ChairSummary.objects.filter(pk=summary.pk).update(state=ChairSummary.State.IN_REVIEW)
    summary.refresh_from_db()

    with pytest.raises(ValidationError) as refused:
        _save(summary, BASE, None, chair_user, as_chair)

    assert refused.value.messages == [
        "The summary is with the secretariat for review: it can be edited again once sent back."
    ]
    assert not SummaryRevision.objects.filter(summary=summary).exists()


def test_summary_save_by_the_secretariat_in_review_lands(summary, secretariat, as_secretariat):
    ChairSummary.objects.filter(pk=summary.pk).update(state=ChairSummary.State.IN_REVIEW)
    summary.refresh_from_db()

    saved = _save(summary, BASE, None, secretariat, as_secretariat)

    assert saved.revision.number == 1


def test_summary_save_of_an_approved_summary_is_refused(summary, chair_user, as_chair):
    revision = SummaryRevisionFactory(summary=summary)
    ChairSummary.objects.filter(pk=summary.pk).update(state=ChairSummary.State.APPROVED)
    summary.refresh_from_db()

    with pytest.raises(ValidationError) as refused:
        _save(summary, BASE, revision, chair_user, as_chair)

    assert refused.value.messages == ["The summary is approved and read-only: reopen it to edit it."]
    assert summary.revisions.count() == 1


def test_summary_save_approved_meanwhile_is_refused(summary, chair_user, as_chair):
    revision = SummaryRevisionFactory(summary=summary)
    # The editor was loaded while it was a draft; the approval came before the save.
    ChairSummary.objects.filter(pk=summary.pk).update(state=ChairSummary.State.APPROVED)

    with pytest.raises(ValidationError) as refused:
        _save(summary, BASE, revision, chair_user, as_chair)

    assert refused.value.messages == ["The summary is approved and read-only: reopen it to edit it."]
    assert summary.revisions.count() == 1


def test_summary_restore_makes_a_new_revision_and_logs_it(summary, chair_user, as_chair):
    first = _save(summary, BASE, None, chair_user, as_chair).revision
    second = _save(summary, "# Introduction\n\nAll new.", first, chair_user, as_chair).revision

    saved = services.summary_restore(
        summary=summary, revision=first, base=second, by=chair_user, role=as_chair
    )

    summary.refresh_from_db()
    assert summary.current_revision == saved.revision
    assert (saved.revision.number, saved.revision.text, saved.revision.restored_from) == (3, BASE, first)
    assert saved.revision.kind == SummaryRevision.Kind.RESTORED

    assert (
        AuditEvent.objects.for_object(summary)
        .filter(note="Revision 3 restores the text of revision 1.")
        .exists()
    )


def test_summary_restore_over_a_save_made_meanwhile_is_refused(summary, chair_user, as_chair):
    first = _save(summary, BASE, None, chair_user, as_chair).revision
    second = _save(summary, "# Introduction\n\nAll new.", first, chair_user, as_chair).revision
    _save(summary, "# Introduction\n\nNewer still.", second, UserFactory(), as_chair)

    with pytest.raises(ValidationError) as refused:
        services.summary_restore(summary=summary, revision=first, base=second, by=chair_user, role=as_chair)

    assert "saved the summary meanwhile (revision 3)" in refused.value.messages[0]
    assert summary.revisions.count() == 3
