"""The summary markup: numbering, footnotes, problems with their lines, and what is neutralised."""

import ast
import re
from importlib import resources
from pathlib import Path

import pytest

from reports import markup
from reports.markup import join_paragraphs, render, split_paragraphs, to_roman

THREE = """# Introduction

First paragraph.

Second paragraph.

# Opening

Third paragraph.
"""


def numbered(document):
    return [(block.number, block.html) for block in document.paragraphs]


def problems(document):
    return [(problem.line, problem.message % problem.params) for problem in document.problems]


def links(html):
    return re.findall(r'<a href="([^"]*)">([^<]*)</a>', html)


def test_render_numbers_sections_in_roman_and_paragraphs_across_them():
    document = render(THREE)

    assert [(s.number, s.numeral, s.title_text, s.line) for s in document.sections] == [
        (1, "I", "Introduction", 1),
        (2, "II", "Opening", 7),
    ]
    assert numbered(document) == [(1, "First paragraph."), (2, "Second paragraph."), (3, "Third paragraph.")]
    assert [b.line for b in document.paragraphs] == [3, 5, 9]
    assert document.problems == ()
    assert not document.is_empty


def test_render_numbers_follow_a_paragraph_inserted_at_the_top():
    document = render("New first paragraph.\n\n" + THREE)

    first = document.sections[0]
    assert (first.number, first.numeral, first.title_html, first.line) == (None, "", "", 1)
    assert numbered(document)[0] == (1, "New first paragraph.")
    assert numbered(document)[1:] == [
        (2, "First paragraph."),
        (3, "Second paragraph."),
        (4, "Third paragraph."),
    ]
    assert [s.numeral for s in document.sections] == ["", "I", "II"]


def test_render_numbers_follow_a_deleted_paragraph_and_a_deleted_section():
    without_first = THREE.replace("First paragraph.\n\n", "")
    assert numbered(render(without_first)) == [(1, "Second paragraph."), (2, "Third paragraph.")]

    without_introduction = THREE.replace("# Introduction\n\nFirst paragraph.\n\nSecond paragraph.\n\n", "")
    document = render(without_introduction)
    assert [(s.numeral, s.title_text) for s in document.sections] == [("I", "Opening")]
    assert numbered(document) == [(1, "Third paragraph.")]


def test_render_numbers_follow_a_moved_paragraph():
    blocks = split_paragraphs(THREE)
    blocks.append(blocks.pop(1))  # the first paragraph moves to the end of Opening

    document = render(join_paragraphs(blocks))

    assert numbered(document) == [(1, "Second paragraph."), (2, "Third paragraph."), (3, "First paragraph.")]
    assert [len(s.blocks) for s in document.sections] == [1, 2]


def test_render_leaves_lists_and_footnote_paragraphs_unnumbered():
    text = (
        "# Introduction\n\nBefore the list.[^n]\n\n- one\n- two\n\n1. first\n2. second\n\n"
        "After the list.\n\n[^n]: A note.\n\n    Its second paragraph.\n"
    )

    document = render(text)

    blocks = document.sections[0].blocks
    assert [(b.kind, b.number) for b in blocks] == [
        ("paragraph", 1),
        ("list", None),
        ("list", None),
        ("paragraph", 2),
    ]
    assert blocks[1].html == "<ul>\n<li>one</li>\n<li>two</li>\n</ul>"
    assert blocks[2].html == "<ol>\n<li>first</li>\n<li>second</li>\n</ol>"
    assert blocks[1].line == 5
    assert document.footnotes[0].html == "<p>A note.</p>\n<p>Its second paragraph.</p>"
    # A numbered list is named (it may be a paragraph number typed by hand); nothing else.
    assert [p.line for p in document.problems] == [8]


def test_render_numbers_footnotes_by_first_call_not_by_definition():
    text = (
        "# Introduction\n\nFirst[^later] and second[^earlier].\n\nAgain[^later].\n\n"
        "[^earlier]: Defined first.\n\n[^later]: Defined second.\n"
    )

    document = render(text)

    assert [(f.number, f.label, f.html, f.line) for f in document.footnotes] == [
        (1, "later", "Defined second.", 9),
        (2, "earlier", "Defined first.", 7),
    ]
    first, second = document.paragraphs
    assert first.html == (
        'First<sup class="footnote-ref"><a href="#fn-1" id="fnref-1">1</a></sup> and second'
        '<sup class="footnote-ref"><a href="#fn-2" id="fnref-2">2</a></sup>.'
    )
    assert second.html == 'Again<sup class="footnote-ref"><a href="#fn-1" id="fnref-1-2">1</a></sup>.'


def test_render_reports_a_footnote_called_but_never_defined_and_keeps_it_as_text():
    text = "# Introduction\n\nA first line\nthen a call[^missing].\n"

    document = render(text)

    assert problems(document) == [(4, "The footnote “missing” is called but never defined.")]
    assert document.problems[0].params == {"label": "missing"}
    assert document.paragraphs[0].html == "A first line\nthen a call[^missing]."
    assert document.footnotes == ()


def test_render_does_not_count_an_escaped_or_quoted_call_as_a_footnote():
    document = render("# Introduction\n\nA bracket \\[^x] and code `[^y]`.\n")

    assert document.problems == ()


def test_render_reports_a_footnote_defined_but_never_called():
    text = "# Introduction\n\nNo call here.\n\n[^lonely]: Nobody calls me.\n"

    document = render(text)

    assert problems(document) == [(5, "The footnote “lonely” is defined but never called.")]
    assert document.footnotes == ()


def test_render_reports_a_footnote_defined_twice_and_keeps_the_first():
    text = "# Introduction\n\nA call[^n].\n\n[^n]: The first.\n\n[^n]: The second.\n"

    document = render(text)

    assert [(p.line, p.params) for p in document.problems] == [(7, {"label": "n"})]
    assert [(f.html, f.line) for f in document.footnotes] == [("The first.", 5)]


def test_render_lists_problems_in_the_order_of_their_lines():
    text = "# Empty\n\n## Sub\n\n# Introduction\n\nA call[^missing].\n\n[^lonely]: Never called.\n"

    document = render(text)

    assert [p.line for p in document.problems] == [1, 3, 7, 9]


def test_render_reports_an_empty_section_followed_by_a_heading_or_the_end():
    text = "# Introduction\n\n# Opening\n\nA paragraph.\n\n# Closing\n"

    document = render(text)

    assert problems(document) == [
        (1, "The section “Introduction” has no paragraph."),
        (7, "The section “Closing” has no paragraph."),
    ]
    assert [s.numeral for s in document.sections] == ["I", "II", "III"]


def test_render_shows_a_level_two_heading_as_an_unnumbered_subheading_and_reports_it():
    text = "# Introduction\n\nA paragraph.\n\n## A *sub* heading\n\nAnother paragraph.\n"

    document = render(text)

    assert [(b.kind, b.number, b.html, b.line) for b in document.sections[0].blocks] == [
        ("paragraph", 1, "A paragraph.", 3),
        ("subheading", None, "A <em>sub</em> heading", 5),
        ("paragraph", 2, "Another paragraph.", 7),
    ]
    assert [p.line for p in document.problems] == [5]
    assert document.problems[0].params["level"] == 2
    assert len(document.sections) == 1


def test_render_never_alters_the_text_it_reports_on():
    text = "# Introduction\n\nA call[^missing].\n\n[^lonely]: Never called.\n\n# Empty\n"
    before = str(text)

    render(text)

    assert text == before


def test_render_shows_raw_html_as_text():
    document = render("<script>alert(1)</script>\n\nSome <b>bold</b> and <em>x</em>.\n")

    first, second = document.paragraphs
    assert first.html == "&lt;script&gt;alert(1)&lt;/script&gt;"
    assert second.html == "Some &lt;b&gt;bold&lt;/b&gt; and &lt;em&gt;x&lt;/em&gt;."


def test_render_neutralises_javascript_links():
    document = render("[x](javascript:alert(1)) and <javascript:alert(1)> and [y](data:text/html,hi)\n")

    html = document.paragraphs[0].html
    assert "<a" not in html
    assert "[x](javascript:alert(1))" in html
    assert "&lt;javascript:alert(1)&gt;" in html


def test_render_keeps_https_and_mailto_links_without_a_target():
    document = render("[the resolution](https://example.org/r.pdf) and [write](mailto:a@b.org).\n")

    html = document.paragraphs[0].html
    assert links(html) == [("https://example.org/r.pdf", "the resolution"), ("mailto:a@b.org", "write")]
    assert "target" not in html
    assert "rel=" not in html


def test_render_makes_a_bare_url_a_link():
    document = render("See https://www.unodc.org/unodc/en/constructive-dialogues.html for the comments.\n")

    assert links(document.paragraphs[0].html) == [
        (
            "https://www.unodc.org/unodc/en/constructive-dialogues.html",
            "https://www.unodc.org/unodc/en/constructive-dialogues.html",
        )
    ]


def test_render_turns_off_what_a_chair_would_trigger_by_accident():
    text = "Title\n=====\n\n    indented text\n\n---\n\n> not a quote\n\n![alt](https://example.org/i.png)\n"

    document = render(text)

    assert [b.kind for b in document.sections[0].blocks] == ["paragraph"] * 5
    assert [s.number for s in document.sections] == [None]
    html = " ".join(b.html for b in document.paragraphs)
    assert "<img" not in html
    assert "<h" not in html
    assert "<pre" not in html
    assert "<blockquote" not in html
    assert "indented text" in html


@pytest.mark.parametrize(
    "words",
    [
        "An example of a “pilot initiative” and the organizations’ robust data, ‘single’ too",
        "Alcántara, São Tomé, Côte d’Ivoire, Genève, Šibenik",
        "اتفاقية الأمم المتحدة لمكافحة الجريمة المنظمة عبر الوطنية",
        "联合国打击跨国有组织犯罪公约",
        'Straight "quotes" and -- dashes ... stay (c) as typed',
    ],
)
def test_render_passes_quotes_accents_and_other_scripts_unchanged(words):
    document = render(f"# {words}\n\n{words}\n")

    assert document.sections[0].title_text == words
    assert document.paragraphs[0].html == words.replace("&", "&amp;")


def test_render_of_nothing_is_empty():
    assert render("").is_empty
    assert render("\n  \n\n").is_empty
    assert render("\r\n\r\n").sections == ()


def test_render_reads_windows_line_endings_with_the_same_lines():
    document = render(THREE.replace("\n", "\r\n"))

    assert numbered(document) == numbered(render(THREE))
    assert [b.line for b in document.paragraphs] == [3, 5, 9]


@pytest.mark.parametrize(
    ("n", "numeral"),
    [(1, "I"), (2, "II"), (3, "III"), (4, "IV"), (9, "IX"), (14, "XIV"), (40, "XL"), (1994, "MCMXCIV")],
)
def test_to_roman_writes_the_numeral(n, numeral):
    assert to_roman(n) == numeral


def test_to_roman_refuses_zero():
    with pytest.raises(ValueError, match="0"):
        to_roman(0)


def test_split_paragraphs_cuts_at_blank_lines_and_normalises():
    text = "\n\n# Title  \r\n\r\nFirst line\r\nsecond line   \n \n\t\n\n\nNext.  \n"

    blocks = split_paragraphs(text)

    assert blocks == ["# Title", "First line\nsecond line", "Next."]
    assert join_paragraphs(blocks) == "# Title\n\nFirst line\nsecond line\n\nNext."


def test_split_and_join_paragraphs_round_trip():
    text = THREE.strip()

    assert join_paragraphs(split_paragraphs(text)) == text
    assert split_paragraphs(join_paragraphs(split_paragraphs(THREE))) == split_paragraphs(THREE)


def test_markup_module_imports_nothing_from_django():
    tree = ast.parse(Path(markup.__file__).read_text(encoding="utf-8"))

    imported = [alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names]
    imported += [node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)]
    assert imported
    assert not [name for name in imported if name == "django" or name.startswith("django.")]


# The first words of the reference CRP's paragraphs 1 to 22.
REFERENCE_OPENINGS = [
    "At its ninth session,",
    "According to paragraph 53",
    "32 non-governmental organizations and",
    "The first constructive dialogue",
    "This Conference Room Paper",
    "The Chair delivered introductory",
    "As part of the",
    "Under agenda item 2,",
    "Under agenda item 3,",
    "Many speakers expressed their",
    "The vital role of",
    "Several speakers expressed concern",
    "Some speakers provided examples",
    "Some speakers discussed the",
    "The Latin American and",
    "In this regard, the",
    "Furthermore, attention was drawn",
    "Some speakers highlighted the",
    "Speakers emphasized the importance",
    "Furthermore, several speakers underlined",
    "Several speakers proposed a",
    "The Chair thanked participants",
]


def demo_text():
    return (resources.files("reports") / "demo" / "firearms-2022.md").read_text(encoding="utf-8")


def test_demo_summary_renders_as_the_reference_reads():
    document = render(demo_text())

    assert document.problems == ()
    assert [(s.numeral, s.title_text) for s in document.sections] == [
        ("I", "Introduction"),
        ("II", "Opening"),
        ("III", "Briefing on the developments and outcomes of the review process"),
        (
            "IV",
            "Collection of inputs and suggestions from participants and provision of information on "
            "relevant activities, including those related to meeting technical assistance needs",
        ),
    ]
    assert [[b.number for b in s.blocks] for s in document.sections] == [
        [1, 2, 3, 4, 5],
        [6, 7],
        [8],
        list(range(9, 23)),
    ]
    assert [
        b.html[: len(words)] for b, words in zip(document.paragraphs, REFERENCE_OPENINGS, strict=True)
    ] == (REFERENCE_OPENINGS)


def test_demo_summary_has_the_footnote_and_the_links_of_the_reference():
    document = render(demo_text())

    assert [(f.number, f.html) for f in document.footnotes] == [(1, "Hereinafter: UNTOC review mechanism.")]
    first = document.paragraphs[0].html
    assert (
        'the Protocols thereto<sup class="footnote-ref"><a href="#fn-1" id="fnref-1">1</a></sup> through'
        in first
    )
    assert sum('class="footnote-ref"' in b.html for b in document.paragraphs) == 1
    assert [(b.number, link) for b in document.paragraphs for link in links(b.html)] == [
        (
            1,
            (
                "https://www.unodc.org/documents/treaties/UNTOC/Review%20Mechanism/Resolution/English.pdf",
                "resolution 9/1",
            ),
        ),
        (
            3,
            (
                "https://www.unodc.org/unodc/en/organized-crime/intro/review-mechanism-untoc/constructive-dialogues.html",
                "https://www.unodc.org/unodc/en/organized-crime/intro/review-mechanism-untoc/constructive-dialogues.html",
            ),
        ),
        (
            8,
            (
                "https://www.unodc.org/documents/treaties/UNTOC/COP/SESSION_10/Resolutions/Resolution_10_1_-_English.pdf",
                "conference resolution 10/1",
            ),
        ),
        (
            8,
            (
                "https://www.unodc.org/documents/treaties/Firearms_2022/CTOC_COP_WG.6_2022_CRP.1.pdf",
                "CTOC/COP/WG.6/2022/CRP.1",
            ),
        ),
    ]


def test_demo_summary_keeps_the_reference_words():
    document = render(demo_text())

    text = " ".join(b.html for b in document.paragraphs)
    for words in [
        "An example of a “pilot initiative” on the UNTOC review mechanism",
        "an “open door policy”",
        "civil society organizations’ robust data",
        "Mr. Alejandro Celorio Alcántara",
        "dynamics of criminal markets . Other speakers",
        "they were further advised consider gender-balance",
        "(privately-made firearms, often assembled from so-called “buy build shoot” kits",
        "He noted that the global challenge",
        "The speaker exhorted other governments to follow",
    ]:
        assert words in text
    assert "\n" not in text


def test_render_names_a_paragraph_number_typed_by_hand():
    document = render("# Introduction\n\nA paragraph.\n\n2. At its ninth session, the Conference…\n")

    assert [(b.kind, b.number) for b in document.sections[0].blocks] == [("paragraph", 1), ("list", None)]
    assert [(p.line, p.message) for p in document.problems] == [
        (
            5,
            "This paragraph starts with a number, so it is read as a numbered list and gets no paragraph "
            "number: paragraphs are numbered by themselves, remove the number typed.",
        )
    ]
