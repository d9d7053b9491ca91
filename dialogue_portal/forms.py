"""What every app's forms share: the check of typed text, a service's refusal put on a
form, the error summary at the top of a page, and date and time inputs the browser offers
pickers for.

Every form of the project derives from :class:`PortalForm` or :class:`PortalModelForm`
(the admin's through ``dialogue_portal.admin``, allauth's that store an address through
``ACCOUNT_FORMS``); tests/dialogue_portal/test_form_text.py walks them all.
"""

from allauth.account import forms as account_forms
from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.forms.renderers import TemplatesSetting
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from .accounts import account_language_set
from .text import code_point, is_control, unsafe_character

# --- Typed text -----------------------------------------------------------------------

_BEFORE_LENGTH = 24
# What a person would call a line break; the other breaks of dialogue_portal.text (U+000B …)
# are named as the control characters they are.
_TYPED_LINE_BREAKS = "\n\r\u2028\u2029"


def _before(text: str, position: int) -> str:
    """The few words before ``position`` on its line: where to look for what cannot be seen."""
    line = text[:position].rsplit("\n", 1)[-1]
    if len(line) <= _BEFORE_LENGTH:
        return line.strip()
    cut = line[-_BEFORE_LENGTH:]
    if " " in cut.strip():
        cut = cut.split(" ", 1)[1]  # from a whole word on
    return "…" + cut.strip()


class TextValidator:
    """Refuses the characters that feeds, e-mail headers, CSV files and calendars cannot
    carry (``dialogue_portal.text``), and any line break in single-line text.

    The message names the character, which nobody can see, and the words before it.
    """

    def __init__(self, *, multiline: bool):
        self.multiline = multiline

    def __call__(self, value) -> None:
        if not isinstance(value, str):
            return
        found = unsafe_character(value, multiline=self.multiline)
        if found is None:
            return
        position, character = found
        params = {"code": code_point(character), "before": _before(value, position)}
        if character in _TYPED_LINE_BREAKS and not self.multiline and params["before"]:
            message = _(
                "This field takes a single line: remove the line break (%(code)s) after “%(before)s”."
            )
            raise ValidationError(message, code="line_break", params=params)
        if is_control(character):
            if params["before"]:
                message = _(
                    "This text contains a control character (%(code)s) after “%(before)s”; remove it."
                )
            else:
                message = _("This text starts with a control character (%(code)s); remove it.")
        elif params["before"]:
            message = _("This text contains an invisible character (%(code)s) after “%(before)s”; remove it.")
        else:
            message = _("This text starts with an invisible character (%(code)s); remove it.")
        raise ValidationError(message, code="unsafe_character", params=params)


def is_multiline(field: forms.Field) -> bool:
    """A text area takes several lines (and tabs); every other text input one line."""
    return isinstance(field.widget, forms.Textarea)


class TextCheckMixin:
    """Puts a :class:`TextValidator` on every text field (``CharField`` and its subclasses:
    e-mail, URL, slug …) of the form, at validation time, so that a field added or given
    another widget in a form's ``__init__`` is checked as it is shown."""

    def full_clean(self):
        for field in self.fields.values():
            if (
                isinstance(field, forms.CharField)
                # A password is hashed, never shown nor sent: any character may be in it.
                and not isinstance(field.widget, forms.PasswordInput)
                and not any(isinstance(validator, TextValidator) for validator in field.validators)
            ):
                field.validators.append(TextValidator(multiline=is_multiline(field)))
        super().full_clean()


class PortalFormRenderer(TemplatesSetting):
    """Forms rendered by the project's template engine, with the portal's field template
    (templates/forms/field.html: a check box beside its own label)."""

    field_template_name = "forms/field.html"


class RequiredMarkMixin:
    # The label (and the legend) of a required field gets the class the stylesheet
    # marks with "*", explained once above the form (includes/required_note.html).
    required_css_class = "required"

    def __getitem__(self, name):
        # A group of check boxes of which one at least must be ticked cannot carry
        # ``required`` (the browser would ask for every box) nor put aria-required on its
        # fieldset (ARIA allows it on no group but a radio group): each box says it.
        bound = super().__getitem__(name)
        if bound.field.required and isinstance(bound.field.widget, forms.CheckboxSelectMultiple):
            bound.field.widget.attrs.setdefault("aria-required", "true")
        return bound


class PortalForm(TextCheckMixin, RequiredMarkMixin, forms.Form):
    """The base of every plain form of the project."""


class PortalModelForm(TextCheckMixin, RequiredMarkMixin, forms.ModelForm):
    """The base of every model form of the project, the admin's included."""


# allauth checks an address with Django's validator, which lets a quoted local part hold
# control characters: '"ana\x0bx"@ngo.example' was accepted, and its verification mail went
# out with a line break in its To header. The forms that store an address (ACCOUNT_FORMS)
# check it as every other text; their passwords are left alone.


class SignupForm(TextCheckMixin, account_forms.SignupForm):
    def save(self, request):
        user = super().save(request)
        # The language the visitor signed up in is the one they read: their e-mails
        # follow it, whoever on the portal causes them.
        account_language_set(user=user, language=translation.get_language())
        return user


class AddEmailForm(TextCheckMixin, account_forms.AddEmailForm):
    pass


# --- Refusals and errors --------------------------------------------------------------


def add_service_errors(
    form: forms.BaseForm, error: ValidationError, *, field_for: dict | None = None
) -> None:
    """Show a service's refusal next to the field it names (or the one ``field_for`` maps it
    to), or above the form when it names none the form has."""
    field_for = field_for or {}
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            field = field_for.get(field, field)
            form.add_error(field if field in form.fields else NON_FIELD_ERRORS, messages)
    else:
        form.add_error(None, error.messages)


def error_summary(form: forms.BaseForm, *, linked: bool = True) -> list[dict]:
    """Each error of a refused form, naming its field and linking to it when it is on the page."""
    summary = []
    for name, errors in form.errors.items():
        field = form[name] if name in form.fields else None
        for message in errors:
            summary.append(
                {
                    "label": field.label if field and field.label else "",
                    "message": message,
                    "anchor": field.id_for_label if field and linked else "",
                }
            )
    return summary


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%H:%M")
