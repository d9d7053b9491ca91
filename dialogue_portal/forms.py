"""What every app's forms share: a service's refusal put on a form, the error summary at
the top of a page, and date and time inputs the browser offers pickers for."""

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError


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
