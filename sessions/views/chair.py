"""The Chairs' pages: the dialogues they chair, and the secretariat's invitation to link
the account with which they draft (their summaries are the reports app's)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from dialogue_portal.forms import add_service_errors

from .. import selectors, services
from ..forms import ChairInvitationAcceptForm
from ..permissions import chair_invitation_refusal, get_chair_invitation


@login_required
@require_safe
def my_dialogues(request: HttpRequest) -> HttpResponse:
    """Where a Chair lands after sign-in. Anyone else sees an empty list: the page names
    only the dialogues the user's own account chairs."""
    return render(
        request,
        "sessions/chair/dialogues.html",
        {"dialogues": list(selectors.dialogues_chaired(user=request.user))},
    )


@require_http_methods(["GET", "POST"])
def chair_invitation(request: HttpRequest, token: str) -> HttpResponse:
    """The link of the secretariat's e-mail. A visitor is told what it is and sent to sign
    up or sign in, and back here; the invitee, signed in, accepts it and lands on the
    dialogue's summary. The page says why when it cannot be accepted."""
    invitation = get_chair_invitation(token)
    form = ChairInvitationAcceptForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(f"{reverse('account_login')}?next={request.path}")
        if form.is_valid():
            try:
                chair = services.dialogue_chair_invitation_accept(invitation=invitation, user=request.user)
            except ValidationError as error:
                add_service_errors(form, error)
                invitation = get_chair_invitation(token)
            else:
                messages.success(
                    request,
                    _("Your account is linked to %(chair)s: you draft the dialogue's summary with it.")
                    % {"chair": chair},
                )
                return redirect(services.chair_landing_url(chair.dialogue))
    refusal = chair_invitation_refusal(invitation, request.user)
    already_yours = request.user.is_authenticated and invitation.chair.user_id == request.user.pk
    return render(
        request,
        "sessions/chair/invitation.html",
        {
            "invitation": invitation,
            "chair": invitation.chair,
            "form": form,
            "refusal": refusal,
            "already_yours": already_yours,
            "summary_url": services.chair_landing_url(invitation.chair.dialogue),
        },
    )
