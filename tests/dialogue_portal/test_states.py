"""Every lifecycle's rows answer ``is_<state>`` (dialogue_portal.states.state_properties)."""

import pytest

from sessions.models import Dialogue, Intervention, Registration
from stakeholders.models import Accreditation, JoinRequest
from submissions.models import WrittenComment


@pytest.mark.parametrize(
    "model", [Accreditation, JoinRequest, Dialogue, Registration, Intervention, WrittenComment]
)
def test_state_properties_answer_for_each_state(model):
    for member in model.State:
        row = model(state=member)
        assert getattr(row, f"is_{member.value}") is True
        others = [other for other in model.State if other != member]
        assert not any(getattr(row, f"is_{other.value}") for other in others)
