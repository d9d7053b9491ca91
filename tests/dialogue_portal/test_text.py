"""dialogue_portal.text: what a feed, an e-mail header, a CSV cell or a calendar line can
carry, for the rows stored before the forms refused the rest."""

import xml.etree.ElementTree as ET

import pytest
from django.utils.feedgenerator import Atom1Feed
from django.utils.xmlutils import UnserializableContentError

from dialogue_portal.text import clean_text, unsafe_character


@pytest.mark.parametrize(
    ("stored", "single_line"),
    [
        ("Working Group\r\non Firearms", "Working Group on Firearms"),
        ("Working Group \n\n on Firearms", "Working Group on Firearms"),
        ("Firearms\x0bpolicy", "Firearms policy"),
        ("Firearms\tpolicy", "Firearms policy"),
        ("Fire\x00arms\x1b[31m policy\x7f", "Firearms[31m policy"),
        ("Line\u2028separator\u2029and next\x85line", "Line separator and next line"),
        ("Unpaired \ud800surrogate and \uffff", "Unpaired surrogate and"),
        ("\n Trailing and leading \r\n", "Trailing and leading"),
    ],
)
def test_clean_text_makes_one_line(stored, single_line):
    assert clean_text(stored) == single_line
    assert unsafe_character(clean_text(stored)) is None


@pytest.mark.parametrize(
    ("stored", "multi_line"),
    [
        ("First.\x0bSecond.", "First.\nSecond."),
        ("First.\r\n\r\nSecond.\rThird.\x01", "First.\n\nSecond.\nThird."),
        ("Para\u2029graph\x0cbreak\x85here", "Para\ngraph\nbreak\nhere"),
    ],
)
def test_clean_text_of_multi_line_text_keeps_its_breaks_as_newlines(stored, multi_line):
    assert clean_text(stored, multiline=True) == multi_line


@pytest.mark.parametrize(
    "text",
    [
        "Plain text, “quoted”, with an em dash — and é.",
        "Persian with a zero-width non-joiner: می\u200cخواهم",
        "Emoji with a joiner: \U0001f469\u200d\U0001f52c",
        "Right-to-left mark: \u200fعربي",
        "Byte-order mark\ufeff inside",
    ],
)
def test_clean_text_leaves_safe_text_as_it_is(text):
    assert clean_text(text) == text
    assert clean_text(text, multiline=True) == text


def test_clean_text_takes_none_and_lazy_text():
    from django.utils.translation import gettext_lazy

    assert clean_text(None) == ""
    assert clean_text(gettext_lazy("Title")) == "Title"


def test_what_clean_text_leaves_goes_into_an_atom_feed():
    # The reason for all this: Django's feed writer refuses the raw text outright.
    stored = "Title\x0bwith\x01 controls\ufffe"
    feed = Atom1Feed(title="Comments", link="https://portal.example/", description="")
    feed.add_item(title=stored, link="https://portal.example/1/", description="")
    with pytest.raises(UnserializableContentError):
        feed.writeString("utf-8")
    feed = Atom1Feed(title="Comments", link="https://portal.example/", description="")
    feed.add_item(title=clean_text(stored), link="https://portal.example/1/", description="")
    root = ET.fromstring(feed.writeString("utf-8"))
    assert root.findtext("{http://www.w3.org/2005/Atom}entry/{http://www.w3.org/2005/Atom}title") == (
        "Title with controls"
    )
