"""Every form of the project, and every admin form of its models, refuses the characters
that break a feed, an e-mail header or a calendar (dialogue_portal.text), in every text
field: the project's modules are walked, so a form that forgets the shared base fails here.
"""

import importlib
import inspect
import pkgutil

import pytest
from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import RequestFactory
from django.urls import reverse

from dialogue_portal.forms import PortalForm, TextCheckMixin
from sessions.models import Registration
from submissions.views.public import FilterOptions
from tests.factories import DialogueFactory, OrganisationFactory, RepresentativeFactory, UserFactory

APPS = ("dialogue_portal", "stakeholders", "sessions", "submissions", "reports")
APP_LABELS = ("dialogue_portal", "stakeholders", "dialogue_sessions", "submissions", "reports")
NOT_IMPORTED = ("dialogue_portal.settings", "dialogue_portal.wsgi", "dialogue_portal.asgi")

CONTROL = "\x0b"  # the vertical tab of the published title that broke both feeds


def _project_forms() -> dict[str, type]:
    for app in APPS:
        package = importlib.import_module(app)
        for module in pkgutil.walk_packages(package.__path__, prefix=f"{app}."):
            if ".migrations" not in module.name and module.name not in NOT_IMPORTED:
                importlib.import_module(module.name)
    found, todo = {}, [forms.BaseForm]
    while todo:
        for subclass in todo.pop().__subclasses__():
            todo.append(subclass)
            if subclass.__module__.split(".")[0] in APPS:
                found[f"{subclass.__module__}.{subclass.__qualname__}"] = subclass
    return dict(sorted(found.items()))


FORMS = _project_forms()


def _has_text_field(form_class) -> bool:
    return any(isinstance(field, forms.CharField) for field in form_class.base_fields.values())


def test_the_walk_finds_the_forms_of_every_app():
    modules = {name.rsplit(".", 1)[0] for name in FORMS}
    assert {
        "stakeholders.forms",
        "stakeholders.staff_forms",
        "stakeholders.admin",
        "sessions.forms",
        "sessions.staff_forms",
        "sessions.admin",
        "submissions.forms",
        "submissions.views.public",
    } <= modules
    assert len(FORMS) > 30


@pytest.mark.parametrize("name", sorted(FORMS))
def test_project_form_checks_its_text(name):
    assert issubclass(FORMS[name], TextCheckMixin), (
        f"{name} derives from neither PortalForm nor PortalModelForm"
    )


# --- Each text field refuses, with the named character --------------------------------


def _sample(field: forms.CharField, character: str) -> str:
    if isinstance(field, forms.EmailField):
        return f"focal{character}point@example.org"
    if isinstance(field, forms.URLField):
        return f"https://example.org/firearms{character}report"
    return f"Firearms{character}trafficking"


@pytest.fixture
def form_arguments(db):
    """What a form's constructor asks for, by the name of its argument."""
    organisation = OrganisationFactory()
    dialogue = DialogueFactory()
    registration = Registration.objects.create(
        dialogue=dialogue, organisation=organisation, expertise="Data."
    )
    registration.representatives.add(RepresentativeFactory(organisation=organisation))
    return {
        "organisation": organisation,
        "dialogue": dialogue,
        "dialogues": [dialogue],
        "registration": registration,
        "options": FilterOptions.read(),  # the public comment list's filter choices
    }


def _required_keywords(form_class) -> list[str]:
    parameters = inspect.signature(form_class.__init__).parameters.values()
    return [p.name for p in parameters if p.kind is p.KEYWORD_ONLY and p.default is p.empty]


def _text_field_errors(form_class, arguments: dict, character: str, *, single_line_only=False) -> dict:
    """For each text field of a form sent with ``character`` in every text field: its error codes."""
    kwargs = {name: arguments[name] for name in _required_keywords(form_class)}
    unbound = form_class(**kwargs)
    fields = {
        name: field
        for name, field in unbound.fields.items()
        if isinstance(field, forms.CharField)
        and not isinstance(field.widget, forms.PasswordInput)
        and not (single_line_only and isinstance(field.widget, forms.Textarea))
    }
    data = {unbound.add_prefix(name): _sample(field, character) for name, field in fields.items()}
    bound = form_class(data=data, **kwargs)
    bound.is_valid()
    errors = bound.errors.as_data()
    return {name: [error.code for error in errors.get(name, [])] for name in fields}


def _checked(names):
    return [name for name in names if _has_text_field(FORMS[name])]


@pytest.mark.parametrize("name", _checked(FORMS))
def test_every_text_field_of_project_form_refuses_a_control_character(name, form_arguments):
    codes = _text_field_errors(FORMS[name], form_arguments, CONTROL)
    assert codes, "a form with text fields"
    assert {field: "unsafe_character" in found for field, found in codes.items()} == dict.fromkeys(
        codes, True
    )


@pytest.mark.parametrize("name", _checked(FORMS))
def test_single_line_fields_of_project_form_refuse_a_line_break(name, form_arguments):
    codes = _text_field_errors(FORMS[name], form_arguments, "\n", single_line_only=True)
    assert {field: "line_break" in found for field, found in codes.items()} == dict.fromkeys(codes, True)


# --- The admin's forms of our models -------------------------------------------------------

ADMINS = sorted(
    (model._meta.label, model_admin)
    for model, model_admin in admin.site._registry.items()
    if model._meta.app_label in APP_LABELS
)


def _admin_forms(model_admin, request) -> dict[str, type]:
    found = {
        "change": model_admin.get_form(request, None, change=False),
        "changelist": model_admin.get_changelist_form(request),
    }
    for inline in model_admin.get_inline_instances(request, None):
        found[f"inline {inline.model._meta.label}"] = inline.get_formset(request, None).form
    return found


@pytest.fixture
def admin_request(db):
    request = RequestFactory().get("/admin/")
    request.user = UserFactory(is_staff=True, is_superuser=True)
    return request


def test_the_admin_of_every_app_is_walked():
    assert {label.split(".")[0] for label, _ in ADMINS} == set(APP_LABELS)


@pytest.mark.parametrize(("label", "model_admin"), ADMINS, ids=[label for label, _ in ADMINS])
def test_every_text_field_of_admin_form_refuses_a_control_character(label, model_admin, admin_request):
    for kind, form_class in _admin_forms(model_admin, admin_request).items():
        assert issubclass(form_class, TextCheckMixin), f"{label}: the {kind} form"
        codes = _text_field_errors(form_class, {}, CONTROL)
        refused = {field: "unsafe_character" in found for field, found in codes.items()}
        assert refused == dict.fromkeys(codes, True), f"{label}: the {kind} form"
        single = _text_field_errors(form_class, {}, "\n", single_line_only=True)
        refused = {field: "line_break" in found for field, found in single.items()}
        assert refused == dict.fromkeys(single, True), f"{label}: the {kind} form"


# --- allauth's forms that store an address ---------------------------------------------------

QUOTED_CONTROL = '"amina\x0bx"@ngo.example.org'  # Django's e-mail validator lets it through


def test_signup_refuses_an_address_with_a_control_character(client, db, password):
    response = client.post(
        reverse("account_signup"), {"email": QUOTED_CONTROL, "password1": password, "password2": password}
    )
    assert response.status_code == 200
    assert "This text contains a control character (U+000B)" in " ".join(
        response.context["form"].errors["email"]
    )
    assert 'id="id_email_error"' in response.content.decode()
    assert not get_user_model().objects.exists()
    assert mail.outbox == []


@pytest.mark.parametrize("character", ["\x0b", "\t", "\u2028", "\x01"])
def test_signup_leaves_the_password_alone(client, db, password, character):
    secret = f"{password}{character}!"
    response = client.post(
        reverse("account_signup"),
        {"email": "amina@ngo.example.org", "password1": secret, "password2": secret},
    )
    assert response.status_code == 302
    assert get_user_model().objects.get().check_password(secret)


def test_add_email_refuses_an_address_with_a_control_character(client, user):
    client.force_login(user)
    response = client.post(reverse("account_email"), {"email": QUOTED_CONTROL, "action_add": ""})
    assert response.status_code == 200
    assert "This text contains a control character (U+000B)" in response.content.decode()
    assert not user.emailaddress_set.filter(email__contains="\x0b").exists()


# --- The check itself --------------------------------------------------------------------


class _Sample(PortalForm):
    name = forms.CharField()
    body = forms.CharField(widget=forms.Textarea)


def _errors(**data) -> dict:
    form = _Sample(data={"name": "Name", "body": "Body", **data})
    form.is_valid()
    return form.errors


@pytest.mark.parametrize(
    "body",
    [
        "First paragraph.\r\n\r\nSecond\tparagraph.",
        "Zero-width non-joiner in Persian: می\u200cخواهم",
        "Right-to-left mark: \u200fعربي",
        "Byte-order mark inside\ufeff text",
    ],
)
def test_multi_line_text_keeps_tabs_breaks_and_joiners(body):
    assert _errors(body=body) == {}


@pytest.mark.parametrize(
    ("character", "wording"),
    [
        ("\x0b", "control character (U+000B)"),
        ("\x00", "control character (U+0000)"),  # beside Django's own refusal of it
        ("\x1b", "control character (U+001B)"),
        ("\x85", "control character (U+0085)"),
        ("\u2028", "invisible character (U+2028)"),
        ("\u2029", "invisible character (U+2029)"),
        ("\ud800", "invisible character (U+D800)"),
        ("\uffff", "invisible character (U+FFFF)"),
    ],
)
def test_multi_line_text_refuses_what_xml_and_headers_cannot_carry(character, wording):
    errors = _errors(body=f"The review of firearms{character} trafficking")
    assert wording in " ".join(errors["body"])


@pytest.mark.parametrize(
    ("character", "message"),
    [
        ("\n", "This field takes a single line: remove the line break (U+000A) after “Working Group on”."),
        ("\r", "This field takes a single line: remove the line break (U+000D) after “Working Group on”."),
        (
            "\u2028",
            "This field takes a single line: remove the line break (U+2028) after “Working Group on”.",
        ),
        ("\t", "This text contains a control character (U+0009) after “Working Group on”; remove it."),
        ("\x0b", "This text contains a control character (U+000B) after “Working Group on”; remove it."),
    ],
)
def test_single_line_text_refuses_line_breaks_and_tabs_naming_where(character, message):
    assert _errors(name=f"Working Group on{character}Firearms")["name"] == [message]


def test_refusal_quotes_the_last_words_before_the_character():
    errors = _errors(name="The Working Group on Firearms of the Conference\x01 of the Parties")
    assert errors["name"] == [
        "This text contains a control character (U+0001) after “…of the Conference”; remove it."
    ]


def test_refusal_of_a_leading_character_says_it_starts_the_text():
    # Django strips blanks (U+000B too) at either end; U+0001 is no blank.
    assert _errors(name="\x01Name")["name"] == [
        "This text starts with a control character (U+0001); remove it."
    ]
