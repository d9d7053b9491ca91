"""What the tests of focal pages share (moved from test_focal_pages.py)."""

from django.urls import reverse

REGISTER = reverse("stakeholders:register")


MINE = reverse("stakeholders:mine")


def _organisation_data(**changes) -> dict:
    data = {
        "name": "Observatorio de Armas Pequeñas",
        "acronym": "OAP",
        "category": "ngo",
        "country": "AR",
        "ecosoc_status": "none",
        "website": "https://www.oap.example/",
        "postal_address": "Avenida de Mayo 1, Buenos Aires",
        "description": "Research on the illicit manufacturing of and trafficking in firearms.",
    }
    data.update(changes)
    return data


def _manage_url(organisation) -> str:
    return reverse("stakeholders:manage", args=[organisation.pk])


def _page(response) -> str:
    return response.content.decode()
