"""Who was present on the day: one row per representative, the source of every figure."""

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import Attendance, Dialogue, Registration
from ._common import lock_dialogue


@transaction.atomic
def attendance_update(*, dialogue: Dialogue, by: Any, marked: Iterable[int], unmarked: Iterable[int]) -> None:
    """Mark representatives present (``marked``) or not (``unmarked``), by representative id.

    Only the changes a user made are applied, never the whole list: two secretariat
    users ticking the same checklist at once both keep their marks.
    Side effects: one Attendance row created per newly marked representative, one
    deleted per unmarked one.
    """
    marked, unmarked = set(marked), set(unmarked)
    # As stored, and held: an application withdrawn or the dialogue cancelled meanwhile counts.
    dialogue = lock_dialogue(dialogue.pk)
    if dialogue.state == Dialogue.State.CANCELLED:
        raise ValidationError(_("The dialogue was cancelled: nobody attended."))
    if dialogue.date > timezone.localdate(timezone=dialogue.zone):
        raise ValidationError(_("Attendance is recorded on the day of the dialogue, or after."))
    registrations = {
        representative_id: registration_id
        for registration_id, representative_id in Registration.objects.filter(
            dialogue=dialogue, state=Registration.State.APPROVED, representatives__in=marked
        ).values_list("pk", "representatives")
    }
    strangers = marked - registrations.keys()
    if strangers:
        raise ValidationError(_("Only representatives of approved applications can be marked present."))
    for representative_id in marked:
        try:
            with transaction.atomic():
                Attendance.objects.get_or_create(
                    dialogue=dialogue,
                    representative_id=representative_id,
                    defaults={"registration_id": registrations[representative_id], "recorded_by": by},
                )
        except IntegrityError:  # marked by someone else at the same moment: present either way
            pass
    Attendance.objects.filter(dialogue=dialogue, representative_id__in=unmarked - marked).delete()
