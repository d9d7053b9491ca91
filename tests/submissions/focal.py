"""What the tests of the focal points' comment pages share: their URLs, a filled-in form, the
page's text and a field's errors, the tracking number expected."""

import re

from django.urls import reverse
from django.utils import timezone

from submissions.models import WrittenComment


def _new_url(organisation, dialogue) -> str:
    return f"{reverse('submissions:new', args=[organisation.pk])}?dialogue={dialogue.pk}"


def _url(name: str, comment: WrittenComment) -> str:
    return reverse(f"submissions:{name}", args=[comment.organisation_id, comment.pk])


def _form(**overrides) -> dict:
    data = {
        "title": "Firearms data held by civil society",
        "body": "Civil society holds data on firearms trafficking.\n\nThe review should use it.",
        "language": "en",
        "about": "",
        "consent_to_publish": "on",
        "save": "1",
    }
    return data | overrides


def _page(response) -> str:
    return response.content.decode()


def _field_errors(page: str, field: str) -> str:
    """The error list Django renders next to the field (id="id_<field>_error"), or ""."""
    match = re.search(rf'<ul class="errorlist"[^>]*id="id_{field}_error">(.*?)</ul>', page, re.S)
    return match.group(1) if match else ""


def _tracking(dialogue, sequence: int = 1) -> str:
    return f"WC-{timezone.localtime().year}-{dialogue.pk}-{sequence}"
