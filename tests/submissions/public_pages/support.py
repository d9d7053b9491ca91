"""What the tests of public pages share (moved from test_public_pages.py)."""

import csv
import datetime
import io
import xml.etree.ElementTree as ET

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from submissions.models import Attachment, WrittenComment
from submissions.services import update_search_vector
from tests.factories import WrittenCommentFactory

LIST = reverse("submissions:list")


FEED = reverse("submissions:feed")


EXPORT = reverse("submissions:export")


ANONYMOUS = "a non-governmental organization"


ATOM = "{http://www.w3.org/2005/Atom}"


PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


UNPUBLISHED_STATES = ["draft", "submitted", "rejected", "withdrawn", "unpublished"]


ON_POSTGRES = "postgresql" in django_settings.DATABASES["default"]["ENGINE"]


postgres_only = pytest.mark.skipif(not ON_POSTGRES, reason="full-text search runs on PostgreSQL only")


sqlite_only = pytest.mark.skipif(ON_POSTGRES, reason="the plain match is the SQLite search")


def published(**fields) -> WrittenComment:
    """A published comment with its search vector filled, as comment_publish leaves it."""
    comment = WrittenCommentFactory(state="published", **fields)
    update_search_vector(comment)
    return comment


def hours_ago(hours: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(hours=hours)


def attach(comment: WrittenComment, name: str = "Report.pdf") -> Attachment:
    return Attachment.objects.create(
        comment=comment,
        file=SimpleUploadedFile("x.pdf", PDF),
        original_name=name,
        kind="pdf",
        size=len(PDF),
    )


def get_page(client, url: str = LIST, data=None) -> str:
    response = client.get(url, data or {})
    assert response.status_code == 200
    return response.content.decode()


def titles_on(page: str, comments) -> set[str]:
    return {comment.title for comment in comments if comment.title in page}


def csv_rows(response) -> list[list[str]]:
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def atom_entries(response) -> list[ET.Element]:
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)
    assert root.tag == f"{ATOM}feed"
    return root.findall(f"{ATOM}entry")


def assert_hidden(text: str) -> None:
    for secret in ("Clandestine Shield", "CSCQ", "Belarus", "clandestine-shield"):
        assert secret not in text
