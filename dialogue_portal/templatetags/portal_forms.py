"""The error summary and the note on required fields, the same on every form."""

from django import template
from django.utils.translation import gettext_lazy as _

from ..forms import RequiredMarkMixin
from ..forms import error_summary as summarise

register = template.Library()


@register.inclusion_tag("includes/error_summary.html")
def error_summary(*forms, heading=None, linked=True):
    """``{% error_summary form %}``: the errors of one refused form (or of several),
    each naming its field and linking to it."""
    errors = []
    for form in forms:
        if form is not None and getattr(form, "errors", None):
            errors.extend(summarise(form, linked=linked))
    return {"errors": errors, "heading": heading or _("The form was not saved")}


@register.inclusion_tag("includes/required_note.html")
def required_note(form=None):
    """Said once, above a form: what the mark on required fields means (nothing when the
    form has no required field to mark)."""
    return {"show": form is None or has_required_fields(form)}


@register.filter
def has_required_fields(form) -> bool:
    """Whether the form shows a required field (and so needs the note on the mark)."""
    fields = getattr(form, "visible_fields", None)
    return bool(fields) and any(field.field.required for field in fields())


@register.filter
def with_required_marks(form):
    """A form of a library (allauth's), its required labels marked as the portal's are."""
    form.required_css_class = RequiredMarkMixin.required_css_class
    return form
