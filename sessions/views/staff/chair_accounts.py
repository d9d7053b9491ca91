"""The account with which a Chair drafts the summary: the secretariat links one by its
address, unlinks it, or invites the Chair by e-mail to sign up or sign in (the Chair's
side of the invitation is in ``sessions.views.chair``)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from dialogue_portal.roles import secretariat_required

from ... import selectors, services
from ...permissions import get_chair_for_secretariat
from ...recording_forms import ChairInviteForm, ChairLinkForm, ChairUnlinkForm
from ...services.chairs import INVITATION_VALID_FOR
from ...staff_forms import add_service_errors
from ._common import _dialogue, _error_summary

GET_POST = require_http_methods(["GET", "POST"])


def _chair(request, pk: int, chair_pk: int):
    return get_chair_for_secretariat(request.user, _dialogue(request.user, pk), chair_pk)


def _page(request, template: str, chair, form, **extra):
    return render(
        request,
        f"sessions/staff/recording/{template}.html",
        {
            "dialogue": chair.dialogue,
            "chair": chair,
            "form": form,
            "errors": _error_summary(form) if form.errors else [],
            **extra,
        },
    )


@secretariat_required
@GET_POST
def chair_link(request, pk: int, chair_pk: int):
    chair = _chair(request, pk, chair_pk)
    form = ChairLinkForm(request.POST or None, initial={"linked": chair.user_id})
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        user = selectors.account_with_address(email)
        if user is None:
            form.add_error("email", _("No portal account has this confirmed address."))
        else:
            try:
                services.dialogue_chair_link(
                    chair=chair, user=user, by=request.user, linked_before=form.cleaned_data["linked"]
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    _("%(chair)s drafts with the account %(email)s.") % {"chair": chair, "email": user.email},
                )
                return redirect("staff_dialogue_chairs", chair.dialogue.pk)
    return _page(request, "chair_link", chair, form)


@secretariat_required
@require_POST
def chair_unlink(request, pk: int, chair_pk: int):
    chair = _chair(request, pk, chair_pk)
    form = ChairUnlinkForm(request.POST)
    if form.is_valid():
        try:
            services.dialogue_chair_unlink(
                chair=chair, by=request.user, linked_before=form.cleaned_data["linked"]
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("%(chair)s is no longer linked to an account.") % {"chair": chair})
    return redirect("staff_dialogue_chairs", chair.dialogue.pk)


@secretariat_required
@GET_POST
def chair_invite(request, pk: int, chair_pk: int):
    chair = _chair(request, pk, chair_pk)
    form = ChairInviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        try:
            services.dialogue_chair_invite(chair=chair, email=email, by=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The invitation was sent to %(email)s.") % {"email": email})
            return redirect("staff_dialogue_chairs", chair.dialogue.pk)
    return _page(request, "chair_invite", chair, form, valid_days=INVITATION_VALID_FOR.days)
