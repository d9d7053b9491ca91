"""The secretariat's dialogue pages: the attendance checklist and the participation figures."""

import datetime
import re

import pytest
from django.test import Client

from sessions.models import Attendance, Intervention, Registration
from stakeholders.models import Category, Representative
from tests.factories import (
    DialogueFactory,
    InterventionFactory,
    RegistrationFactory,
    SecretariatFactory,
    WorkingGroupSessionFactory,
)

from .support import State, _applicant, _page, _text, _url

# --- Attendance ----------------------------------------------------------------------------


def _checklist(response) -> dict:
    """What the rendered checklist would send untouched: its hidden fields and ticked boxes."""
    page = _page(response)
    return {
        name: re.findall(rf'name="{name}" value="(\d+)"(?: id="[^"]+")?( checked)?', page)
        for name in ("shown", "before", "present")
    }


def _submit(client, dialogue, response, *, tick=(), untick=()):
    """Submit the checklist as loaded in ``response``, after ticking and unticking some boxes."""
    fields = _checklist(response)
    present = {value for value, checked in fields["present"] if checked}
    present = (present | {str(pk) for pk in tick}) - {str(pk) for pk in untick}
    with_callbacks = {
        "shown": [value for value, _ in fields["shown"]],
        "before": [value for value, _ in fields["before"]],
        "present": sorted(present),
    }
    return client.post(_url("staff_attendance", dialogue.pk), with_callbacks, follow=True)


def test_attendance_lists_approved_representatives_grouped_by_organisation(
    secretariat_client, dialogue_today
):
    approved = _applicant(
        dialogue_today, name="Approved Network", state=Registration.State.APPROVED, people=2
    )
    _applicant(dialogue_today, name="Applied Network")
    _applicant(dialogue_today, name="Declined Institute", state=Registration.State.DECLINED)
    response = secretariat_client.get(_url("staff_attendance", dialogue_today.pk))
    text = _text(response)
    assert "Approved Network" in text
    assert "Applied Network" not in text
    assert "Declined Institute" not in text
    for representative in approved.representatives.all():
        assert f'<label for="present-{representative.pk}"><bdi>{representative.name}</bdi>' in _page(response)
    assert "0 of 2 representatives of approved applications marked present." in text


def test_attendance_two_secretariat_users_marking_at_once_both_keep_their_marks(dialogue_today):
    registration = _applicant(dialogue_today, name="Network", state=Registration.State.APPROVED, people=2)
    first_rep, second_rep = registration.representatives.order_by("name")
    first, second = Client(), Client()
    first.force_login(SecretariatFactory())
    second.force_login(SecretariatFactory())
    url = _url("staff_attendance", dialogue_today.pk)
    first_page, second_page = first.get(url), second.get(url)  # both loaded before either submits

    _submit(first, dialogue_today, first_page, tick=[first_rep.pk])
    response = _submit(second, dialogue_today, second_page, tick=[second_rep.pk])

    assert set(
        Attendance.objects.filter(dialogue=dialogue_today).values_list("representative", flat=True)
    ) == {
        first_rep.pk,
        second_rep.pk,
    }
    assert "2 of 2 representatives of approved applications marked present." in _text(response)
    assert "Attendance saved: 1 marked present, 0 unmarked." in _text(response)


def test_attendance_unticking_removes_only_that_mark(secretariat_client, secretariat, dialogue_today):
    registration = _applicant(dialogue_today, name="Network", state=Registration.State.APPROVED, people=3)
    reps = list(registration.representatives.order_by("name"))
    for representative in reps[:2]:
        Attendance.objects.create(
            dialogue=dialogue_today, representative=representative, registration=registration
        )
    loaded = secretariat_client.get(_url("staff_attendance", dialogue_today.pk))
    # Meanwhile, on another tablet, the third is marked present.
    Attendance.objects.create(dialogue=dialogue_today, representative=reps[2], registration=registration)
    response = _submit(secretariat_client, dialogue_today, loaded, untick=[reps[0].pk])
    assert set(
        Attendance.objects.filter(dialogue=dialogue_today).values_list("representative", flat=True)
    ) == {
        reps[1].pk,
        reps[2].pk,
    }
    assert "Attendance saved: 0 marked present, 1 unmarked." in _text(response)


def test_attendance_before_the_day_is_refused_and_keeps_the_ticks(secretariat_client, dialogue):
    registration = _applicant(dialogue, name="Network", state=Registration.State.APPROVED)
    representative = registration.representatives.get()
    loaded = secretariat_client.get(_url("staff_attendance", dialogue.pk))
    assert "Attendance is recorded on the day of the dialogue, or after." in _text(loaded)
    response = _submit(secretariat_client, dialogue, loaded, tick=[representative.pk])
    assert response.status_code == 200
    assert "The attendance was not saved" in _text(response)
    assert f'value="{representative.pk}" id="present-{representative.pk}" checked' in _page(response)
    assert not Attendance.objects.exists()


def test_attendance_of_a_stranger_is_refused(secretariat_client, dialogue_today):
    _applicant(dialogue_today, name="Network", state=Registration.State.APPROVED)
    stranger = _applicant(dialogue_today, name="Applied Network").representatives.get()
    response = secretariat_client.post(
        _url("staff_attendance", dialogue_today.pk), {"shown": [stranger.pk], "present": [stranger.pk]}
    )
    assert "Only representatives of approved applications can be marked present." in _text(response)
    assert not Attendance.objects.exists()


@pytest.mark.parametrize("organisations", [3, 30])
def test_attendance_page_runs_a_fixed_number_of_queries(
    secretariat_client, dialogue_today, django_assert_max_num_queries, organisations
):
    for n in range(organisations):
        registration = _applicant(
            dialogue_today, name=f"Network {n:02d}", state=Registration.State.APPROVED, people=2
        )
        Attendance.objects.create(
            dialogue=dialogue_today,
            representative=registration.representatives.first(),
            registration=registration,
        )
    with django_assert_max_num_queries(8):
        response = secretariat_client.get(_url("staff_attendance", dialogue_today.pk))
    assert f"{organisations} of {2 * organisations} representatives" in _text(response)


# --- Participation figures -----------------------------------------------------------------


def _attend(registration, *representatives):
    for representative in representatives or registration.representatives.all():
        Attendance.objects.create(
            dialogue=registration.dialogue, representative=representative, registration=registration
        )


def _row(text: str, label: str) -> str:
    match = re.search(rf"{re.escape(label)} ((?:[\d.]+ %? ?)+)", text)
    assert match, label
    return match.group(1).strip()


def test_figures_count_attendance_only(secretariat_client, dialogue_today):
    ngo = _applicant(
        dialogue_today,
        name="NGO Network",
        state=Registration.State.APPROVED,
        people=3,
        travel_support_requested=True,
    )
    ngo.travel_support_granted = True
    ngo.save()
    female, male, unstated = ngo.representatives.order_by("name")
    Representative.objects.filter(pk=female.pk).update(gender=Representative.Gender.FEMALE)
    Representative.objects.filter(pk=male.pk).update(gender=Representative.Gender.MALE)
    _attend(ngo)
    academia = _applicant(
        dialogue_today,
        name="University",
        state=Registration.State.APPROVED,
        organisation={"category": Category.ACADEMIA},
    )
    Representative.objects.filter(pk=academia.representatives.get().pk).update(gender="female")
    _attend(academia)
    # Approved, granted travel support, but nobody came: not counted anywhere.
    absent = _applicant(
        dialogue_today,
        name="Absent Company",
        state=Registration.State.APPROVED,
        organisation={"category": Category.PRIVATE_SECTOR},
        travel_support_requested=True,
        travel_support_granted=True,
    )
    # The university took part in an earlier dialogue: not a first-time organisation.
    earlier = DialogueFactory(
        session=WorkingGroupSessionFactory(
            first_day=dialogue_today.date - datetime.timedelta(days=40),
            last_day=dialogue_today.date - datetime.timedelta(days=30),
        ),
        state=State.HELD,
    )
    before = RegistrationFactory(
        dialogue=earlier,
        organisation=academia.organisation,
        state=Registration.State.APPROVED,
        representatives=list(academia.representatives.all()),
    )
    _attend(before)
    InterventionFactory(registration=ngo, speaker=female, state=Intervention.State.DELIVERED)

    response = secretariat_client.get(_url("staff_figures", dialogue_today.pk))
    figures = response.context["figures"]
    assert figures.organisations_by_category == {"ngo": 1, "academia": 1, "private_sector": 0}
    assert (figures.organisations, figures.people) == (2, 4)
    text = _text(response)
    assert _row(text, "Non-governmental organization") == "1 3"
    assert _row(text, "Academia") == "1 1"
    assert _row(text, "Private sector") == "0 0"
    assert "Absent Company" not in text
    assert "Organisations taking part for the first time 1" in text
    assert "Organisations granted travel support 1" in text
    assert absent.state == Registration.State.APPROVED
    # Representatives present: 2 women of 4 (50 %), 1 man (25 %), 1 not stated (25 %).
    representatives = text[text.index("Representatives present") : text.index("Speakers who took the floor")]
    assert _row(representatives, "Female") == "2 50 %"
    assert _row(representatives, "Male") == "1 25 %"
    assert _row(representatives, "Not stated") == "1 25 %"
    speakers = text[text.index("Speakers who took the floor") :]
    assert _row(speakers, "Female") == "1 100 %"
    assert _row(speakers, "Male") == "0 0 %"
