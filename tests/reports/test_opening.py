"""The opening of a Chair's summary written from the portal's data, against the reference CRP."""

from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.urls import resolve
from django.utils import translation

from reports.opening import number_style, opening_text
from sessions.models import AgendaItem, Attendance, Dialogue, DialogueChair
from stakeholders.models import Category
from tests.factories import DialogueChairFactory, HeldDialogueFactory

# The reference CRP's paragraphs 3 (but for the address) and 4, word for word.
REFERENCE_3 = (
    "32 non-governmental organizations and 11 other relevant stakeholders (seven from the "
    "Academia and four from the Private Sector) participated in the constructive dialogue. "
    "Written comments that were received in accordance with paragraph 53 of the procedures and "
    "rules for the functioning of the UNTOC review mechanism were made available on the webpage:"
)
REFERENCE_4 = (
    "The first constructive dialogue took place on 6 May, after the conclusion of the ninth "
    "session of the Working Group on Firearms. It was chaired by the Chair of the Working Group, "
    "Mr. Alejandro Celorio Alcántara, Legal Advisor to the Ministry of Foreign Affairs (Mexico)."
)
CELORIO = "Mr. Alejandro Celorio Alcántara, Legal Advisor to the Ministry of Foreign Affairs (Mexico)"


@pytest.fixture
def first(db) -> Dialogue:
    """The demo's 2022 dialogue: the reference's, with 43 organisations attending."""
    from dialogue_portal import demo

    demo.load()
    return Dialogue.objects.get(pk=1)


def _blocks(text: str) -> list[str]:
    return [" ".join(block.split()) for block in text.split("\n\n") if block.strip()]


def paragraphs(text: str) -> list[str]:
    """The numbered paragraphs, whitespace-normalised: neither headings nor footnotes."""
    return [block for block in _blocks(text) if not block.startswith(("# ", "[^"))]


def headings(text: str) -> list[str]:
    return [block.removeprefix("# ") for block in _blocks(text) if block.startswith("# ")]


def _attending_fewer(dialogue: Dialogue, category: str, *, keep: int) -> None:
    """Delete the attendance of all but ``keep`` organisations of ``category``."""
    present = Attendance.objects.filter(dialogue=dialogue, representative__organisation__category=category)
    organisations = sorted(set(present.values_list("representative__organisation", flat=True)))
    present.filter(representative__organisation__in=organisations[keep:]).delete()


def participation(dialogue: Dialogue) -> str:
    """Paragraph 3's first sentence."""
    return paragraphs(opening_text(dialogue))[2].split(" Written comments")[0]


# --- The demo against the reference ----------------------------------------------------------


def test_opening_demo_paragraphs_3_and_4_as_the_reference(first):
    text = opening_text(first)

    third, fourth = paragraphs(text)[2:4]
    assert third.rsplit(" ", 1)[0] == REFERENCE_3
    assert fourth == REFERENCE_4


def test_opening_demo_has_the_introduction_then_a_section_per_agenda_item(first):
    text = opening_text(first)

    assert headings(text) == [
        "Introduction",
        "Opening",
        "Briefing on the developments and outcomes of the review process",
        "Collection of inputs and suggestions from participants and provision of information on "
        "relevant activities, including those related to meeting technical assistance needs",
    ]
    numbered = paragraphs(text)
    assert numbered[0].startswith("At its ninth session, in October 2018, the Conference of the Parties")
    assert "the Protocols thereto[^mechanism] through Conference [resolution 9/1](" in numbered[0]
    assert "[^mechanism]: Hereinafter: UNTOC review mechanism." in text
    assert numbered[1].startswith("According to paragraph 53 of the procedures and rules")
    assert numbered[4] == "This Conference Room Paper contains the summary by the Chair."
    assert numbered[5:] == ["Under agenda item 1, …", "Under agenda item 2, …", "Under agenda item 3, …"]


def test_opening_address_is_the_dialogues_comments_page(first, client):
    address = paragraphs(opening_text(first))[2].rsplit(" ", 1)[1]

    parts = urlsplit(address)
    assert address.startswith(settings.SITE_URL + "/")
    assert resolve(parts.path).view_name == "submissions:list"
    page = client.get(f"{parts.path}?{parts.query}").content.decode()
    assert f'<option value="{first.pk}" selected>' in page


def test_opening_is_english_whatever_the_language(first):
    with translation.override("fr"):
        fourth = paragraphs(opening_text(first))[3]

    assert fourth == REFERENCE_4


# --- Participation figures -------------------------------------------------------------------


def test_opening_one_academic_organisation_fewer(first):
    _attending_fewer(first, Category.ACADEMIA, keep=6)

    assert participation(first) == (
        "32 non-governmental organizations and 10 other relevant stakeholders (six from the Academia "
        "and four from the Private Sector) participated in the constructive dialogue."
    )


def test_opening_no_academia_leaves_out_the_parenthesis(first):
    _attending_fewer(first, Category.ACADEMIA, keep=0)

    assert participation(first) == (
        "32 non-governmental organizations and four other relevant stakeholders from the Private "
        "Sector participated in the constructive dialogue."
    )


def test_opening_only_ngos(first):
    _attending_fewer(first, Category.ACADEMIA, keep=0)
    _attending_fewer(first, Category.PRIVATE_SECTOR, keep=0)

    assert (
        participation(first) == "32 non-governmental organizations participated in the constructive dialogue."
    )


def test_opening_no_ngos_has_no_other(first):
    _attending_fewer(first, Category.NGO, keep=0)

    # Figures from ten on even where they start the sentence, as the reference's "32 …".
    assert participation(first) == (
        "11 relevant stakeholders (seven from the Academia and four from the Private Sector) "
        "participated in the constructive dialogue."
    )


def test_opening_no_ngos_capitalises_a_word_that_starts_the_sentence(first):
    _attending_fewer(first, Category.NGO, keep=0)
    _attending_fewer(first, Category.PRIVATE_SECTOR, keep=0)

    assert participation(first) == (
        "Seven relevant stakeholders from the Academia participated in the constructive dialogue."
    )


def test_opening_one_of_each_is_singular(first):
    _attending_fewer(first, Category.NGO, keep=1)
    _attending_fewer(first, Category.ACADEMIA, keep=1)
    _attending_fewer(first, Category.PRIVATE_SECTOR, keep=0)

    assert participation(first) == (
        "One non-governmental organization and one other relevant stakeholder from the Academia "
        "participated in the constructive dialogue."
    )


def test_opening_nobody_attending_says_none_was_recorded(db):
    dialogue = HeldDialogueFactory()

    assert participation(dialogue) == "No participation in the constructive dialogue has been recorded yet."


@pytest.mark.parametrize(
    ("number", "styled"),
    [(0, "zero"), (1, "one"), (9, "nine"), (10, "10"), (11, "11"), (100, "100")],
)
def test_number_style(number, styled):
    assert number_style(number) == styled


# --- The Chairs ------------------------------------------------------------------------------


def test_opening_two_chairs_are_co_chairs(first):
    DialogueChairFactory(
        dialogue=first,
        order=2,
        honorific=DialogueChair.Honorific.MS,
        name="Ingrid Example",
        title="Ambassador",
        country="NO",
        role="the Vice-Chair of the Working Group",
    )

    numbered = paragraphs(opening_text(first))

    assert numbered[3].endswith(
        f"It was co-chaired by the Chair of the Working Group, {CELORIO} and the Vice-Chair of the "
        "Working Group, Ms. Ingrid Example, Ambassador (Norway)."
    )
    assert numbered[4] == "This Conference Room Paper contains the summary by the Co-Chairs."


def test_opening_renamed_chair_shows_the_new_name(first):
    chair = first.chairs.get()
    chair.name = "Pablo Arrocha Olabuenaga"
    chair.save()

    fourth = paragraphs(opening_text(first))[3]

    assert "Mr. Pablo Arrocha Olabuenaga, Legal Advisor" in fourth
    assert "Celorio" not in fourth


def test_opening_chair_without_role(first):
    first.chairs.update(role="")

    fourth = paragraphs(opening_text(first))[3]

    assert fourth.endswith(
        f"the ninth session of the Working Group on Firearms. It was chaired by {CELORIO}."
    )


# --- The agenda ------------------------------------------------------------------------------


def test_opening_agenda_without_briefing_item(first):
    AgendaItem.objects.filter(dialogue=first, number=2).delete()

    text = opening_text(first)

    assert headings(text) == [
        "Introduction",
        "Opening",
        "Collection of inputs and suggestions from participants and provision of information on "
        "relevant activities, including those related to meeting technical assistance needs",
    ]
    assert paragraphs(text)[5:] == ["Under agenda item 1, …", "Under agenda item 3, …"]


def test_opening_without_agenda_is_the_introduction_only(db):
    dialogue = HeldDialogueFactory()
    DialogueChairFactory(dialogue=dialogue)

    text = opening_text(dialogue)

    assert headings(text) == ["Introduction"]
    assert len(paragraphs(text)) == 5
