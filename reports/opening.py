"""The opening of a Chair's summary, written from the portal's data in the summary markup.

What the reference CRP says in its introduction, with this dialogue's facts: the
participation figures (``sessions.selectors.participation_figures``, from attendance
only), the address of its published comments, its ordinal, date, session and Chairs; then
one section per agenda item for the Chair to write. Numbers of sections and paragraphs are
never typed: the markup makes them.
"""

from urllib.parse import urlencode

from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from dialogue_portal.links import absolute_reverse
from sessions.models import Dialogue, DialogueChair
from sessions.ordinals import ordinal_word
from sessions.selectors import dialogue_ordinal, participation_figures
from stakeholders.models import Category

RESOLUTION_9_1 = "https://www.unodc.org/documents/treaties/UNTOC/Review%20Mechanism/Resolution/English.pdf"

_NUMBER_WORDS = [
    gettext_lazy("zero"), gettext_lazy("one"), gettext_lazy("two"), gettext_lazy("three"),
    gettext_lazy("four"), gettext_lazy("five"), gettext_lazy("six"), gettext_lazy("seven"),
    gettext_lazy("eight"), gettext_lazy("nine"),
]  # fmt: skip

# The stakeholders other than NGOs, in the order (and the capitals) of the reference.
_OTHER_CATEGORIES = {
    Category.ACADEMIA: gettext_lazy("from the Academia"),
    Category.PRIVATE_SECTOR: gettext_lazy("from the Private Sector"),
}


def number_style(number: int) -> str:
    """UN editorial style: "seven" below ten, "32" from ten on."""
    if 0 <= number < len(_NUMBER_WORDS):
        return str(_NUMBER_WORDS[number])
    return str(number)


def opening_text(dialogue: Dialogue) -> str:
    """The introduction (paragraphs 1 to 5 of the reference) and a section per agenda item,
    always in English: the CRP is issued in English whatever the editor's language."""
    with translation.override("en"):
        chairs = list(dialogue.chairs.all())
        blocks = [
            "# " + _("Introduction"),
            _(
                "At its ninth session, in October 2018, the Conference of the Parties to the United "
                "Nations Convention against Transnational Organized Crime established the Mechanism "
                "for the Review of the Implementation of the United Nations Convention against "
                "Transnational Organized Crime and the Protocols thereto[^mechanism] through "
                "Conference [resolution 9/1](%(resolution)s), which included in its annex the "
                "procedures and rules for the functioning of the UNTOC review mechanism."
            )
            % {"resolution": RESOLUTION_9_1},
            "[^mechanism]: " + _("Hereinafter: UNTOC review mechanism."),
            _(
                "According to paragraph 53 of the procedures and rules for the functioning of the "
                "UNTOC review mechanism and in accordance with article 32, paragraph 3 (c), of the "
                "Organized Crime Convention, constructive dialogues with relevant stakeholders, "
                "including non-governmental organizations, will be convened as a regular practice, "
                "following the conclusion of the sessions of the working groups and the adoption of "
                "the reports. The constructive dialogues aim to promote fruitful engagement with "
                "relevant stakeholders. They allow for briefing participants on the development and "
                "outcomes of the review process, and for collecting inputs and suggestions from "
                "participants, including their contributions on ways to improve the implementation "
                "of the Convention and the Protocols thereto."
            ),
            _participation(dialogue)
            + " "
            + _(
                "Written comments that were received in accordance with paragraph 53 of the "
                "procedures and rules for the functioning of the UNTOC review mechanism were made "
                "available on the webpage: %(address)s"
            )
            % {"address": comments_address(dialogue)},
            _when_and_who(dialogue, chairs),
            ngettext(
                "This Conference Room Paper contains the summary by the Chair.",
                "This Conference Room Paper contains the summary by the Co-Chairs.",
                # The portal's rule (chair_heading): two Chairs or more are Co-Chairs.
                max(len(chairs), 1),
            ),
        ]
        for item in dialogue.agenda_items.all():
            blocks += [
                "# " + item.title,
                # A literal ellipsis: the Chair writes the rest.
                _("Under agenda item %(number)s, …") % {"number": item.number},
            ]
    return "\n\n".join(blocks) + "\n"


def comments_address(dialogue: Dialogue) -> str:
    """The public list of written comments, filtered to this dialogue (its page links there too)."""
    return absolute_reverse("submissions:list") + "?" + urlencode({"dialogue": dialogue.pk})


def _participation(dialogue: Dialogue) -> str:
    """ "32 non-governmental organizations and 11 other relevant stakeholders (seven from the
    Academia and four from the Private Sector) participated in the constructive dialogue." """
    counts = participation_figures(dialogue).organisations_by_category
    ngos = counts.get(Category.NGO, 0)
    others = {category: counts.get(category, 0) for category in _OTHER_CATEGORIES if counts.get(category, 0)}
    if not ngos and not others:
        return _("No participation in the constructive dialogue has been recorded yet.")
    groups = []
    if ngos:
        groups.append(
            ngettext(
                "%(number)s non-governmental organization", "%(number)s non-governmental organizations", ngos
            )
            % {"number": number_style(ngos)}
        )
    if others:
        total = sum(others.values())
        if ngos:
            stakeholders = ngettext(
                "%(number)s other relevant stakeholder", "%(number)s other relevant stakeholders", total
            )
        else:
            stakeholders = ngettext(
                "%(number)s relevant stakeholder", "%(number)s relevant stakeholders", total
            )
        stakeholders %= {"number": number_style(total)}
        if len(others) == 1:
            (category,) = others
            stakeholders = _("%(stakeholders)s %(origin)s") % {
                "stakeholders": stakeholders,
                "origin": _OTHER_CATEGORIES[category],
            }
        else:
            breakdown = _listed(
                [
                    _("%(number)s %(origin)s")
                    % {"number": number_style(n), "origin": _OTHER_CATEGORIES[category]}
                    for category, n in others.items()
                ]
            )
            stakeholders = _("%(stakeholders)s (%(breakdown)s)") % {
                "stakeholders": stakeholders,
                "breakdown": breakdown,
            }
        groups.append(stakeholders)
    sentence = _("%(participants)s participated in the constructive dialogue.") % {
        "participants": _listed(groups)
    }
    return sentence[0].upper() + sentence[1:]


def _when_and_who(dialogue: Dialogue, chairs: list[DialogueChair]) -> str:
    """ "The first constructive dialogue took place on 6 May, after the conclusion of the ninth
    session of the Working Group on Firearms. It was chaired by …" """
    ordinal = dialogue.ordinal if hasattr(dialogue, "ordinal") else dialogue_ordinal(dialogue)
    facts = {
        "date": date_format(dialogue.date, "MONTH_DAY_FORMAT"),
        "session": ordinal_word(dialogue.session.number, of="session"),
        "working_group": dialogue.session.working_group.name,
    }
    if ordinal is None:  # cancelled: it has no place among the dialogues
        when = _(
            "The constructive dialogue took place on %(date)s, after the conclusion of the "
            "%(session)s session of the %(working_group)s."
        )
    else:
        when = _(
            "The %(ordinal)s constructive dialogue took place on %(date)s, after the conclusion of "
            "the %(session)s session of the %(working_group)s."
        )
        facts["ordinal"] = ordinal_word(ordinal, of="dialogue")
    text = when % facts
    if chairs:
        who = ngettext("It was chaired by %(chairs)s.", "It was co-chaired by %(chairs)s.", len(chairs))
        text += " " + who % {"chairs": _listed([_chair(chair) for chair in chairs])}
    return text


def _chair(chair: DialogueChair) -> str:
    """ "the Chair of the Working Group, Mr. Alejandro Celorio Alcántara, Legal Advisor to the
    Ministry of Foreign Affairs (Mexico)" """
    person = _("%(honorific)s %(name)s, %(title)s") % {
        "honorific": chair.honorific,
        "name": chair.name,
        "title": chair.title,
    }
    if chair.country:
        person = _("%(person)s (%(country)s)") % {"person": person, "country": chair.country.name}
    if chair.role:
        person = _("%(role)s, %(person)s") % {"role": chair.role, "person": person}
    return person


def _listed(items: list[str]) -> str:
    """ "A", "A and B", "A, B and C" """
    if len(items) == 1:
        return items[0]
    return _("%(items)s and %(last)s") % {"items": ", ".join(items[:-1]), "last": items[-1]}
