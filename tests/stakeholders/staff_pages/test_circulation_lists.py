"""The secretariat's accreditation pages: the circulation lists, their CSV and PDF."""

import csv
import datetime
import io

from django.urls import reverse
from pypdf import PdfReader

from stakeholders.models import CirculationList
from tests.factories import AccreditationFactory, CirculationListFactory

from .support import LISTS, State, _focal_point_emails, _page, _recipients, _request, _today

# --- Circulation lists ---------------------------------------------------------------------


def test_circulation_lists_page_proposes_today_and_the_minimum_deadline(secretariat_client):
    _request(name="Waiting Society")
    page = _page(secretariat_client.get(LISTS))
    today = _today()
    assert f'name="circulated_on" value="{today.isoformat()}"' in page
    assert f'name="deadline" value="{(today + datetime.timedelta(days=30)).isoformat()}"' in page
    assert "Waiting Society" in page


def test_circulation_list_created_with_requests(
    secretariat_client, secretariat, django_capture_on_commit_callbacks
):
    chosen, other = _request(), _request()
    today = _today()
    with django_capture_on_commit_callbacks(execute=True):
        response = secretariat_client.post(
            LISTS,
            {
                "reference": "NOP/2031/3",
                "circulated_on": today.isoformat(),
                "deadline": (today + datetime.timedelta(days=45)).isoformat(),
                "accreditations": [chosen.pk],
            },
            follow=True,
        )
    assert "The circulation list NOP/2031/3 was created." in _page(response)
    circulation_list = CirculationList.objects.get()
    assert (circulation_list.created_by, circulation_list.deadline) == (
        secretariat,
        today + datetime.timedelta(days=45),
    )
    chosen.refresh_from_db()
    other.refresh_from_db()
    assert (chosen.state, chosen.circulation_list) == (State.CIRCULATED, circulation_list)
    assert other.state == State.SUBMITTED
    assert _recipients() == _focal_point_emails(chosen)


def test_circulation_list_with_a_short_deadline_is_refused(secretariat_client):
    accreditation = _request()
    today = _today()
    response = secretariat_client.post(
        LISTS,
        {
            "reference": "NOP/2031/4",
            "circulated_on": today.isoformat(),
            "deadline": (today + datetime.timedelta(days=20)).isoformat(),
            "accreditations": [accreditation.pk],
        },
    )
    assert "at least 30 days to object" in response.context["form"].errors["deadline"][0]
    assert 'value="NOP/2031/4"' in _page(response)
    assert not CirculationList.objects.exists()
    accreditation.refresh_from_db()
    assert accreditation.state == State.SUBMITTED


def test_circulation_list_reference_is_unique(secretariat_client):
    existing = CirculationListFactory()
    today = _today()
    response = secretariat_client.post(
        LISTS,
        {
            "reference": existing.reference,
            "circulated_on": today.isoformat(),
            "deadline": (today + datetime.timedelta(days=30)).isoformat(),
        },
    )
    assert response.context["form"].errors["reference"]
    assert CirculationList.objects.count() == 1


def test_circulation_list_page_lists_its_requests_with_state(secretariat_client):
    circulation_list = CirculationListFactory(reference="NOP/2031/5")
    AccreditationFactory(
        state=State.CIRCULATED, circulation_list=circulation_list, organisation__name="Alpha Aid"
    )
    AccreditationFactory(
        state=State.OBJECTED, circulation_list=circulation_list, organisation__name="Beta Base"
    )
    AccreditationFactory(state=State.SUBMITTED, organisation__name="Gamma Group")
    page = _page(
        secretariat_client.get(reverse("stakeholders:staff_circulation_list", args=[circulation_list.pk]))
    )
    assert "<h1>NOP/2031/5</h1>" in page
    assert page.index("Alpha Aid") < page.index("Beta Base")
    assert "objected to; awaiting the Conference" in page
    assert "Gamma Group" not in page
    assert reverse("stakeholders:staff_circulation_list_csv", args=[circulation_list.pk]) in page
    assert reverse("stakeholders:staff_circulation_list_pdf", args=[circulation_list.pk]) in page


def test_circulation_list_csv_has_the_rows_and_neutralises_formulas(secretariat_client):
    circulation_list = CirculationListFactory(reference="NOP/2031/6")
    AccreditationFactory(
        state=State.CIRCULATED,
        circulation_list=circulation_list,
        organisation__name='=HYPERLINK("https://evil.example","Click")',
        organisation__acronym="@SUM",
        organisation__country="MX",
        organisation__category="academia",
        organisation__website="https://univ.example/",
    )
    AccreditationFactory(
        state=State.CIRCULATED,
        circulation_list=circulation_list,
        organisation__name="Fundación Ñandú",
        organisation__acronym="-FN",
        organisation__ecosoc_status="roster",
    )
    AccreditationFactory(state=State.SUBMITTED, organisation__name="Not On The List")
    response = secretariat_client.get(
        reverse("stakeholders:staff_circulation_list_csv", args=[circulation_list.pk])
    )
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="circulation-list-NOP-2031-6.csv"'
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == [
        "Organisation",
        "Acronym",
        "Category",
        "Country",
        "ECOSOC consultative status",
        "Website",
        "Request submitted",
    ]
    submitted = _today().isoformat()
    assert rows[1:] == [
        [
            '\'=HYPERLINK("https://evil.example","Click")',
            "'@SUM",
            "Academia",
            "Mexico",
            "None",
            "https://univ.example/",
            submitted,
        ],
        [
            "Fundación Ñandú",
            "'-FN",
            "Non-governmental organization",
            "Kenya",
            "Roster",
            rows[2][5],
            submitted,
        ],
    ]


def test_circulation_list_pdf_annex(secretariat_client):
    circulation_list = CirculationListFactory(reference="NOP/2031/10")
    AccreditationFactory(
        state=State.CIRCULATED, circulation_list=circulation_list, organisation__name="Observatorio Armas"
    )
    response = secretariat_client.get(
        reverse("stakeholders:staff_circulation_list_pdf", args=[circulation_list.pk])
    )
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="circulation-list-NOP-2031-10.pdf"'
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) >= 1
    text = " ".join(page.extract_text() for page in reader.pages)
    assert "NOP/2031/10" in text
    assert "Observatorio Armas" in text
    assert "Annex: requests for accreditation under the non-objection procedure" in " ".join(text.split())
    assert "10 February 2030" in text  # the deadline


def test_staff_pages_need_the_secretariat_group_not_just_staff(client, db):
    from tests.factories import UserFactory

    client.force_login(UserFactory(is_staff=True))
    assert client.get(reverse("stakeholders:staff_queue")).status_code == 404
