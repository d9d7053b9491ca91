"""The demo's written comments on the first constructive dialogue: four published (one
with a PDF annex, one without the organisation's name, as it asked) and one submitted,
not yet published. Fixed ids; the annex is written once under MEDIA_ROOT."""

import datetime
import zoneinfo

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from dialogue_portal.demo import upsert

from .models import Attachment, WrittenComment

VIENNA = zoneinfo.ZoneInfo("Europe/Vienna")
DIALOGUE = 1
ANNEX_NAME = "attachments/demo-firearms-data-annex.pdf"

# id, organisation id, language, title, body, state, anonymity requested
COMMENTS = [
    (
        1,
        13,
        "en",
        "Record keeping and tracing: what civil society data can add",
        "Record keeping is the backbone of tracing. Our monitoring of seizures in four regions shows "
        "that most illicit firearms were once legal.\n\nWe recommend that the review of the Firearms "
        "Protocol ask States how they share tracing results with researchers. Our annex sets out the "
        "data we hold and how it can be shared safely: https://arms-transparency.example/tracing",
        WrittenComment.State.PUBLISHED,
        False,
    ),
    (
        2,
        3,
        "es",
        "Armas de fuego y violencia de género",
        "Las armas de fuego agravan la violencia doméstica, en particular contra las mujeres. Durante "
        "la pandemia de COVID-19 los riesgos aumentaron.\n\nPedimos que el mecanismo de examen tenga "
        "en cuenta la dimensión de género en la aplicación del Protocolo sobre Armas de Fuego.",
        WrittenComment.State.PUBLISHED,
        False,
    ),
    (
        3,
        33,
        "en",
        "Structuring future dialogues along the clusters of the review mechanism",
        "Short meetings limit exchange. We propose a longer constructive dialogue, with an agenda "
        "structured along the four clusters of the review mechanism, and time for written inputs to be "
        "presented by their authors.",
        WrittenComment.State.PUBLISHED,
        False,
    ),
    (
        4,
        12,
        "en",
        "Underreported risks to LGBTQ+ communities",
        "The nexus between poverty, gender inequality and gun violence leaves LGBTQ+ people exposed to "
        "risks that official statistics do not record. We ask that the review consider data gathered by "
        "community organisations.",
        WrittenComment.State.PUBLISHED,
        True,
    ),
    (
        5,
        6,
        "fr",
        "Prolifération des armes légères dans la Corne de l'Afrique",
        "Le manque de données fiables et l'accès limité à l'information dans la région freinent la "
        "lutte contre le trafic d'armes légères et de petit calibre.",
        WrittenComment.State.SUBMITTED,
        False,
    ),
]


def annex_pdf() -> bytes:
    """A one-page PDF, built byte for byte the same every time."""
    text = b"BT /F1 14 Tf 72 720 Td (Annex: firearms seizure data held by the organisation) Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(text), text),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def load() -> None:
    received = datetime.datetime(2022, 4, 20, 15, 0, tzinfo=VIENNA)
    published = datetime.datetime(2022, 4, 28, 10, 0, tzinfo=VIENNA)
    for pk, organisation_id, language, title, body, state, anonymous in COMMENTS:
        upsert(
            WrittenComment,
            pk,
            dialogue_id=DIALOGUE,
            organisation_id=organisation_id,
            author=None,
            title=title,
            body=body,
            language=language,
            consent_to_publish=True,
            anonymity_requested=anonymous,
            published_anonymously=anonymous and state == WrittenComment.State.PUBLISHED,
            state=state,
            sequence=pk,
            tracking_number=f"WC-2022-{DIALOGUE}-{pk}",
            received_at=received + datetime.timedelta(hours=pk),
            published_at=published + datetime.timedelta(hours=pk)
            if state == WrittenComment.State.PUBLISHED
            else None,
            reason="",
        )
    from .services import update_search_vector

    for comment in WrittenComment.objects.filter(
        pk__in=[row[0] for row in COMMENTS], search_vector__isnull=True
    ):
        if comment.state == WrittenComment.State.PUBLISHED:
            update_search_vector(comment)
    annex = annex_pdf()
    if not default_storage.exists(ANNEX_NAME):
        default_storage.save(ANNEX_NAME, ContentFile(annex))
    upsert(
        Attachment,
        1,
        comment_id=1,
        file=ANNEX_NAME,
        original_name="Tracing data annex.pdf",
        kind=Attachment.Kind.PDF,
        size=len(annex),
    )
