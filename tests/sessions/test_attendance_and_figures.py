"""Attendance on the day (two secretariat users at once keep both their marks) and the
participation figures counted from it, on small data and on the demo."""

import datetime
import zoneinfo

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from sessions import selectors, services
from sessions.models import AgendaItem, Attendance, Dialogue, Registration
from stakeholders.models import Category, Representative
from tests.factories import (
    ApprovedRegistrationFactory,
    DialogueFactory,
    RepresentativeFactory,
    SecretariatFactory,
    WorkingGroupSessionFactory,
    admitted_organisation,
)

Gender = Representative.Gender
VIENNA = zoneinfo.ZoneInfo("Europe/Vienna")

DAY = datetime.date(2025, 6, 10)
EARLIER = datetime.date(2025, 3, 1)
LATER = datetime.date(2025, 10, 20)

# participation_figures reads: organisations by category, people by category, earlier
# attendance, gender of representatives, gender of speakers, travel support; however many
# organisations attended.
FIGURES_QUERIES = 6


def dialogue_on(day, **fields):
    """A dialogue on ``day`` (closed unless said), after a session that ended that day."""
    fields.setdefault("state", Dialogue.State.CLOSED)
    return DialogueFactory(session=WorkingGroupSessionFactory(first_day=day, last_day=day), **fields)


def present(dialogue):
    return set(Attendance.objects.filter(dialogue=dialogue).values_list("representative_id", flat=True))


def submit(dialogue, by, *, loaded, ticked):
    """What the checklist page sends: the changes from the list as it was loaded."""
    services.attendance_update(dialogue=dialogue, by=by, marked=ticked - loaded, unmarked=loaded - ticked)


@pytest.fixture
def dialogue(db):
    return dialogue_on(DAY)


@pytest.fixture
def approved(dialogue):
    """Two approved organisations, one representative each."""
    return [ApprovedRegistrationFactory(dialogue=dialogue), ApprovedRegistrationFactory(dialogue=dialogue)]


# --- Attendance -----------------------------------------------------------------------


def test_attendance_update_two_sessions_from_same_list_keep_both_marks(dialogue, approved):
    rep1 = approved[0].representatives.get()
    rep2 = approved[1].representatives.get()
    alice, bob = SecretariatFactory(), SecretariatFactory()
    loaded_by_alice = present(dialogue)
    loaded_by_bob = present(dialogue)
    assert loaded_by_alice == loaded_by_bob == set()

    submit(dialogue, alice, loaded=loaded_by_alice, ticked={rep1.pk})
    submit(dialogue, bob, loaded=loaded_by_bob, ticked={rep2.pk})

    assert present(dialogue) == {rep1.pk, rep2.pk}
    assert dict(Attendance.objects.values_list("representative_id", "recorded_by")) == {
        rep1.pk: alice.pk,
        rep2.pk: bob.pk,
    }
    assert dict(Attendance.objects.values_list("representative_id", "registration")) == {
        rep1.pk: approved[0].pk,
        rep2.pk: approved[1].pk,
    }


def test_attendance_update_unmark_by_one_keeps_others_mark(dialogue, approved, secretariat):
    rep1 = approved[0].representatives.get()
    rep2 = approved[1].representatives.get()
    services.attendance_update(dialogue=dialogue, by=secretariat, marked=[rep1.pk], unmarked=[])
    loaded_by_alice = present(dialogue)
    loaded_by_bob = present(dialogue)

    submit(dialogue, secretariat, loaded=loaded_by_bob, ticked={rep1.pk, rep2.pk})
    submit(dialogue, secretariat, loaded=loaded_by_alice, ticked=set())  # Alice unticks rep1

    assert present(dialogue) == {rep2.pk}


def test_attendance_update_marking_twice_keeps_one_row(dialogue, approved, secretariat):
    rep1 = approved[0].representatives.get()
    first = SecretariatFactory()
    services.attendance_update(dialogue=dialogue, by=first, marked=[rep1.pk], unmarked=[])

    services.attendance_update(dialogue=dialogue, by=secretariat, marked=[rep1.pk], unmarked=[])

    assert list(Attendance.objects.values_list("representative_id", "recorded_by")) == [(rep1.pk, first.pk)]


@pytest.mark.parametrize("stranger", ["applied", "declined", "other_dialogue", "unregistered", "not_named"])
def test_attendance_update_representative_not_in_approved_registration_refused(
    dialogue, approved, secretariat, stranger
):
    if stranger in ("applied", "declined"):
        rep = ApprovedRegistrationFactory(dialogue=dialogue, state=stranger).representatives.get()
    elif stranger == "other_dialogue":
        rep = ApprovedRegistrationFactory(dialogue=dialogue_on(EARLIER)).representatives.get()
    elif stranger == "unregistered":
        rep = RepresentativeFactory()
    else:  # of an approved organisation, but not named in its application
        rep = RepresentativeFactory(organisation=approved[0].organisation)
    ok = approved[0].representatives.get()

    with pytest.raises(ValidationError) as excinfo:
        services.attendance_update(dialogue=dialogue, by=secretariat, marked=[ok.pk, rep.pk], unmarked=[])

    assert excinfo.value.messages == ["Only representatives of approved applications can be marked present."]
    assert not Attendance.objects.exists()


def test_attendance_update_future_dialogue_refused(secretariat):
    tomorrow = timezone.localdate(timezone=VIENNA) + datetime.timedelta(days=1)
    dialogue = dialogue_on(tomorrow, state=Dialogue.State.OPEN)
    rep = ApprovedRegistrationFactory(dialogue=dialogue).representatives.get()

    with pytest.raises(ValidationError) as excinfo:
        services.attendance_update(dialogue=dialogue, by=secretariat, marked=[rep.pk], unmarked=[])

    assert excinfo.value.messages == ["Attendance is recorded on the day of the dialogue, or after."]
    assert not Attendance.objects.exists()


def test_attendance_update_on_the_day_allowed(secretariat):
    today = timezone.localdate(timezone=VIENNA)
    dialogue = dialogue_on(today, state=Dialogue.State.CLOSED)
    rep = ApprovedRegistrationFactory(dialogue=dialogue).representatives.get()

    services.attendance_update(dialogue=dialogue, by=secretariat, marked=[rep.pk], unmarked=[])

    assert present(dialogue) == {rep.pk}


def test_attendance_update_cancelled_dialogue_refused(secretariat):
    dialogue = dialogue_on(DAY, state=Dialogue.State.CANCELLED)
    rep = ApprovedRegistrationFactory(dialogue=dialogue).representatives.get()

    with pytest.raises(ValidationError) as excinfo:
        services.attendance_update(dialogue=dialogue, by=secretariat, marked=[rep.pk], unmarked=[])

    assert excinfo.value.messages == ["The dialogue was cancelled: nobody attended."]
    assert not Attendance.objects.exists()


# --- Participation figures ------------------------------------------------------------


def attend(dialogue, registration, by, *reps):
    services.attendance_update(
        dialogue=dialogue,
        by=by,
        marked=[rep.pk for rep in reps or registration.representatives.all()],
        unmarked=[],
    )


def take_the_floor(registration, item, speaker, by, *, deliver=True):
    intervention = services.intervention_request(
        registration=registration, agenda_item=item, speaker=speaker, by=by
    )
    services.intervention_schedule(intervention=intervention, by=by)
    if deliver:
        services.intervention_deliver(intervention=intervention, by=by)
    return intervention


def test_participation_figures_count_attendance_only(dialogue, secretariat):
    item = AgendaItem.objects.create(dialogue=dialogue, number=1, title="Inputs")
    # An NGO that attended an earlier dialogue: two present; one speaks, the other withdraws.
    ngo_a = admitted_organisation(category=Category.NGO)
    a_female = RepresentativeFactory(organisation=ngo_a, gender=Gender.FEMALE)
    a_male = RepresentativeFactory(organisation=ngo_a, gender=Gender.MALE)
    earlier = dialogue_on(EARLIER, state=Dialogue.State.HELD)
    attend(
        earlier,
        ApprovedRegistrationFactory(dialogue=earlier, organisation=ngo_a, representatives=[a_female]),
        secretariat,
    )
    reg_a = ApprovedRegistrationFactory(
        dialogue=dialogue, organisation=ngo_a, representatives=[a_female, a_male]
    )
    attend(dialogue, reg_a, secretariat)
    take_the_floor(reg_a, item, a_female, secretariat)
    services.intervention_withdraw(
        intervention=take_the_floor(reg_a, item, a_male, secretariat, deliver=False), by=secretariat
    )
    # A first-time NGO with travel support; its speaker never took the floor; it comes again later.
    ngo_b = admitted_organisation(category=Category.NGO)
    b_female = RepresentativeFactory(organisation=ngo_b, gender=Gender.FEMALE)
    reg_b = ApprovedRegistrationFactory(
        dialogue=dialogue,
        organisation=ngo_b,
        representatives=[b_female],
        travel_support_requested=True,
        travel_support_granted=True,
    )
    attend(dialogue, reg_b, secretariat)
    take_the_floor(reg_b, item, b_female, secretariat, deliver=False)
    later = dialogue_on(LATER, state=Dialogue.State.HELD)
    attend(
        later,
        ApprovedRegistrationFactory(dialogue=later, organisation=ngo_b, representatives=[b_female]),
        secretariat,
    )
    # A university, first time, gender not declared; one of its two named people stayed away.
    academia = admitted_organisation(category=Category.ACADEMIA)
    c_undeclared = RepresentativeFactory(organisation=academia, gender="")
    c_absent = RepresentativeFactory(organisation=academia, gender=Gender.MALE)
    reg_c = ApprovedRegistrationFactory(
        dialogue=dialogue, organisation=academia, representatives=[c_undeclared, c_absent]
    )
    attend(dialogue, reg_c, secretariat, c_undeclared)
    take_the_floor(reg_c, item, c_undeclared, secretariat)
    # Approved, granted travel support, did not come: counted nowhere.
    company = admitted_organisation(category=Category.PRIVATE_SECTOR)
    ApprovedRegistrationFactory(
        dialogue=dialogue,
        organisation=company,
        representatives=[RepresentativeFactory(organisation=company, gender=Gender.OTHER)],
        travel_support_requested=True,
        travel_support_granted=True,
    )
    # Applied only.
    ApprovedRegistrationFactory(dialogue=dialogue, state=Registration.State.APPLIED)

    figures = selectors.participation_figures(dialogue)

    assert figures.organisations_by_category == {"ngo": 2, "academia": 1, "private_sector": 0}
    assert figures.people_by_category == {"ngo": 3, "academia": 1, "private_sector": 0}
    assert (figures.organisations, figures.people) == (3, 4)
    assert figures.first_time_organisations == 2
    assert figures.gender_of_representatives == {"female": 2, "male": 1, "other": 0, "": 1}
    assert figures.gender_of_speakers == {"female": 1, "male": 0, "other": 0, "": 1}
    assert figures.travel_support_granted == 1


def test_participation_figures_speaker_taking_floor_twice_counted_once(dialogue, secretariat):
    first = AgendaItem.objects.create(dialogue=dialogue, number=1, title="Briefing")
    second = AgendaItem.objects.create(dialogue=dialogue, number=2, title="Inputs")
    organisation = admitted_organisation()
    speaker = RepresentativeFactory(organisation=organisation, gender=Gender.FEMALE)
    registration = ApprovedRegistrationFactory(
        dialogue=dialogue, organisation=organisation, representatives=[speaker]
    )
    attend(dialogue, registration, secretariat)
    take_the_floor(registration, first, speaker, secretariat)
    take_the_floor(registration, second, speaker, secretariat)
    take_the_floor(registration, second, speaker, secretariat)

    figures = selectors.participation_figures(dialogue)

    assert figures.gender_of_speakers == {"female": 1, "male": 0, "other": 0, "": 0}


def test_participation_figures_earlier_cancelled_dialogue_not_counted(dialogue, secretariat):
    organisation = admitted_organisation()
    rep = RepresentativeFactory(organisation=organisation)
    earlier = dialogue_on(EARLIER)
    attend(
        earlier,
        ApprovedRegistrationFactory(dialogue=earlier, organisation=organisation, representatives=[rep]),
        secretariat,
    )
    services.dialogue_cancel(dialogue=earlier, by=secretariat, reason="The room is not available.")
    attend(
        dialogue,
        ApprovedRegistrationFactory(dialogue=dialogue, organisation=organisation, representatives=[rep]),
        secretariat,
    )

    assert selectors.participation_figures(dialogue).first_time_organisations == 1


def test_participation_figures_same_day_earlier_dialogue_counted(dialogue, secretariat):
    organisation = admitted_organisation()
    rep = RepresentativeFactory(organisation=organisation)
    morning = DialogueFactory(
        session=dialogue.session,
        date=DAY,
        start_time=datetime.time(9, 0),
        end_time=datetime.time(12, 0),
        state=Dialogue.State.HELD,
    )
    attend(
        morning,
        ApprovedRegistrationFactory(dialogue=morning, organisation=organisation, representatives=[rep]),
        secretariat,
    )
    attend(
        dialogue,
        ApprovedRegistrationFactory(dialogue=dialogue, organisation=organisation, representatives=[rep]),
        secretariat,
    )

    assert selectors.participation_figures(dialogue).first_time_organisations == 0
    assert selectors.participation_figures(morning).first_time_organisations == 1


def test_participation_figures_nobody_attended_all_zero(dialogue, approved):
    figures = selectors.participation_figures(dialogue)

    assert figures.organisations_by_category == {"ngo": 0, "academia": 0, "private_sector": 0}
    assert figures.people == 0
    assert figures.first_time_organisations == 0
    assert figures.travel_support_granted == 0


@pytest.mark.django_db
def test_participation_figures_demo_first_dialogue():
    from dialogue_portal.demo import load

    load()
    dialogue = Dialogue.objects.get(pk=1)

    figures = selectors.participation_figures(dialogue)

    assert figures.organisations_by_category == {"ngo": 32, "academia": 7, "private_sector": 4}
    assert figures.first_time_organisations == 43


def test_participation_figures_queries_constant(dialogue, secretariat, django_assert_max_num_queries):
    item = AgendaItem.objects.create(dialogue=dialogue, number=1, title="Inputs")
    earlier = dialogue_on(EARLIER, state=Dialogue.State.HELD)
    categories = [Category.NGO, Category.ACADEMIA, Category.PRIVATE_SECTOR]

    def add_organisations(count):
        for n in range(count):
            organisation = admitted_organisation(category=categories[n % 3])
            reps = [
                RepresentativeFactory(organisation=organisation, gender=Gender.FEMALE),
                RepresentativeFactory(organisation=organisation, gender=Gender.MALE),
            ]
            registration = ApprovedRegistrationFactory(
                dialogue=dialogue,
                organisation=organisation,
                representatives=reps,
                travel_support_requested=True,
                travel_support_granted=True,
            )
            attend(dialogue, registration, secretariat)
            take_the_floor(registration, item, reps[0], secretariat)
            if n % 2:
                attend(
                    earlier,
                    ApprovedRegistrationFactory(
                        dialogue=earlier, organisation=organisation, representatives=reps
                    ),
                    secretariat,
                )

    add_organisations(2)
    with django_assert_max_num_queries(FIGURES_QUERIES):
        small = selectors.participation_figures(dialogue)
    add_organisations(10)
    with django_assert_max_num_queries(FIGURES_QUERIES):
        large = selectors.participation_figures(dialogue)

    assert (small.organisations, small.people, small.travel_support_granted) == (2, 4, 2)
    assert (large.organisations, large.people, large.travel_support_granted) == (12, 24, 12)
    assert large.organisations_by_category == {"ngo": 5, "academia": 4, "private_sector": 3}
    assert large.first_time_organisations == 6
    assert large.gender_of_speakers == {"female": 12, "male": 0, "other": 0, "": 0}


# --- Public list of participants ----------------------------------------------------------


def test_public_participants_only_attending_and_consenting_once_held(secretariat):
    dialogue = dialogue_on(DAY, state=Dialogue.State.HELD)
    named = ApprovedRegistrationFactory(
        dialogue=dialogue, organisation=admitted_organisation(name="Beta Network")
    )
    also_named = ApprovedRegistrationFactory(
        dialogue=dialogue, organisation=admitted_organisation(name="Alpha Forum")
    )
    also_named.representatives.add(RepresentativeFactory(organisation=also_named.organisation))
    unnamed = ApprovedRegistrationFactory(dialogue=dialogue, may_be_named=False)
    ApprovedRegistrationFactory(dialogue=dialogue)  # approved, stayed away
    for registration in (named, also_named, unnamed):
        attend(dialogue, registration, secretariat)

    assert [o.name for o in selectors.public_participants(dialogue)] == ["Alpha Forum", "Beta Network"]

    Dialogue.objects.filter(pk=dialogue.pk).update(state=Dialogue.State.CLOSED)
    dialogue.refresh_from_db()
    assert list(selectors.public_participants(dialogue)) == []
