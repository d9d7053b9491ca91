"""The focal points' written-comment pages: write, save, submit, follow and withdraw a comment.

Every page needs a signed-in user. The organisation and its comments are fetched through
``permissions``, which answers 404 to anyone who is not one of the organisation's focal
points. The views parse a form, call a service and redirect; a refusal from the service
is shown next to the field it concerns, with what was typed kept, and the files that
passed their checks kept too (no browser lets a page choose them again): shown as kept,
attached by the next save. Submitting, which cannot be undone, asks first, on a page of
its own that works without JavaScript.
"""

import uuid

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from dialogue_portal import dates
from dialogue_portal.history import history
from sessions.models import Dialogue
from stakeholders.models import Organisation
from stakeholders.permissions import get_organisation_for_focal_point

from .. import services
from ..forms import ABOUT_FIELD_FOR, CommentForm, ConfirmForm, add_service_errors, error_summary
from ..models import WrittenComment
from ..permissions import get_comment_for_focal_point

State = WrittenComment.State
WITHDRAWABLE = frozenset({State.DRAFT, State.SUBMITTED})

GET_POST = require_http_methods(["GET", "POST"])


def _template(name: str) -> str:
    return f"submissions/focal/{name}.html"


def _data(request: HttpRequest):
    return request.POST if request.method == "POST" else None


def _files(request: HttpRequest):
    return request.FILES if request.method == "POST" else None


def _refusal(exc: ValidationError) -> str:
    return " ".join(exc.messages)


def _deadline(dialogue: Dialogue) -> str:
    return dates.with_zone(timezone.localtime(dialogue.comments_deadline, dialogue.zone))


def _open_dialogues():
    """Dialogues taking written comments now, the nearest deadline first."""
    return (
        Dialogue.objects.filter(state=Dialogue.State.OPEN, comments_deadline__gte=timezone.now())
        .select_related("session__working_group")
        .order_by("comments_deadline", "date", "id")
    )


def _attachments(comment: WrittenComment):
    return comment.attachments.order_by("created_at", "id")


# --- The organisation's comments ------------------------------------------------------------


@login_required
@require_safe
def comments(request: HttpRequest, organisation_pk: int) -> HttpResponse:
    organisation = get_organisation_for_focal_point(request.user, organisation_pk)
    rows = (
        WrittenComment.objects.for_organisation(organisation)
        .select_related("dialogue__session__working_group")
        .annotate(attachment_count=Count("attachments"))
        .defer("body", "search_vector")
        .order_by("-created_at", "-id")
    )
    return render(
        request,
        _template("comments"),
        {"organisation": organisation, "comments": rows, "open_dialogues": _open_dialogues()},
    )


# --- Writing ------------------------------------------------------------------------------


def _form_page(
    request: HttpRequest, form: CommentForm, *, organisation: Organisation, **context
) -> HttpResponse:
    form.describe_body()
    return render(
        request,
        _template("comment_form"),
        {
            "organisation": organisation,
            "dialogue": form.dialogue,
            "form": form,
            "word_count": form.word_count(),
            "word_count_templates": form.word_count_templates(),
            "max_words": number_format(settings.WRITTEN_COMMENT_MAX_WORDS, force_grouping=True),
            "errors": error_summary(form),
            "deadline": _deadline(form.dialogue),
            **context,
        },
    )


def keep_files(request: HttpRequest, form: CommentForm, comment: WrittenComment | None) -> bool:
    """After a refused save: keep each file sent that passes its checks (there is room for),
    to show as kept and attach with the next save. True when a file sent was refused (the
    page then says to choose files again); its refusal is shown next to the field."""
    uploads = request.FILES.getlist(form.add_prefix("attachments"))
    if not uploads:
        return False
    if form.is_bound and "kept_files" not in getattr(form, "cleaned_data", {}):
        # The kept notes were refused (expired): the files they named are gone.
        form.kept = []
    existing = comment.attachments.count() if comment is not None and comment.pk else 0
    room = settings.WRITTEN_COMMENT_MAX_ATTACHMENTS - existing - len(form.kept)
    kept, refused = services.attachments_keep(uploads=uploads, room=max(room, 0))
    form.keep(kept)
    if refused and not form.has_error("attachments"):
        form.add_error("attachments", refused)
    return bool(refused) or len(kept) < len(uploads)


def _after_save(request: HttpRequest, comment: WrittenComment, *, submit: bool) -> HttpResponse:
    if not submit:
        messages.success(request, _("The draft is saved. You may change it until you submit it."))
        return redirect("submissions:edit", comment.organisation_id, comment.pk)
    if comment.state == State.SUBMITTED:
        # "Save and submit" sent again once submitted: the first sending did both.
        return redirect("submissions:mine", comment.organisation_id, comment.pk)
    # Submitting cannot be undone: it asks first.
    messages.success(request, _("The draft is saved. Check what submitting it means, then confirm."))
    return redirect("submissions:submit", comment.organisation_id, comment.pk)


def _dialogue_from_query(request: HttpRequest) -> Dialogue | None:
    raw = request.GET.get("dialogue")
    if raw is None:
        return None
    try:
        pk = int(raw)
    except ValueError:
        raise Http404 from None
    return get_object_or_404(Dialogue.objects.select_related("session__working_group"), pk=pk)


@login_required
@GET_POST
def comment_new(request: HttpRequest, organisation_pk: int) -> HttpResponse:
    organisation = get_organisation_for_focal_point(request.user, organisation_pk)
    dialogue = _dialogue_from_query(request)
    if dialogue is None:
        return render(
            request,
            _template("choose_dialogue"),
            {"organisation": organisation, "dialogues": _open_dialogues()},
        )
    if request.method == "GET":
        refusal = services.comments_refusal(organisation=organisation, dialogue=dialogue)
        if refusal:
            return render(
                request,
                _template("comment_refused"),
                {
                    "organisation": organisation,
                    "dialogue": dialogue,
                    "refusal": refusal,
                    "deadline": _deadline(dialogue),
                },
            )
    form = CommentForm(
        _data(request),
        _files(request),
        dialogue=dialogue,
        organisation=organisation,
        initial={"form_token": uuid.uuid4().hex},
    )
    choose_files_again = False
    if request.method == "POST":
        if form.is_valid():
            try:
                # The same form sent twice returns the comment its first sending made.
                comment = services.comment_save_draft(
                    organisation=organisation,
                    dialogue=dialogue,
                    by=request.user,
                    form_token=form.cleaned_data["form_token"],
                    attachments=form.cleaned_data["attachments"],
                    kept_files=form.cleaned_data["kept_files"],
                    **form.details(),
                )
            except ValidationError as exc:
                add_service_errors(form, exc, field_for=ABOUT_FIELD_FOR)
            else:
                return _after_save(request, comment, submit="submit" in request.POST)
        choose_files_again = keep_files(request, form, None)
    return _form_page(
        request, form, organisation=organisation, comment=None, choose_files_again=choose_files_again
    )


@login_required
@GET_POST
def comment_edit(request: HttpRequest, organisation_pk: int, pk: int) -> HttpResponse:
    comment = get_comment_for_focal_point(request.user, organisation_pk, pk)
    organisation = comment.organisation
    if comment.state != State.DRAFT:
        if request.method == "POST" and "submit" in request.POST and comment.state == State.SUBMITTED:
            # "Save and submit" sent twice: the first one did both.
            return redirect("submissions:mine", organisation.pk, comment.pk)
        if request.method == "GET":
            messages.error(
                request,
                _("Only a draft can be changed; this comment is %(state)s.")
                % {"state": comment.get_state_display()},
            )
            return redirect("submissions:mine", organisation.pk, comment.pk)
        # A save from a tab opened before the comment was submitted or withdrawn: the
        # service refuses it, and the page keeps what was typed.
    refusal = services.comments_refusal(organisation=organisation, dialogue=comment.dialogue)
    if request.method == "GET" and refusal:
        return render(
            request,
            _template("comment_refused"),
            {
                "organisation": organisation,
                "dialogue": comment.dialogue,
                "comment": comment,
                "refusal": refusal,
                "deadline": _deadline(comment.dialogue),
            },
        )
    form = CommentForm(_data(request), _files(request), dialogue=comment.dialogue, comment=comment)
    choose_files_again = False
    if request.method == "POST":
        if form.is_valid():
            try:
                services.comment_save_draft(
                    organisation=organisation,
                    dialogue=comment.dialogue,
                    by=request.user,
                    comment=comment,
                    attachments=form.cleaned_data["attachments"],
                    kept_files=form.cleaned_data["kept_files"],
                    remove_attachments=[
                        attachment.pk for attachment in form.cleaned_data["remove_attachments"]
                    ],
                    **form.details(),
                )
            except ValidationError as exc:
                add_service_errors(form, exc, field_for=ABOUT_FIELD_FOR)
                # The service set the typed values on the comment before refusing them.
                comment.refresh_from_db()
            else:
                return _after_save(request, comment, submit="submit" in request.POST)
        choose_files_again = keep_files(request, form, comment)
    return _form_page(
        request,
        form,
        organisation=organisation,
        comment=comment,
        attachments=list(_attachments(comment)),
        choose_files_again=choose_files_again,
    )


# --- One comment ----------------------------------------------------------------------------


@login_required
@require_safe
def comment(request: HttpRequest, organisation_pk: int, pk: int) -> HttpResponse:
    comment = get_comment_for_focal_point(request.user, organisation_pk, pk)
    return render(
        request,
        _template("comment"),
        {
            "organisation": comment.organisation,
            "comment": comment,
            "attachments": _attachments(comment),
            "history": history(comment),
            "can_edit": comment.state == State.DRAFT,
            "can_withdraw": comment.state in WITHDRAWABLE,
            "refusal": services.comments_refusal(organisation=comment.organisation, dialogue=comment.dialogue)
            if comment.state == State.DRAFT
            else None,
            "deadline": _deadline(comment.dialogue),
        },
    )


@login_required
@GET_POST
def comment_submit(request: HttpRequest, organisation_pk: int, pk: int) -> HttpResponse:
    """Submitting asks first (GET: what it means, nothing changed); the POST submits."""
    comment = get_comment_for_focal_point(request.user, organisation_pk, pk)
    if comment.state == State.SUBMITTED:
        # A second sending (double click, resent form) finds the first submission.
        return redirect("submissions:mine", organisation_pk, comment.pk)
    if comment.state != State.DRAFT:
        messages.error(
            request,
            _("This comment is %(state)s: it can no longer be submitted.")
            % {"state": comment.get_state_display()},
        )
        return redirect("submissions:mine", organisation_pk, comment.pk)
    form = ConfirmForm(_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            comment = services.comment_submit(comment=comment, by=request.user)
        except ValidationError as exc:
            messages.error(request, _refusal(exc))
        else:
            messages.success(request, _("The comment is submitted. A receipt was e-mailed to you."))
        return redirect("submissions:mine", organisation_pk, comment.pk)
    return render(
        request,
        _template("comment_submit"),
        {
            "organisation": comment.organisation,
            "comment": comment,
            "form": form,
            "attachments": list(_attachments(comment)),
            "recipients": services.comment_receipt_recipients(comment),
            "refusal": services.comments_refusal(
                organisation=comment.organisation, dialogue=comment.dialogue
            ),
            "deadline": _deadline(comment.dialogue),
        },
    )


@login_required
@GET_POST
def comment_withdraw(request: HttpRequest, organisation_pk: int, pk: int) -> HttpResponse:
    comment = get_comment_for_focal_point(request.user, organisation_pk, pk)
    if comment.state not in WITHDRAWABLE:
        messages.error(
            request,
            _("This comment is %(state)s: it can no longer be withdrawn.")
            % {"state": comment.get_state_display()},
        )
        return redirect("submissions:mine", organisation_pk, comment.pk)
    form = ConfirmForm(_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.comment_withdraw(comment=comment, by=request.user)
        except ValidationError as exc:
            messages.error(request, _refusal(exc))
        else:
            messages.success(request, _("The comment is withdrawn."))
        return redirect("submissions:mine", organisation_pk, comment.pk)
    return render(
        request,
        _template("comment_withdraw"),
        {"organisation": comment.organisation, "comment": comment, "form": form},
    )
