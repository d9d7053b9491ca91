"""The secretariat's desk: a written comment received by e-mail, recorded for its organisation.

Behind ``secretariat_required`` (the login page for visitors, 404 for anyone else). The
page asks first whose comment and for which dialogue (a GET form, so that the page can be
linked with both chosen, from an organisation's page or the queue), then the comment's
fields with the time it was received and, for a dialogue already held, its publication.
The comment goes through the focal points' services (``comment_record_received``), on the
organisation's behalf; a refusal is shown next to its field, what was typed kept, and the
files that passed their checks kept too.
"""

import uuid

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from dialogue_portal import dates
from dialogue_portal.roles import secretariat_required
from sessions.models import Dialogue

from .. import services
from ..forms import ABOUT_FIELD_FOR, RecordChooseForm, RecordCommentForm, add_service_errors, error_summary
from .focal import keep_files

GET_POST = require_http_methods(["GET", "POST"])


@secretariat_required
@GET_POST
def record(request: HttpRequest) -> HttpResponse:
    if {"organisation", "dialogue"} <= set(request.GET):
        chooser = RecordChooseForm(request.GET)
    else:
        # Linked from an organisation's page (?organisation=) or a dialogue's: that one chosen.
        chooser = RecordChooseForm(initial=request.GET.dict())
    subjects = chooser.subjects()
    if subjects is None:
        return render(
            request,
            "submissions/staff/record_choose.html",
            {"chooser": chooser, "chooser_errors": error_summary(chooser) if chooser.is_bound else []},
        )
    organisation, dialogue = subjects
    form = RecordCommentForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        dialogue=dialogue,
        organisation=organisation,
        initial={"form_token": uuid.uuid4().hex},
    )
    choose_files_again = False
    if request.method == "POST":
        if form.is_valid():
            try:
                # The same form sent twice returns the comment its first sending recorded.
                comment = services.comment_record_received(
                    organisation=organisation,
                    dialogue=dialogue,
                    by=request.user,
                    form_token=form.cleaned_data["form_token"],
                    attachments=form.cleaned_data["attachments"],
                    kept_files=form.cleaned_data["kept_files"],
                    **form.recording(),
                    **form.details(),
                )
            except ValidationError as exc:
                add_service_errors(form, exc, field_for=ABOUT_FIELD_FOR)
            else:
                messages.success(
                    request,
                    _("The comment of %(organisation)s is recorded, tracking number %(tracking_number)s.")
                    % {"organisation": organisation.name, "tracking_number": comment.tracking_number},
                )
                return redirect("submissions:staff_comment", comment.pk)
        choose_files_again = keep_files(request, form, None)
    form.describe_body()
    return render(
        request,
        "submissions/staff/record.html",
        {
            "organisation": organisation,
            "dialogue": dialogue,
            "form": form,
            "query": request.GET.urlencode(),
            "after_the_fact": dialogue.state == Dialogue.State.HELD,
            "errors": error_summary(form),
            "word_count": form.word_count(),
            "word_count_templates": form.word_count_templates(),
            "choose_files_again": choose_files_again,
            "max_words": number_format(settings.WRITTEN_COMMENT_MAX_WORDS, force_grouping=True),
            "deadline": dates.with_zone(timezone.localtime(dialogue.comments_deadline, dialogue.zone)),
        },
    )
