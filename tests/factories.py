import datetime
import zoneinfo

import factory
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from dialogue_portal.roles import SECRETARIAT_GROUP
from sessions.models import AgendaItem, Dialogue, DialogueChair, WorkingGroup, WorkingGroupSession

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


class DialogueChairFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DialogueChair

    dialogue = factory.SubFactory(DialogueFactory)
    honorific = DialogueChair.Honorific.MS
    name = factory.Sequence(lambda n: f"Chair Person {n}")
    title = "Ambassador"
    country = "AT"
    role = "the Chair of the Working Group"


class AgendaItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgendaItem

    dialogue = factory.SubFactory(DialogueFactory)
    number = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Agenda item {n + 1}")
