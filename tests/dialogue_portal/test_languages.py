"""The portal in the six official languages, as its readers meet it: pages with no English
left in them, plural forms right for Russian and Arabic, e-mails in the language each
recipient chose, and content that keeps its own language whatever the interface's."""

import datetime
import functools
import re
from html.parser import HTMLParser

import pytest
from django.core import mail
from django.urls import reverse

from dialogue_portal.models import Profile
from dialogue_portal.transitions import record
from sessions.models import Dialogue, Registration
from submissions.models import WrittenComment
from tests.dialogue_portal.test_translations import CATALOG, ROOT, _po_entries
from tests.factories import (
    DialogueChairFactory,
    DialogueFactory,
    FocalPointFactory,
    RegistrationFactory,
    UserFactory,
    WorkingGroupFactory,
    WorkingGroupSessionFactory,
    WrittenCommentFactory,
    admitted_organisation,
)

# Django's language codes of the five translated languages, and their locale folders.
LANGUAGES = {"fr": "fr", "es": "es", "ru": "ru", "ar": "ar", "zh-hans": "zh_Hans"}
PASSWORD = "a long enough pass 42"  # noqa: S105 (a test account's)
PLACEHOLDER = re.compile(r"%\([a-z_0-9]+\)[sdif]|%[sd]")


def _visit(client, language: str, url: str) -> str:
    client.cookies["django_language"] = language
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


# --- No English left ------------------------------------------------------------------


class _Texts(HTMLParser):
    """The text of every element (its descendants' text joined, as it reads) and of the
    attributes people read (title, label, placeholder, alt), except inside an element
    whose ``lang`` is not the page's (``<html lang>``): there the text is in its own
    language on purpose (a comment in English, each language's name in the switcher)."""

    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
    READ = {"title", "aria-label", "placeholder", "alt"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.language = ""
        self.open: list[list] = []  # [tag, text parts, in another language]
        self.texts: list[str] = []

    def _foreign(self) -> bool:
        return bool(self.open) and self.open[-1][2]

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        lang = attrs.get("lang")
        if tag == "html":
            self.language, lang = (lang or "").lower(), None
        foreign = self._foreign() or (lang is not None and lang.lower()[:2] != self.language[:2])
        if not foreign:
            self.texts += [value for name, value in attrs.items() if name in self.READ and value]
            if tag == "input" and attrs.get("type") in {"submit", "button"} and attrs.get("value"):
                self.texts.append(attrs["value"])
        if tag not in self.VOID:
            self.open.append([tag, [], foreign])

    def handle_endtag(self, tag):
        while self.open:
            name, parts, foreign = self.open.pop()
            text = "".join(parts)
            if self.open and not self.open[-1][2]:
                self.open[-1][1].append(text)
            if not foreign:
                self.texts.append(text)
            if name == tag:
                break

    def handle_data(self, data):
        if self.open and not self._foreign():
            self.open[-1][1].append(data)


def _normal(text: str) -> str:
    return " ".join(text.split())


@functools.cache
def _untranslated_english(language: str) -> tuple[frozenset[str], tuple[re.Pattern, ...]]:
    """The English messages that ``language`` translates to something else: the exact
    ones, and those with placeholders as patterns (a placeholder matching anything)."""
    english = _po_entries(ROOT / CATALOG / "django.po")
    translated = _po_entries(ROOT / "locale" / LANGUAGES[language] / "LC_MESSAGES" / "django.po")
    exact, patterns = set(), []
    for key in english:
        _context, msgid, plural = key
        for message in filter(None, (msgid, plural)):
            message = _normal(message)
            # Markup, and messages that are the same in both languages ("PDF", a symbol).
            if "<" in message or not re.search(r"[A-Za-z]{3}", PLACEHOLDER.sub("", message)):
                continue
            if message in (_normal(form) for form in translated[key][1]):
                continue
            if PLACEHOLDER.search(message):
                parts = PLACEHOLDER.split(message)
                patterns.append(re.compile(".+?".join(re.escape(part) for part in parts)))
            else:
                exact.add(message)
    return frozenset(exact), tuple(patterns)


def _english_left(page: str, language: str) -> list[str]:
    """The English messages of the catalog that the page shows untranslated: an element's
    whole text, or an attribute, that is one of them."""
    exact, patterns = _untranslated_english(language)
    parser = _Texts()
    parser.feed(page)
    found = []
    for text in {_normal(text) for text in parser.texts if text.strip()}:
        if text in exact or any(pattern.fullmatch(text) for pattern in patterns):
            found.append(text)
    return sorted(found)


@pytest.fixture
def portal(db):
    """What the four pages show: an open dialogue and a published comment in English."""
    dialogue = DialogueFactory(state=Dialogue.State.OPEN)
    organisation = admitted_organisation(name="Coalition for Safer Communities", acronym="CSC")
    WrittenCommentFactory(
        dialogue=dialogue, organisation=organisation, state="published", title="Tracing seized firearms"
    )
    return organisation


@pytest.mark.parametrize("language", LANGUAGES)
def test_home_and_comments_list_have_no_english_left(client, portal, language):
    for url in (reverse("home"), reverse("submissions:list")):
        page = _visit(client, language, url)
        assert f'<html lang="{language}"' in page
        assert _english_left(page, language) == [], url


@pytest.mark.parametrize("language", LANGUAGES)
def test_registration_form_has_no_english_left_even_when_refused(client, user, language):
    client.force_login(user)
    page = _visit(client, language, reverse("stakeholders:register"))
    assert _english_left(page, language) == []
    refused = client.post(reverse("stakeholders:register"), {"name": ""}).content.decode()
    assert 'class="error-summary"' in refused
    assert _english_left(refused, language) == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_staff_dashboard_has_no_english_left(secretariat_client, portal, language):
    page = _visit(secretariat_client, language, reverse("staff_dashboard"))
    assert _english_left(page, language) == []


def test_the_check_finds_english_where_there_is_some(client, portal):
    """The test above can fail: an English page read as French is full of English."""
    page = _visit(client, "en", reverse("submissions:list"))
    left = _english_left(page, "fr")
    assert "Written comments" in left
    assert "1 written comment" in left


# --- Plural forms ---------------------------------------------------------------------


def _count_line(client, language: str) -> str:
    page = _visit(client, language, reverse("submissions:list"))
    return _normal(re.search(r'<p role="status">(.*?)</p>', page, re.S)[1])


def _count_lines(client, language: str, totals: tuple[int, ...]) -> list[str]:
    """The comments list's count, read after publishing up to each of ``totals``."""
    dialogue, organisation = DialogueFactory(state=Dialogue.State.OPEN), admitted_organisation()
    seen = []
    for total in totals:
        WrittenCommentFactory.create_batch(
            total - WrittenComment.objects.count(),
            dialogue=dialogue,
            organisation=organisation,
            state="published",
        )
        seen.append(_count_line(client, language))
    return seen


def test_russian_counts_take_their_three_forms(client, db):
    assert _count_lines(client, "ru", (1, 2, 5, 21)) == [
        "1 письменный комментарий",
        "2 письменных комментария",
        "5 письменных комментариев",
        "21 письменный комментарий",
    ]


def test_arabic_counts_take_their_six_forms(client, db):
    assert _count_lines(client, "ar", (0, 1, 2, 3, 11, 100)) == [
        "لا توجد تعليقات مكتوبة",
        "تعليق مكتوب واحد",
        "تعليقان مكتوبان",
        "3 تعليقات مكتوبة",
        "11 تعليقًا مكتوبًا",
        "100 تعليق مكتوب",
    ]


# --- E-mail in the recipient's language -------------------------------------------------


def test_sign_up_stores_the_language_it_was_made_in(client, db):
    client.cookies["django_language"] = "es"
    response = client.post(
        reverse("account_signup"),
        {"email": "marta@ong.example", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 302
    assert Profile.objects.get(user__email="marta@ong.example").language == "es"
    # allauth's confirmation, sent in the same request, is in Spanish too.
    (confirmation,) = mail.outbox
    assert confirmation.subject == (
        "[Portal de diálogos] Por favor, confirme su dirección de correo electrónico"
    )


def test_language_switch_of_a_signed_in_user_is_stored(client, user):
    client.force_login(user)
    client.post(reverse("set_language"), {"language": "ru", "next": "/"})
    assert Profile.objects.get(user=user).language == "ru"
    client.post(reverse("set_language"), {"language": "xx", "next": "/"})
    assert Profile.objects.get(user=user).language == "ru", "a language the portal does not offer is ignored"


def test_switch_of_an_anonymous_visitor_stores_nothing(client, db):
    client.post(reverse("set_language"), {"language": "ru", "next": "/"})
    assert not Profile.objects.exists()


@pytest.fixture
def comments_of_two_authors(db):
    dialogue = DialogueFactory(state=Dialogue.State.OPEN)
    organisation = admitted_organisation(name="Observatorio de Armas", acronym="ODA")
    comments = {}
    for language in ("fr", "ru"):
        author = FocalPointFactory(organisation=organisation, user__email=f"{language}@oda.example").user
        Profile.objects.create(user=author, language=language)
        comments[language] = WrittenCommentFactory(
            dialogue=dialogue, organisation=organisation, author=author, state="submitted", title=language
        )
    return comments


def test_email_goes_out_in_the_recipients_language_not_the_senders(
    secretariat_client, comments_of_two_authors, django_capture_on_commit_callbacks
):
    # The secretariat works in Spanish; each author reads their own language.
    secretariat_client.cookies["django_language"] = "es"
    for comment in comments_of_two_authors.values():
        with django_capture_on_commit_callbacks(execute=True):
            secretariat_client.post(reverse("submissions:staff_action", args=[comment.pk, "publish"]))
    by_recipient = {email.to[0]: email for email in mail.outbox}
    french, russian = by_recipient["fr@oda.example"], by_recipient["ru@oda.example"]
    tracking = comments_of_two_authors["fr"].tracking_number
    # French puts a no-break space before ":".
    assert french.subject == f"[Portail des dialogues] Publié\u00a0: {tracking}"
    assert "Publicado" not in french.body
    assert russian.subject.startswith("[Портал диалогов] Опубликован")
    assert re.search("[а-я]{4}", russian.body)


def test_email_to_an_address_with_no_account_is_in_english(db, django_capture_on_commit_callbacks):
    from dialogue_portal.mail import send_templated

    UserFactory(email="someone@else.example")  # an account with no profile: English too
    with django_capture_on_commit_callbacks(execute=True):
        send_templated(
            "submissions/email/comment_decided",
            ["nobody@ngo.example", "someone@else.example"],
            {"state": "published", "tracking_number": "WC-1"},
        )
    assert sorted(email.subject for email in mail.outbox) == ["[Dialogue Portal] Published: WC-1"] * 2


# --- Content keeps its own language -------------------------------------------------------


@pytest.mark.parametrize("interface", ["en", "ar"])
def test_russian_comment_is_marked_russian_whatever_the_interface(client, db, interface):
    comment = WrittenCommentFactory(
        state="published", language="ru", title="Отслеживание оружия", body="Первый абзац."
    )
    page = _visit(client, interface, reverse("submissions:detail", args=[comment.pk]))
    assert '<h1 lang="ru" dir="auto">Отслеживание оружия</h1>' in page
    assert re.search(r'<div class="comment-body" lang="ru" dir="auto">\s*<p>Первый абзац\.</p>', page)
    listed = _visit(client, interface, reverse("submissions:list"))
    assert f'<h2 id="comment-{comment.pk}" lang="ru" dir="auto">' in listed


def test_english_name_in_an_arabic_sentence_is_isolated(secretariat_client, secretariat):
    """On behalf of an organisation: its English name keeps its order inside Arabic text."""
    comment = WrittenCommentFactory(state="submitted", organisation__name="Safer Streets Inc.")
    record(comment, from_state="", to_state="submitted", by=secretariat, on_behalf_of="Safer Streets Inc.")
    page = _visit(secretariat_client, "ar", reverse("staff_dashboard"))
    assert "<bdi>Safer Streets Inc.</bdi>" in page


def test_user_admin_shows_the_accounts_language(secretariat_client, user):
    Profile.objects.create(user=user, language="ar")
    page = secretariat_client.get(reverse("admin:auth_user_change", args=[user.pk])).content.decode()
    assert re.search(r'<div class="readonly">Arabic</div>', page)


def test_chinese_tells_a_chair_from_co_chairs(client, db):
    """Chinese has one plural form; the title of two Co-Chairs is still its own."""
    alone, shared = DialogueFactory(), DialogueFactory()
    DialogueChairFactory(dialogue=alone, name="Ana Uno")
    DialogueChairFactory(dialogue=shared, name="Bo Dos", order=1)
    DialogueChairFactory(dialogue=shared, name="Cy Tres", order=2)
    assert '<h2 id="chair-heading">主席</h2>' in _visit(
        client, "zh-hans", reverse("dialogue_detail", args=[alone.pk])
    )
    page = _visit(client, "zh-hans", reverse("dialogue_detail", args=[shared.pk]))
    assert '<h2 id="chair-heading">共同主席</h2>' in page


@pytest.mark.parametrize(
    ("language", "session", "day"),
    [
        ("fr", "Neuvième session du Groupe de travail sur les armes à feu", "vendredi 6 mai 2022"),
        (
            "es",
            "Noveno período de sesiones del Grupo de Trabajo sobre Armas de Fuego",
            "viernes 6 de mayo de 2022",
        ),
        ("ru", "Девятая сессия (Рабочая группа по огнестрельному оружию)", "Пятница 6 мая 2022 г."),
        ("zh-hans", "枪支问题工作组第九届会议", "星期五 2022年5月6日"),
    ],
)
def test_working_group_ordinal_and_date_read_as_each_language_writes_them(client, db, language, session, day):
    """The official name of the working group, the ordinal in the gender of what it counts,
    the date with the month in its case."""
    group = WorkingGroupFactory(name="Working Group on Firearms")
    held = WorkingGroupSessionFactory(
        working_group=group, number=9, first_day=datetime.date(2022, 5, 4), last_day=datetime.date(2022, 5, 6)
    )
    dialogue = DialogueFactory(session=held)
    page = _normal(_visit(client, language, reverse("dialogue_detail", args=[dialogue.pk])))
    assert session in page
    assert day in page


def test_representative_without_an_account_reads_the_language_of_who_named_them(
    secretariat, django_capture_on_commit_callbacks
):
    from sessions.services.registrations import registration_approve

    registration = RegistrationFactory(dialogue=DialogueFactory(state=Dialogue.State.OPEN))
    focal = FocalPointFactory(organisation=registration.organisation).user
    Profile.objects.create(user=focal, language="es")
    Registration.objects.filter(pk=registration.pk).update(applied_by=focal)
    registration.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        registration_approve(registration=registration, by=secretariat)
    representative = registration.representatives.get()
    (letter,) = [email for email in mail.outbox if email.to == [representative.email]]
    assert letter.subject.startswith("[Portal de diálogos] ")
