import datetime
import hashlib
import zoneinfo

import factory
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from dialogue_portal.roles import SECRETARIAT_GROUP
from reports.models import ChairSummary, CrpDocument, SummaryRevision
from sessions.models import (
    AgendaItem,
    ChairInvitation,
    Dialogue,
    DialogueChair,
    Intervention,
    Registration,
    WorkingGroup,
    WorkingGroupSession,
)
from stakeholders.matching import fold_name, registered_domain
from stakeholders.models import (
    Accreditation,
    Category,
    CirculationList,
    EcosocStatus,
    FocalPoint,
    Invitation,
    JoinRequest,
    Organisation,
    Representative,
)
from submissions.models import WrittenComment

VIENNA = zoneinfo.ZoneInfo("Europe/Vienna")
PASSWORD = "correct-horse-battery"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified_email(obj, create, extracted, **kwargs):
        if create:
            EmailAddress.objects.create(user=obj, email=obj.email, verified=True, primary=True)
            obj.save()


class SecretariatFactory(UserFactory):
    is_staff = True

    @factory.post_generation
    def secretariat_group(obj, create, extracted, **kwargs):
        if create:
            obj.groups.add(Group.objects.get(name=SECRETARIAT_GROUP))


class WorkingGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkingGroup

    name = factory.Sequence(lambda n: f"Working Group {n}")
    symbol_prefix = factory.Sequence(lambda n: f"CTOC/COP/WG.{n + 10}")
    slug = factory.Sequence(lambda n: f"working-group-{n}")


class WorkingGroupSessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkingGroupSession

    working_group = factory.SubFactory(WorkingGroupFactory)
    number = factory.Sequence(lambda n: n + 1)
    first_day = datetime.date(2030, 3, 4)
    last_day = datetime.date(2030, 3, 6)


def vienna(day: datetime.date, hour: int = 23, minute: int = 59) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=VIENNA)


class DialogueFactory(factory.django.DjangoModelFactory):
    """A scheduled dialogue on its session's last day, deadlines a week and two before."""

    class Meta:
        model = Dialogue

    session = factory.SubFactory(WorkingGroupSessionFactory)
    date = factory.LazyAttribute(lambda d: d.session.last_day)
    start_time = datetime.time(15, 0)
    end_time = datetime.time(18, 0)
    room = "Boardroom D"
    applications_deadline = factory.LazyAttribute(lambda d: vienna(d.date - datetime.timedelta(days=14)))
    comments_deadline = factory.LazyAttribute(lambda d: vienna(d.date - datetime.timedelta(days=7)))


class HeldDialogueFactory(DialogueFactory):
    """A dialogue already held, in 2023 (6 May), with its deadlines of the time: one the
    secretariat records after the fact."""

    session = factory.SubFactory(
        WorkingGroupSessionFactory, first_day=datetime.date(2023, 5, 3), last_day=datetime.date(2023, 5, 6)
    )
    state = Dialogue.State.HELD


class DialogueChairFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DialogueChair

    dialogue = factory.SubFactory(DialogueFactory)
    honorific = DialogueChair.Honorific.MS
    name = factory.Sequence(lambda n: f"Chair Person {n}")
    title = "Ambassador"
    country = "AT"
    role = "the Chair of the Working Group"


class ChairInvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ChairInvitation

    chair = factory.SubFactory(DialogueChairFactory)
    email = factory.Sequence(lambda n: f"chair{n}@mfa.example.org")
    invited_by = factory.SubFactory(SecretariatFactory)
    expires_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=14))


class AgendaItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgendaItem

    dialogue = factory.SubFactory(DialogueFactory)
    number = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Agenda item {n + 1}")


class RegistrationFactory(factory.django.DjangoModelFactory):
    """An application by an admitted organisation, in state ``applied`` unless told, naming
    one new representative of its organisation unless ``representatives`` are given
    (``representatives__count=2`` for two); ``focal_point=True`` gives the organisation a
    focal point too (who the e-mails about the application go to)."""

    class Meta:
        model = Registration
        skip_postgeneration_save = True

    dialogue = factory.SubFactory(DialogueFactory)
    organisation = factory.LazyFunction(lambda: admitted_organisation())
    expertise = "Research on firearms trafficking."

    @factory.post_generation
    def focal_point(obj, create, extracted, **kwargs):
        if create and extracted:
            FocalPointFactory(organisation=obj.organisation)

    @factory.post_generation
    def representatives(obj, create, extracted, count=1, **kwargs):
        if create:
            obj.representatives.set(
                extracted
                if extracted is not None
                else [RepresentativeFactory(organisation=obj.organisation) for _ in range(count)]
            )


class ApprovedRegistrationFactory(RegistrationFactory):
    """An application the Extended Bureau approved, otherwise as RegistrationFactory."""

    state = Registration.State.APPROVED


class InterventionFactory(factory.django.DjangoModelFactory):
    """A request for the floor by the first representative of an approved application,
    under an agenda item of its dialogue."""

    class Meta:
        model = Intervention

    registration = factory.SubFactory(ApprovedRegistrationFactory)
    agenda_item = factory.SubFactory(
        AgendaItemFactory, dialogue=factory.SelfAttribute("..registration.dialogue")
    )
    speaker = factory.LazyAttribute(lambda i: i.registration.representatives.first())


# --- Stakeholders -----------------------------------------------------------------------


class OrganisationFactory(factory.django.DjangoModelFactory):
    """A registered organisation (no accreditation yet), with its name and domain keys set."""

    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Civil Society Network {n}")
    acronym = factory.Sequence(lambda n: f"CSN{n}")
    category = Category.NGO
    country = "KE"
    ecosoc_status = EcosocStatus.NONE
    # Each its own registered domain: every subdomain of example.org would be one.
    website = factory.Sequence(lambda n: f"https://www.csn{n}.example/")
    postal_address = "1 Example Street, Nairobi"
    description = "Research and advocacy against firearms trafficking."
    name_key = factory.LazyAttribute(lambda o: fold_name(o.name))
    website_domain = factory.LazyAttribute(lambda o: registered_domain(o.website))


class FocalPointFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FocalPoint

    organisation = factory.SubFactory(OrganisationFactory)
    user = factory.SubFactory(UserFactory)


class RepresentativeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Representative

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Representative Person {n}")
    title = "Programme Officer"
    email = factory.Sequence(lambda n: f"rep{n}@ngo.example.org")


class AccreditationFactory(factory.django.DjangoModelFactory):
    """An accreditation in any state; ``circulated``/``objected`` get a circulation list."""

    class Meta:
        model = Accreditation

    organisation = factory.SubFactory(OrganisationFactory)
    state = Accreditation.State.SUBMITTED
    circulation_list = factory.Maybe(
        factory.LazyAttribute(lambda a: a.state in ("circulated", "objected")),
        yes_declaration=factory.SubFactory("tests.factories.CirculationListFactory"),
        no_declaration=None,
    )


class CirculationListFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CirculationList

    reference = factory.Sequence(lambda n: f"NOP/2030/{n + 1}")
    circulated_on = datetime.date(2030, 1, 10)
    deadline = datetime.date(2030, 2, 10)


class JoinRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = JoinRequest

    organisation = factory.SubFactory(OrganisationFactory)
    user = factory.SubFactory(UserFactory)


class InvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Invitation

    organisation = factory.SubFactory(OrganisationFactory)
    email = factory.Sequence(lambda n: f"invitee{n}@ngo.example.org")
    invited_by = factory.SubFactory(UserFactory)


def admitted_organisation(**fields) -> Organisation:
    """An organisation with an admitted accreditation."""
    organisation = OrganisationFactory(**fields)
    AccreditationFactory(organisation=organisation, state=Accreditation.State.ADMITTED)
    return organisation


# --- Written comments ---------------------------------------------------------------------


class WrittenCommentFactory(factory.django.DjangoModelFactory):
    """A draft by a focal point of an admitted organisation (pass ``state`` for others;
    a submitted or later one gets its tracking number)."""

    class Meta:
        model = WrittenComment

    dialogue = factory.SubFactory(DialogueFactory)
    organisation = factory.LazyFunction(lambda: admitted_organisation())
    author = factory.LazyAttribute(lambda c: FocalPointFactory(organisation=c.organisation).user)
    title = factory.Sequence(lambda n: f"Comment {n + 1} on firearms trafficking")
    body = "Civil society holds data on firearms trafficking that the review should use."
    language = "en"
    consent_to_publish = True
    state = WrittenComment.State.DRAFT
    sequence = factory.Maybe(
        factory.LazyAttribute(lambda c: c.state not in ("draft", "withdrawn")),
        yes_declaration=factory.Sequence(lambda n: n + 1),
        no_declaration=None,
    )
    tracking_number = factory.LazyAttribute(
        lambda c: f"WC-2030-{c.dialogue.pk}-{c.sequence}" if c.sequence else None
    )
    received_at = factory.LazyAttribute(lambda c: timezone.now() if c.sequence else None)
    published_at = factory.LazyAttribute(lambda c: timezone.now() if c.state == "published" else None)


class ChairSummaryFactory(factory.django.DjangoModelFactory):
    """A draft summary with no text yet, for a dialogue held on 6 May 2023."""

    class Meta:
        model = ChairSummary

    dialogue = factory.SubFactory(HeldDialogueFactory)
    symbol = factory.Sequence(lambda n: f"CTOC/COP/WG.99/2023/CRP.{n + 1}")


class SummaryRevisionFactory(factory.django.DjangoModelFactory):
    """A revision made current on its summary, as a save makes it."""

    class Meta:
        model = SummaryRevision
        skip_postgeneration_save = True

    summary = factory.SubFactory(ChairSummaryFactory)
    number = factory.LazyAttribute(lambda r: r.summary.revision_count + 1)
    text = "# Introduction\n\nThe first paragraph."
    author = factory.SubFactory(UserFactory)

    @factory.post_generation
    def make_current(obj, create, extracted, **kwargs):
        if create:
            ChairSummary.objects.filter(pk=obj.summary_id).update(
                current_revision=obj, revision_count=obj.number
            )
            obj.summary.refresh_from_db()


# --- CRP documents ------------------------------------------------------------------------
#


def tiny_pdf(text: str) -> bytes:
    """A one-page PDF small enough to write by hand; ``text`` (in a comment) makes its bytes,
    and so its SHA-256 and file name, its own."""
    return (
        b"%PDF-1.4\n%" + text.encode() + b"\n"
        b"1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
        b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
        b"trailer<</Root 1 0 R>>\n%%EOF\n"
    )


class CrpDocumentFactory(factory.django.DjangoModelFactory):
    """A rendered document of its summary's current revision, its file in the default storage
    as the worker leaves it (``crp/<sha256>.pdf``); ``published=True`` publishes it.
    ``correction=N`` makes it /Rev.N of its summary's symbol."""

    class Meta:
        model = CrpDocument

    class Params:
        content = factory.Sequence(lambda n: tiny_pdf(f"document {n}"))
        published = factory.Trait(published_at=factory.LazyFunction(timezone.now))

    summary = factory.SubFactory(ChairSummaryFactory)
    revision = factory.SubFactory(SummaryRevisionFactory, summary=factory.SelfAttribute("..summary"))
    correction = 0
    symbol = factory.LazyAttribute(
        lambda d: f"{d.summary.symbol}/Rev.{d.correction}" if d.correction else d.summary.symbol
    )
    state = CrpDocument.State.SUCCEEDED
    sha256 = factory.LazyAttribute(lambda d: hashlib.sha256(d.content).hexdigest())
    size = factory.LazyAttribute(lambda d: len(d.content))
    pages = 1
    render_seconds = 0.5
    file = factory.LazyAttribute(
        lambda d: default_storage.save(f"crp/{d.sha256}.pdf", ContentFile(d.content))
    )
