"""Defects 8 and 11 in the markup: every refused form starts the page with one error
summary, required fields are marked (and said once what the mark means), a check box sits
beside its own label, and the flash messages keep their list semantics."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from sessions.models import Dialogue
from tests.factories import (
    DialogueFactory,
    FocalPointFactory,
    RepresentativeFactory,
    admitted_organisation,
)

SUMMARY = re.compile(
    r'<div class="error-summary" role="alert" aria-labelledby="error-summary-heading" tabindex="-1">'
)


def _main(html: str) -> str:
    return html.split('<main id="main"', 1)[1].split(">", 1)[1].split("</main>", 1)[0]


def _first_in_main(html: str) -> str:
    """The main content's first element, the flash messages aside."""
    main = re.sub(r'<div class="messages" role="status">.*?</div>', "", _main(html), flags=re.S)
    return re.search(r"<[a-z][^>]*>", main).group(0)


@pytest.fixture
def focal(db, client):
    organisation = admitted_organisation()
    focal_point = FocalPointFactory(organisation=organisation)
    RepresentativeFactory(organisation=organisation)
    client.force_login(focal_point.user)
    return organisation


def _assert_summary_first(response, *field_ids):
    html = response.content.decode()
    assert response.status_code == 200
    assert len(SUMMARY.findall(html)) == 1, "one error summary"
    assert SUMMARY.match(_first_in_main(html)), _first_in_main(html)
    for field_id in field_ids:
        assert f'<a href="#{field_id}">' in html, field_id
    assert "js/error-summary.js" in html


def test_register_refused_starts_with_the_summary(client, focal):
    response = client.post(reverse("stakeholders:register"), {"name": ""})
    _assert_summary_first(response, "id_name", "id_country")


def test_edit_refused_starts_with_the_summary(client, focal):
    response = client.post(reverse("stakeholders:edit", args=[focal.pk]), {"name": ""})
    _assert_summary_first(response, "id_name")


def test_representative_refused_starts_with_the_summary(client, focal):
    response = client.post(reverse("stakeholders:representative_add", args=[focal.pk]), {})
    _assert_summary_first(response, "id_name")


def test_invite_refused_starts_with_the_summary(client, focal):
    response = client.post(reverse("stakeholders:invite", args=[focal.pk]), {"email": "not-an-address"})
    _assert_summary_first(response, "id_email")


def test_apply_refused_starts_with_the_summary(client, focal):
    DialogueFactory(state=Dialogue.State.OPEN)
    response = client.post(reverse("apply") + f"?organisation={focal.pk}", {})
    _assert_summary_first(response)
    assert "Dialogues" in response.content.decode().split("error-summary", 1)[1].split("</div>", 1)[0]


def test_circulation_list_refused_starts_with_the_summary(secretariat_client):
    response = secretariat_client.post(reverse("stakeholders:staff_circulation_lists"), {"reference": ""})
    _assert_summary_first(response, "id_reference")


def test_login_refused_starts_with_the_summary(client, db):
    response = client.post(reverse("account_login"), {"login": "nobody@example.org", "password": "wrong"})
    _assert_summary_first(response)


def test_signup_refused_starts_with_the_summary(client, db):
    response = client.post(reverse("account_signup"), {"email": "not-an-address"})
    _assert_summary_first(response, "id_email", "id_password1")


def test_a_form_shown_the_first_time_has_no_summary(client, focal):
    html = client.get(reverse("stakeholders:register")).content.decode()
    assert 'class="error-summary"' not in html


@pytest.mark.parametrize(
    "url_name", ["stakeholders:register", "stakeholders:representative_add", "stakeholders:invite", "apply"]
)
def test_required_fields_are_marked_and_the_mark_explained_once(client, focal, url_name):
    DialogueFactory(state=Dialogue.State.OPEN)
    url = reverse(url_name) + f"?organisation={focal.pk}" if url_name == "apply" else None
    url = url or reverse(url_name, args=[focal.pk] if url_name != "stakeholders:register" else [])
    html = client.get(url).content.decode()
    assert html.count('class="required-note"') == 1
    required_inputs = re.findall(
        r'<(?:input|textarea|select)[^>]*\srequired(?=[\s>/])[^>]*id="(id_\w+)"', html
    )
    assert required_inputs
    for field_id in required_inputs:
        assert re.search(rf'<label for="{field_id}" class="required">', html), field_id


def test_login_marks_its_required_fields(client, db):
    html = client.get(reverse("account_login")).content.decode()
    assert '<label for="id_login" class="required">' in html
    assert html.count('class="required-note"') == 1


def test_apply_checkbox_groups_say_they_are_required(client, focal):
    DialogueFactory(state=Dialogue.State.OPEN)
    html = client.get(reverse("apply") + f"?organisation={focal.pk}").content.decode()
    assert (
        '<legend class="required">Dialogues<span class="visually-hidden"> (required)</span></legend>' in html
    )
    assert (
        '<legend class="required">Representatives<span class="visually-hidden"> (required)</span></legend>'
        in html
    )
    boxes = re.findall(r'<input type="checkbox" name="(?:dialogues|representatives)"[^>]*>', html)
    assert len(boxes) >= 2
    for box in boxes:
        assert 'aria-required="true"' in box


def test_every_check_box_is_followed_by_its_own_label(client, focal):
    DialogueFactory(state=Dialogue.State.OPEN)
    pages = [
        reverse("apply") + f"?organisation={focal.pk}",
        reverse("stakeholders:invite", args=[focal.pk]),
        reverse("account_login"),
    ]
    for url in pages:
        # The sign-in page is for someone signed out.
        html = (Client() if url == reverse("account_login") else client).get(url).content.decode()
        boxes = re.findall(r'<input type="checkbox"[^>]*id="(\w+)"[^>]*>\s*(<label[^>]*>)?', html)
        assert boxes, url
        for box_id, label in boxes:
            # A box of a group sits inside its label; a single one is followed by its own.
            inside_label = re.search(rf'<label for="{box_id}"[^>]*>\s*<input type="checkbox"', html)
            assert inside_label or (label and f'for="{box_id}"' in label), (url, box_id)


def test_apply_travel_support_and_may_be_named_have_their_own_boxes(client, focal):
    DialogueFactory(state=Dialogue.State.OPEN)
    html = client.get(reverse("apply") + f"?organisation={focal.pk}").content.decode()
    for name in ("travel_support_requested", "may_be_named"):
        assert re.search(
            rf'<div class="checkbox-field"><input type="checkbox" name="{name}"[^>]*id="id_{name}"[^>]*>'
            rf'\s*<label for="id_{name}">',
            html,
        ), name


def test_flash_messages_keep_their_list(client, focal):
    # Signing out leaves a flash message on the next page.
    response = client.post(reverse("account_logout"), follow=True)
    html = response.content.decode()
    assert '<div class="messages" role="status">' in html
    assert re.search(r'<div class="messages" role="status">\s*<ul>\s*<li class="message', html)
    assert '<ul class="messages" role="status">' not in html
