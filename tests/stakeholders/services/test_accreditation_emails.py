"""The stakeholders' services: the e-mail each accreditation decision sends."""

import pytest
from django.conf import settings

from stakeholders import services
from stakeholders.models import EcosocStatus
from tests.factories import AccreditationFactory

from .support import AFTER_DEADLINE, DEADLINE, State, focal_point_emails, organisation_with_focal_points

# --- E-mails at every decision -------------------------------------------------------------


DECISIONS = [
    pytest.param(
        State.SUBMITTED,
        lambda a, by, cl: services.accreditation_admit(accreditation=a, by=by),
        ["Fundación Ñandú is admitted as an observer."],
        id="admitted-ecosoc",
    ),
    pytest.param(
        State.CIRCULATED,
        lambda a, by, cl: services.accreditation_admit(accreditation=a, by=by, today=AFTER_DEADLINE),
        ["Fundación Ñandú is admitted as an observer."],
        id="admitted-after-silence",
    ),
    pytest.param(
        State.SUBMITTED,
        lambda a, by, cl: services.accreditation_return(accreditation=a, by=by, note="Attach the statutes."),
        ["returned the request for accreditation of Fundación Ñandú for correction", "Attach the statutes."],
        id="returned",
    ),
    pytest.param(
        State.OBJECTED,
        lambda a, by, cl: services.accreditation_reject(accreditation=a, by=by, reason="Decided by the COP."),
        ["The request for accreditation of Fundación Ñandú was rejected", "Decided by the COP."],
        id="rejected",
    ),
    pytest.param(
        State.SUBMITTED,
        lambda a, by, cl: services.accreditation_circulate(accreditation=a, circulation_list=cl, by=by),
        ["circulated to the States parties", "If no State party objects by 10 February 2030"],
        id="circulated",
    ),
    pytest.param(
        State.CIRCULATED,
        lambda a, by, cl: services.objection_record(
            by=by, state_party="FR", made_on=DEADLINE, note="France objects.", accreditation=a
        ),
        ["An objection was made to the accreditation of Fundación Ñandú"],
        id="objected",
    ),
    pytest.param(
        State.ADMITTED,
        lambda a, by, cl: services.accreditation_withdraw(accreditation=a, by=by),
        ["The accreditation of Fundación Ñandú was withdrawn."],
        id="withdrawn",
    ),
    pytest.param(
        State.RETURNED,
        lambda a, by, cl: services.accreditation_resubmit(accreditation=a, by=by),
        ["We received the request for accreditation of Fundación Ñandú"],
        id="resubmitted",
    ),
]


@pytest.mark.parametrize(("src", "decide", "texts"), DECISIONS)
def test_accreditation_decision_emails_each_focal_point(
    src, decide, texts, secretariat, circulation_list, commit, mailoutbox
):
    organisation = organisation_with_focal_points(
        3, name="Fundación Ñandú", ecosoc_status=EcosocStatus.SPECIAL
    )
    accreditation = AccreditationFactory(organisation=organisation, state=src)

    with commit():
        decide(accreditation, secretariat, circulation_list)

    accreditation.refresh_from_db()
    to_organisation = [m for m in mailoutbox if m.to != [secretariat.email]]
    assert sorted(m.to[0] for m in to_organisation) == focal_point_emails(organisation)
    assert all(len(m.to) == 1 for m in to_organisation)
    for message in to_organisation:
        assert message.subject == (
            f"[Dialogue Portal] Accreditation of Fundación Ñandú: {accreditation.get_state_display()}"
        )
        for text in texts:
            assert text in message.body
        assert "France" not in message.body
        assert f"/organisations/{organisation.pk}/" in message.body or settings.SITE_URL in message.body


def test_accreditation_resubmit_emails_secretariat(secretariat, commit, mailoutbox):
    organisation = organisation_with_focal_points(1, name="Fundación Ñandú")
    accreditation = AccreditationFactory(organisation=organisation, state=State.RETURNED)

    with commit():
        services.accreditation_resubmit(accreditation=accreditation, by=organisation.focal_points.get().user)

    [to_secretariat] = [m for m in mailoutbox if m.to == [secretariat.email]]
    assert to_secretariat.subject == "[Dialogue Portal] Accreditation request resubmitted: Fundación Ñandú"
    assert "Fundación Ñandú corrected and resubmitted its request" in to_secretariat.body
