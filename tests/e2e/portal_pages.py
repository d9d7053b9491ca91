"""Every page of the portal that renders HTML, with the rows it needs and who sees it.

``PAGES`` is the list the all-pages browser test walks (tests/e2e/test_every_page.py);
``NOT_PAGES`` names the URL patterns that render no page of their own (files, feeds,
POST-only actions that redirect) and why. ``test_every_url_pattern_is_covered`` fails
when a new URL pattern is in neither: add a ``Page`` for it (its URL name, who sees it
and how to build its arguments from the ``Portal`` rows below; add the rows to
``build_portal`` when none fits).
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib.auth import get_user_model
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from dialogue_portal.demo import CHAIR_ID, FIRST_CHAIR_ID, FOCAL_POINT_ID, SECRETARIAT_ID
from dialogue_portal.demo import load as load_demo
from sessions.models import AgendaItem, Dialogue, Intervention, Registration
from stakeholders.models import Accreditation, Organisation, Representative
from submissions.models import WrittenComment
from tests.factories import (
    AccreditationFactory,
    ChairInvitationFactory,
    CirculationListFactory,
    FocalPointFactory,
    InvitationFactory,
    OrganisationFactory,
    RegistrationFactory,
    RepresentativeFactory,
    WrittenCommentFactory,
    admitted_organisation,
)

ANONYMOUS, FOCAL, CHAIR, SECRETARIAT = "anonymous", "focal point", "chair", "secretariat"
# The demo's Chair of the 2022 dialogue, whose summary is approved (CHAIR chairs the upcoming one).
CHAIR_2022 = "chair 2022"


@dataclass
class Portal:
    """The rows the pages are built from: the demo data plus what it lacks."""

    held: Dialogue
    upcoming: Dialogue
    organisation: Organisation  # the demo focal point's, admitted
    applicant: Organisation  # the focal point's, admitted, with no application
    pending: Organisation  # the focal point's second one, its accreditation submitted
    other: Organisation  # one the focal point may ask to join
    registered: Organisation  # registered by the secretariat: no focal point, no accreditation
    representative: Representative
    registration: Registration  # the focal point's application to the upcoming dialogue
    intervention: Intervention
    draft: WrittenComment
    published: WrittenComment
    submitted: WrittenComment
    accreditation: Accreditation
    circulation_list_pk: int
    invitation_token: str
    held_chair_pk: int  # the held dialogue's Chair
    chair_invitation_token: str  # to that Chair, at the focal point's address
    agenda_item: AgendaItem
    totp_secret: str


def build_portal() -> Portal:
    load_demo(accounts=True)
    User = get_user_model()
    focal_user = User.objects.get(pk=FOCAL_POINT_ID)
    held = Dialogue.objects.get(state=Dialogue.State.HELD)
    upcoming = Dialogue.objects.get(state=Dialogue.State.OPEN)
    organisation = Organisation.objects.get(focal_points__user=focal_user)
    representative = RepresentativeFactory(organisation=organisation, name="Ana María Pérez Rodríguez")
    registration = RegistrationFactory(
        dialogue=upcoming,
        organisation=organisation,
        representatives=[representative],
        state=Registration.State.APPROVED,
    )
    agenda_item = upcoming.agenda_items.order_by("number").first()
    intervention = Intervention.objects.create(
        registration=registration, agenda_item=agenda_item, speaker=representative, topic="Firearms marking"
    )
    # An admitted organisation with no application yet: the form to apply shows.
    applicant = FocalPointFactory(user=focal_user, organisation=admitted_organisation()).organisation
    RepresentativeFactory(organisation=applicant)
    pending = FocalPointFactory(user=focal_user, organisation=OrganisationFactory()).organisation
    accreditation = AccreditationFactory(organisation=pending, state=Accreditation.State.SUBMITTED)
    circulated = AccreditationFactory(
        organisation=OrganisationFactory(), state=Accreditation.State.CIRCULATED
    )
    other = Organisation.objects.exclude(pk=organisation.pk).exclude(focal_points__user=focal_user).first()
    invitation = InvitationFactory(
        organisation=other, email=focal_user.email, invited_by=User.objects.get(pk=SECRETARIAT_ID)
    )
    held_chair = held.chairs.order_by("order", "id").first()
    chair_invitation = ChairInvitationFactory(
        chair=held_chair, email=focal_user.email, invited_by=User.objects.get(pk=SECRETARIAT_ID)
    )
    draft = WrittenCommentFactory(dialogue=upcoming, organisation=organisation, author=focal_user)
    secretariat = User.objects.get(pk=SECRETARIAT_ID)
    totp_secret = generate_totp_secret()
    TOTP.activate(secretariat, totp_secret)
    RecoveryCodes.activate(secretariat)
    registered = OrganisationFactory()
    return Portal(
        registered=registered,
        held=held,
        upcoming=upcoming,
        organisation=organisation,
        applicant=applicant,
        pending=pending,
        other=other,
        representative=representative,
        registration=registration,
        intervention=intervention,
        draft=draft,
        published=WrittenComment.objects.filter(state=WrittenComment.State.PUBLISHED).first(),
        submitted=WrittenComment.objects.filter(state=WrittenComment.State.SUBMITTED).first(),
        accreditation=accreditation,
        circulation_list_pk=circulated.circulation_list_id or CirculationListFactory().pk,
        invitation_token=invitation.token,
        held_chair_pk=held_chair.pk,
        chair_invitation_token=chair_invitation.token,
        agenda_item=agenda_item,
        totp_secret=totp_secret,
    )


LOGINS = {
    FOCAL: "focal.point@example.org",
    CHAIR: "chair@example.org",
    CHAIR_2022: "chair.2022@example.org",
    SECRETARIAT: "secretariat@example.org",
}
DEMO_USER_IDS = {
    FOCAL: FOCAL_POINT_ID,
    CHAIR: CHAIR_ID,
    CHAIR_2022: FIRST_CHAIR_ID,
    SECRETARIAT: SECRETARIAT_ID,
}


@dataclass
class Page:
    """One page to visit: ``name`` is the URL name, ``args`` builds its arguments from the
    ``Portal``; ``refuse`` is a dict of field values (by CSS selector) to submit before
    looking, so that the page shows its error summary after a refused save."""

    name: str
    role: str
    args: Callable[[Portal], tuple] = lambda portal: ()
    query: str = ""
    refuse: dict | None = None
    label: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def title(self) -> str:
        return self.label or self.name + (" (refused save)" if self.refuse is not None else "")


def _org(portal):
    return (portal.organisation.pk,)


PAGES = [
    # --- Public ---------------------------------------------------------------------
    Page("home", ANONYMOUS),
    Page("dialogue_detail", ANONYMOUS, lambda p: (p.held.pk,)),
    Page("dialogue_detail", ANONYMOUS, lambda p: (p.upcoming.pk,), label="dialogue_detail (upcoming)"),
    Page("stakeholders:directory", ANONYMOUS),
    Page("submissions:list", ANONYMOUS),
    Page("submissions:list", ANONYMOUS, query="?q=firearms&sort=oldest", label="submissions:list (filtered)"),
    Page("submissions:detail", ANONYMOUS, lambda p: (p.published.pk,)),
    # The demo publishes the 2022 dialogue's CRP: its page above links it, and these list it.
    Page("reports:documents", ANONYMOUS),
    Page("reports:documents", ANONYMOUS, query="?year=2022", label="reports:documents (filtered)"),
    Page("reports:documents", ANONYMOUS, query="?year=1999", label="reports:documents (value not offered)"),
    # --- Accounts (allauth) ---------------------------------------------------------
    Page("account_login", ANONYMOUS),
    Page("account_login", ANONYMOUS, refuse={"#id_login": "nobody@example.org", "#id_password": "wrong"}),
    Page("account_signup", ANONYMOUS),
    Page("account_signup", ANONYMOUS, refuse={"#id_email": "not-an-address"}),
    Page("account_reset_password", ANONYMOUS),
    Page("account_reset_password", ANONYMOUS, refuse={"#id_email": ""}),
    Page("account_reset_password_done", ANONYMOUS),
    Page("account_reset_password_from_key", ANONYMOUS, lambda p: ("0", "bad-key")),
    Page("account_reset_password_from_key_done", ANONYMOUS),
    Page("account_confirm_email", ANONYMOUS, lambda p: ("bad-key",)),
    Page("account_email_verification_sent", ANONYMOUS),
    Page("account_inactive", ANONYMOUS),
    Page("account_confirm_login_code", ANONYMOUS),
    Page("account_email", FOCAL),
    Page("account_email", FOCAL, refuse={"#id_email": "not-an-address"}),
    Page("account_change_password", FOCAL),
    Page("account_change_password", FOCAL, refuse={"#id_oldpassword": "wrong"}),
    Page("account_set_password", FOCAL),
    Page("account_reauthenticate", FOCAL),
    Page("account_request_reauthentication_code", FOCAL),
    Page("account_confirm_reauthentication_code", FOCAL),
    Page("account_logout", FOCAL),
    Page("mfa_index", FOCAL),
    Page("mfa_activate_totp", FOCAL),
    Page("mfa_index", SECRETARIAT, label="mfa_index (with an authenticator)"),
    Page("mfa_view_recovery_codes", SECRETARIAT),
    Page("mfa_generate_recovery_codes", SECRETARIAT),
    Page("mfa_deactivate_totp", SECRETARIAT),
    Page("mfa_reauthenticate", SECRETARIAT),
    Page("mfa_authenticate", SECRETARIAT),
    # --- Focal point ----------------------------------------------------------------
    Page("stakeholders:mine", FOCAL),
    Page("stakeholders:register", FOCAL),
    Page("stakeholders:register", FOCAL, refuse={}),
    Page("stakeholders:join", FOCAL, lambda p: (p.other.pk,)),
    Page("stakeholders:invitation_accept", FOCAL, lambda p: (p.invitation_token,)),
    Page("stakeholders:manage", FOCAL, _org),
    Page("stakeholders:manage", FOCAL, lambda p: (p.pending.pk,), label="stakeholders:manage (submitted)"),
    Page("stakeholders:edit", FOCAL, _org),
    Page("stakeholders:edit", FOCAL, _org, refuse={"#id_name": ""}),
    Page("stakeholders:representative_add", FOCAL, _org),
    Page("stakeholders:representative_add", FOCAL, _org, refuse={}),
    Page("stakeholders:representative_edit", FOCAL, lambda p: (p.organisation.pk, p.representative.pk)),
    Page("stakeholders:representative_remove", FOCAL, lambda p: (p.organisation.pk, p.representative.pk)),
    Page("stakeholders:accreditation_withdraw", FOCAL, lambda p: (p.pending.pk,)),
    Page("stakeholders:invite", FOCAL, _org),
    Page("stakeholders:invite", FOCAL, _org, refuse={"#id_email": "not-an-address"}),
    Page("stakeholders:leave", FOCAL, _org),
    Page("apply", FOCAL, query="?organisation={organisation}"),
    Page("apply", FOCAL, query="?organisation={applicant}", label="apply (the form)"),
    Page("apply", FOCAL, query="?organisation={applicant}", refuse={}),
    Page("my_applications", FOCAL, _org),
    Page("my_application", FOCAL, lambda p: (p.organisation.pk, p.registration.pk)),
    Page("my_application_withdraw", FOCAL, lambda p: (p.organisation.pk, p.registration.pk)),
    Page("my_floor_request", FOCAL, lambda p: (p.organisation.pk, p.registration.pk)),
    Page("my_floor_withdraw", FOCAL, lambda p: (p.organisation.pk, p.intervention.pk)),
    Page("submissions:my_comments", FOCAL, _org),
    Page("submissions:new", FOCAL, _org),
    Page("submissions:new", FOCAL, _org, query="?dialogue={upcoming}", label="submissions:new (form)"),
    Page("submissions:mine", FOCAL, lambda p: (p.organisation.pk, p.draft.pk)),
    Page("submissions:edit", FOCAL, lambda p: (p.organisation.pk, p.draft.pk)),
    Page("submissions:edit", FOCAL, lambda p: (p.organisation.pk, p.draft.pk), refuse={"#id_title": ""}),
    Page("submissions:withdraw", FOCAL, lambda p: (p.organisation.pk, p.draft.pk)),
    # --- Chair ----------------------------------------------------------------------
    Page("my_dialogues", CHAIR),
    Page("chair_invitation", ANONYMOUS, lambda p: (p.chair_invitation_token,)),
    Page(
        "chair_invitation", FOCAL, lambda p: (p.chair_invitation_token,), label="chair_invitation (invitee)"
    ),
    Page("staff_speakers", CHAIR, lambda p: (p.upcoming.pk,), label="staff_speakers (Chair)"),
    # The Chair's summary (reports/): the upcoming dialogue's is empty, the 2022 one's approved.
    Page("reports:summary", CHAIR, lambda p: (p.upcoming.pk,), label="reports:summary (Chair, empty)"),
    Page(
        "reports:summary_revisions",
        CHAIR,
        lambda p: (p.upcoming.pk,),
        label="reports:summary_revisions (none)",
    ),
    Page("reports:summary", CHAIR_2022, lambda p: (p.held.pk,), label="reports:summary (Chair, approved)"),
    Page(
        "reports:summary_revisions",
        CHAIR_2022,
        lambda p: (p.held.pk,),
        label="reports:summary_revisions (Chair)",
    ),
    Page(
        "reports:summary_revision",
        CHAIR_2022,
        lambda p: (p.held.pk, 1),
        label="reports:summary_revision (Chair)",
    ),
    Page(
        "reports:summary_action",
        CHAIR_2022,
        lambda p: (p.held.pk, "reopen"),
        label="reports:summary_action reopen (Chair)",
    ),
    # --- Secretariat ----------------------------------------------------------------
    Page("staff_dashboard", SECRETARIAT),
    Page("stakeholders:staff_queue", SECRETARIAT),
    Page("stakeholders:staff_accreditation", SECRETARIAT, lambda p: (p.accreditation.pk,)),
    Page("stakeholders:staff_circulation_lists", SECRETARIAT),
    Page("stakeholders:staff_circulation_lists", SECRETARIAT, refuse={}),
    Page("stakeholders:staff_circulation_list", SECRETARIAT, lambda p: (p.circulation_list_pk,)),
    Page("submissions:staff_queue", SECRETARIAT),
    Page("submissions:staff_comment", SECRETARIAT, lambda p: (p.submitted.pk,)),
    Page("staff_calendar", SECRETARIAT),
    Page("staff_dialogue", SECRETARIAT, lambda p: (p.upcoming.pk,)),
    Page("staff_dialogue", SECRETARIAT, lambda p: (p.held.pk,), label="staff_dialogue (held)"),
    Page("staff_applications", SECRETARIAT, lambda p: (p.upcoming.pk,)),
    Page("staff_applications", SECRETARIAT, lambda p: (p.held.pk,), label="staff_applications (held)"),
    Page("staff_application", SECRETARIAT, lambda p: (p.upcoming.pk, p.registration.pk)),
    Page("staff_attendance", SECRETARIAT, lambda p: (p.held.pk,)),
    Page("staff_figures", SECRETARIAT, lambda p: (p.held.pk,)),
    Page("staff_speakers", SECRETARIAT, lambda p: (p.upcoming.pk,)),
    Page("reports:staff_summaries", SECRETARIAT),
    Page(
        "reports:staff_summaries",
        SECRETARIAT,
        query="?state=approved",
        label="reports:staff_summaries (approved)",
    ),
    Page(
        "reports:summary",
        SECRETARIAT,
        lambda p: (p.upcoming.pk,),
        label="reports:summary (secretariat, empty)",
    ),
    Page(
        "reports:summary",
        SECRETARIAT,
        lambda p: (p.held.pk,),
        label="reports:summary (secretariat, approved)",
    ),
    Page(
        "reports:summary",
        SECRETARIAT,
        # The upcoming dialogue's: the 2022 summary is published, its symbol fixed.
        lambda p: (p.upcoming.pk,),
        refuse={"#id_symbol": "not a symbol"},
        label="reports:summary (symbol refused)",
    ),
    Page("reports:summary_revisions", SECRETARIAT, lambda p: (p.held.pk,)),
    Page("reports:summary_revision", SECRETARIAT, lambda p: (p.held.pk, 1)),
    Page(
        "reports:summary_compare",
        SECRETARIAT,
        lambda p: (p.held.pk,),
        label="reports:summary_compare (the form)",
    ),
    Page("reports:summary_compare", SECRETARIAT, lambda p: (p.held.pk,), query="?old=1&new=1"),
    # Confirmation pages of the moves that cannot be undone (state_change).
    Page("staff_dialogue_action", SECRETARIAT, lambda p: (p.upcoming.pk, "cancel")),
    Page(
        "staff_dialogue_action",
        SECRETARIAT,
        lambda p: (p.upcoming.pk, "cancel"),
        refuse={},
        label="staff_dialogue_action cancel (refused)",
    ),
    Page(
        "staff_dialogue_action",
        SECRETARIAT,
        lambda p: (p.upcoming.pk, "close"),
        label="staff_dialogue_action close",
    ),
    Page("staff_application_action", SECRETARIAT, lambda p: (p.upcoming.pk, p.registration.pk, "decline")),
    Page("stakeholders:staff_accreditation_action", SECRETARIAT, lambda p: (p.accreditation.pk, "reject")),
    Page("submissions:staff_action", SECRETARIAT, lambda p: (p.submitted.pk, "reject")),
    Page("reports:summary_action", SECRETARIAT, lambda p: (p.held.pk, "reopen")),
    Page(
        "reports:summary_action",
        SECRETARIAT,
        lambda p: (p.held.pk, "reopen"),
        refuse={},
        label="reports:summary_action reopen (refused)",
    ),
    Page(
        "submissions:staff_action",
        SECRETARIAT,
        lambda p: (p.published.pk, "unpublish"),
        label="submissions:staff_action unpublish",
    ),
    # The desk: acting on an organisation's behalf.
    Page("stakeholders:staff_organisations", SECRETARIAT),
    Page("stakeholders:staff_organisation_register", SECRETARIAT),
    Page("stakeholders:staff_organisation_register", SECRETARIAT, refuse={}),
    Page("stakeholders:staff_organisation", SECRETARIAT, lambda p: (p.registered.pk,)),
    Page(
        "stakeholders:staff_organisation",
        SECRETARIAT,
        lambda p: (p.organisation.pk,),
        label="staff_organisation (admitted)",
    ),
    Page("stakeholders:staff_organisation_edit", SECRETARIAT, lambda p: (p.registered.pk,)),
    Page("stakeholders:staff_organisation_invite", SECRETARIAT, lambda p: (p.registered.pk,)),
    Page("stakeholders:staff_organisation_invite", SECRETARIAT, lambda p: (p.registered.pk,), refuse={}),
    Page("stakeholders:staff_representative_add", SECRETARIAT, lambda p: (p.registered.pk,)),
    Page("stakeholders:staff_representative_add", SECRETARIAT, lambda p: (p.registered.pk,), refuse={}),
    Page("stakeholders:staff_accreditation_record", SECRETARIAT, lambda p: (p.registered.pk,)),
    Page(
        "stakeholders:staff_accreditation_record",
        SECRETARIAT,
        lambda p: (p.registered.pk,),
        refuse={"#id_received_at": "2999-01-01"},
    ),
    Page("stakeholders:staff_accreditation_decision", SECRETARIAT, lambda p: (p.pending.pk,)),
    Page("submissions:staff_record", SECRETARIAT),
    Page(
        "submissions:staff_record",
        SECRETARIAT,
        query="?organisation={organisation}",
        label="submissions:staff_record (chosen)",
    ),
    # Recording after the fact (sessions/views/staff/recording.py); the import's preview
    # answers a POST only: tests/e2e/test_record_held_dialogue.py audits it.
    Page("staff_session_new", SECRETARIAT),
    Page("staff_session_new", SECRETARIAT, refuse={}),
    Page("staff_dialogue_record", SECRETARIAT),
    Page("staff_dialogue_record", SECRETARIAT, refuse={}),
    Page("staff_dialogue_recording", SECRETARIAT, lambda p: (p.held.pk,)),
    Page("staff_record_as_held", SECRETARIAT, lambda p: (p.held.pk,)),
    Page("staff_dialogue_chairs", SECRETARIAT, lambda p: (p.held.pk,)),
    Page("staff_dialogue_chairs", SECRETARIAT, lambda p: (p.held.pk,), refuse={}),
    Page("staff_dialogue_chair_link", SECRETARIAT, lambda p: (p.held.pk, p.held_chair_pk)),
    Page(
        "staff_dialogue_chair_link",
        SECRETARIAT,
        lambda p: (p.held.pk, p.held_chair_pk),
        refuse={"#id_email": "nobody@example.org"},
    ),
    Page("staff_dialogue_chair_invite", SECRETARIAT, lambda p: (p.held.pk, p.held_chair_pk)),
    Page(
        "staff_dialogue_chair_invite",
        SECRETARIAT,
        lambda p: (p.held.pk, p.held_chair_pk),
        refuse={"#id_email": "not-an-address"},
    ),
    Page("staff_record_application", SECRETARIAT, lambda p: (p.held.pk,)),
    Page(
        "staff_record_application",
        SECRETARIAT,
        lambda p: (p.held.pk,),
        query="?organisation={applicant}",
        refuse={},
        label="staff_record_application (chosen, refused)",
    ),
    Page(
        "staff_record_decision",
        SECRETARIAT,
        lambda p: (p.held.pk, p.held.registrations.order_by("pk").first().pk),
    ),
    Page("staff_import", SECRETARIAT, lambda p: (p.held.pk,)),
    Page("staff_import", SECRETARIAT, lambda p: (p.held.pk,), refuse={}, label="staff_import (refused)"),
]

# URL patterns that render no page of their own, and why.
NOT_PAGES = {
    "healthz": "plain-text health check",
    "favicon": "redirects to the static icon",
    "landing": "redirects to the page of the user's role (LOGIN_REDIRECT_URL)",
    "set_language": "POST-only, redirects",
    "dialogue_ics": "iCalendar file",
    "upcoming_ics": "iCalendar file",
    "submissions:feed": "RSS feed",
    "submissions:dialogue_feed": "RSS feed",
    "submissions:export": "CSV file",
    "submissions:attachment": "uploaded file",
    "stakeholders:staff_circulation_list_csv": "CSV file",
    "stakeholders:staff_circulation_list_pdf": "PDF file",
    "mfa_download_recovery_codes": "text file",
    "stakeholders:accreditation_request": "POST-only, redirects to the organisation's page",
    "stakeholders:accreditation_resubmit": "POST-only, redirects to the organisation's page",
    "stakeholders:join_request_decide": "POST-only, redirects to the organisation's page",
    "submissions:submit": "POST-only, redirects to the comment",
    "staff_agenda_move": "POST-only, redirects to staff_dialogue",
    "staff_speaker_action": "POST-only, redirects to staff_speakers",
    "staff_dialogue_chair_remove": "POST-only, redirects to staff_dialogue_chairs",
    "staff_dialogue_chair_unlink": "POST-only, redirects to staff_dialogue_chairs",
    "staff_import_confirm": "POST-only: the import's preview, audited by test_record_held_dialogue.py",
    "staff_import_template": "CSV file",
    "reports:summary_preview": "POST-only: the editor's preview fragment, audited by test_summary.py",
    "reports:summary_from_data": "POST-only, redirects to reports:summary",
    "reports:summary_symbol": "POST-only, redirects to reports:summary (a refusal: its Page above)",
    "reports:summary_restore": "POST-only, redirects to reports:summary",
    "reports:summary_pdf": "PDF file, read back by tests/reports/test_crp_*.py",
    "reports:summary_generate": "POST-only, redirects to reports:summary",
    "reports:summary_document_status": "JSON for the page's script, tested by test_crp_pipeline.py",
    "reports:summary_document_pdf": "PDF file, tested by test_crp_pipeline.py",
    "reports:summary_revision_pdf": "PDF file, read back by tests/reports/test_crp_*.py",
    "reports:document_latest": "PDF file, read back by tests/reports/test_documents_pages.py",
    "reports:document_revision": "PDF file, read back by tests/reports/test_documents_pages.py",
    "reports:documents_feed": "Atom feed, parsed by tests/reports/test_documents_pages.py",
}


def url_names() -> set[str]:
    """The name of every URL pattern of the project, the Django admin's aside."""

    def walk(patterns, namespace):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.app_name == "admin":
                    continue
                inner = ":".join(filter(None, [namespace, pattern.namespace]))
                yield from walk(pattern.url_patterns, inner)
            elif isinstance(pattern, URLPattern) and pattern.name:
                yield ":".join(filter(None, [namespace, pattern.name]))

    return set(walk(get_resolver().url_patterns, ""))


def fill_query(page: Page, portal: Portal) -> str:
    return page.query.format(
        organisation=portal.organisation.pk, applicant=portal.applicant.pk, upcoming=portal.upcoming.pk
    )


def page_url(page: Page, portal: Portal) -> str:
    return reverse(page.name, args=page.args(portal)) + fill_query(page, portal)
