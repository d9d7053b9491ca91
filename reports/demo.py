"""The demo's summaries: the 2022 dialogue's, approved, with the reference's text; and an
empty one for the upcoming dialogue.

Written once: a summary the demo made and someone then edited is left as it is, so that
loading again never takes a revision back.
"""

import datetime
import zoneinfo
from pathlib import Path

from django.contrib.auth import get_user_model

from dialogue_portal.demo import FIRST_CHAIR_ID
from dialogue_portal.mail import withheld
from sessions.demo import FIRST_DIALOGUE_ID, UPCOMING_DIALOGUE_ID
from sessions.models import Dialogue

from . import services
from .models import ChairSummary, CrpDocument, SummaryRevision
from .permissions import Drafter
from .services import symbol_propose

FIRST_SYMBOL = "CTOC/COP/WG.6/2022/CRP.2"
FIRST_TEXT = Path(__file__).with_name("demo") / "firearms-2022.md"
FIRST_SAVED_AT = datetime.datetime(2022, 5, 6, 18, 0, tzinfo=zoneinfo.ZoneInfo("Europe/Vienna"))


def load() -> None:
    if not ChairSummary.objects.filter(pk=1).exists():
        summary = ChairSummary.objects.create(
            pk=1,
            dialogue_id=FIRST_DIALOGUE_ID,
            symbol=FIRST_SYMBOL,
            state=ChairSummary.State.APPROVED,
            revision_count=1,
        )
        revision = SummaryRevision.objects.create(
            pk=1,
            summary=summary,
            number=1,
            text=FIRST_TEXT.read_text(encoding="utf-8").strip(),
            author=get_user_model().objects.filter(pk=FIRST_CHAIR_ID).first(),
        )
        # Saved the evening of the dialogue, as the reference was: the CRP's date is the revision's.
        SummaryRevision.objects.filter(pk=1).update(created_at=FIRST_SAVED_AT)
        ChairSummary.objects.filter(pk=1).update(current_revision=revision)
    _publish_first_crp()
    if not ChairSummary.objects.filter(pk=2).exists():
        upcoming = Dialogue.objects.select_related("session__working_group").get(pk=UPCOMING_DIALOGUE_ID)
        ChairSummary.objects.create(pk=2, dialogue=upcoming, symbol=symbol_propose(upcoming))


def _publish_first_crp() -> None:
    """The 2022 summary published as its CRP, through the services a secretariat uses.

    Rendered here rather than by a worker, so that a fresh ``make run`` shows it on
    ``/documents/`` whatever runs; nobody is e-mailed about a dialogue of 2022.
    """
    summary = ChairSummary.objects.select_related("current_revision", "dialogue").get(pk=1)
    if not summary.is_approved or CrpDocument.objects.filter(summary=summary).published().exists():
        return
    secretariat = Drafter(user=None, is_chair=False, is_secretariat=True)
    with withheld():
        document = services.crp_generate(summary=summary, by=None, role=secretariat)
        services.crp_render(document_id=document.pk)
        summary.drafter = secretariat
        services.summary_publish(summary=summary, by=None, role=secretariat)
