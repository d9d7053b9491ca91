"""The summary markup: the text as the Chair writes it, turned into the numbered document.

The text is parsed by markdown-it-py (CommonMark) with the footnote plugin of
mdit-py-plugins; this module only chooses what is on and numbers what comes out:

- a line ``# Title`` starts a section, numbered I, II, III … on its own;
- every top-level paragraph is numbered 1, 2, 3 … across the sections (paragraphs in a
  list or a footnote are not);
- ``text[^note]`` with ``[^note]: …`` makes a footnote, numbered in order of first call;
- ``[words](https://…)`` makes a link, and so does a bare address.

What a Chair could trigger by accident and the PDF has no use for is off: raw HTML,
images, tables, indented or fenced code, setext headings, rules and block quotes; a
link goes only to ``http(s)://`` and ``mailto:``. The produced HTML is cleaned once more
by nh3. The text itself is never altered: what the markup cannot use is listed as a
``Problem`` with its line, for the editor to show beside the text.

No Django here (a test holds it): the page, the PDF and the merge of two saves use it
alike, and the messages are marked for translation by ``gettext_noop`` only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

import nh3
from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from mdit_py_plugins.footnote import footnote_plugin


def gettext_noop(s: str) -> str:
    # Marks a message for makemessages; the Django side translates it when shown.
    return s


MSG_UNDEFINED_FOOTNOTE = gettext_noop("The footnote “%(label)s” is called but never defined.")
MSG_UNCALLED_FOOTNOTE = gettext_noop("The footnote “%(label)s” is defined but never called.")
MSG_FOOTNOTE_DEFINED_TWICE = gettext_noop(
    "The footnote “%(label)s” is defined more than once; the first definition is used."
)
MSG_EMPTY_SECTION = gettext_noop("The section “%(title)s” has no paragraph.")
MSG_SUBHEADING = gettext_noop(
    "Only a heading written “# ” starts a numbered section; this heading of level %(level)s "
    "is shown as an unnumbered subheading."
)

MSG_TYPED_NUMBER = gettext_noop(
    "This paragraph starts with a number, so it is read as a numbered list and gets no paragraph "
    "number: paragraphs are numbered by themselves, remove the number typed."
)

SAFE_SCHEMES = ("http://", "https://", "mailto:")

# What the renderer below can produce, and nothing else: the second guard.
ALLOWED_TAGS = {"a", "em", "strong", "sup", "code", "ul", "ol", "li", "p", "br"}
ALLOWED_ATTRIBUTES = {"a": {"href", "id"}, "sup": {"class"}, "ol": {"start"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}

# A footnote call whose label has no definition stays text; found before text_join so
# that an escaped bracket (``\[^x]``, a text_special token until then) is not counted.
FOOTNOTE_CALL = re.compile(r"\[\^([^\]\s]+)\]")


@dataclass(frozen=True)
class Block:
    kind: str  # "paragraph" | "list" | "subheading"
    number: int | None
    html: str
    line: int


@dataclass(frozen=True)
class Section:
    number: int | None
    numeral: str
    title_html: str
    title_text: str
    line: int
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class Footnote:
    number: int
    label: str
    html: str
    line: int


@dataclass(frozen=True)
class Problem:
    line: int
    message: str
    params: dict


@dataclass(frozen=True)
class Document:
    sections: tuple[Section, ...]
    footnotes: tuple[Footnote, ...]
    problems: tuple[Problem, ...]

    @property
    def paragraphs(self) -> list[Block]:
        return [block for section in self.sections for block in section.blocks if block.number is not None]

    @property
    def is_empty(self) -> bool:
        return not self.sections


def to_roman(n: int) -> str:
    if n < 1:
        raise ValueError(f"no roman numeral for {n}")
    numerals = (
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    )
    out = []
    for value, letters in numerals:
        count, n = divmod(n, value)
        out.append(letters * count)
    return "".join(out)


BLANK_LINES = re.compile(r"\n(?:[ \t]*\n)+")


def _normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def split_paragraphs(text: str) -> list[str]:
    """The text cut into its blocks at blank lines, the unit of the diff and the merge."""
    blocks = (block.rstrip() for block in BLANK_LINES.split(_normalise_newlines(text)))
    return [block for block in blocks if block.strip()]


def join_paragraphs(blocks: list[str]) -> str:
    return "\n\n".join(blocks)


def _validate_link(url: str) -> bool:
    return url.strip().lower().startswith(SAFE_SCHEMES)


def _render_footnote_ref(self, tokens, idx, options, env) -> str:
    meta = tokens[idx].meta
    number = meta["id"] + 1
    anchor = f"fnref-{number}" if meta["subId"] == 0 else f"fnref-{number}-{meta['subId'] + 1}"
    return f'<sup class="footnote-ref"><a href="#fn-{number}" id="{anchor}">{number}</a></sup>'


def _find_undefined_calls(state: StateCore) -> None:
    refs = state.env.get("footnotes", {}).get("refs", {})
    found = state.env.setdefault("undefined_calls", [])
    for token in state.tokens:
        if token.type != "inline" or not token.children or token.map is None:
            continue
        line = token.map[0] + 1
        for child in token.children:
            if child.type in ("softbreak", "hardbreak"):
                line += 1
            elif child.type == "text":
                for match in FOOTNOTE_CALL.finditer(child.content):
                    if ":" + match.group(1) not in refs:
                        found.append((line, match.group(1)))


@cache
def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": True, "typographer": False})
    # Definitions stay where they are written (move_to_end off), so that their lines are
    # known and a definition nobody calls can be named; inline ^[…] notes have no label.
    footnote_plugin(md, inline=False, move_to_end=False)
    md.enable("linkify")
    md.disable(
        ["image", "html_block", "html_inline", "lheading", "code", "fence", "hr", "blockquote", "reference"]
    )
    md.validateLink = _validate_link
    md.add_render_rule("footnote_ref", _render_footnote_ref)
    md.core.ruler.before("text_join", "undefined_footnote_calls", _find_undefined_calls)
    return md


def _clean(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel=None,
    )


def _closing(tokens: list[Token], start: int) -> int:
    """The index of the token that closes the one at ``start``."""
    depth = 0
    for i in range(start, len(tokens)):
        depth += tokens[i].nesting
        if depth == 0:
            return i
    return len(tokens) - 1


def _plain_text(inline: Token) -> str:
    parts = []
    for child in inline.children or ():
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
    return "".join(parts).strip()


@dataclass
class _OpenSection:
    number: int | None
    title_html: str
    title_text: str
    line: int
    blocks: list[Block]

    def freeze(self) -> Section:
        numeral = to_roman(self.number) if self.number is not None else ""
        return Section(self.number, numeral, self.title_html, self.title_text, self.line, tuple(self.blocks))


def render(text: str) -> Document:
    md = _parser()
    env: dict = {}
    tokens = md.parse(_normalise_newlines(text), env)
    footnote_data = env.get("footnotes", {"refs": {}, "list": {}})
    problems: list[Problem] = []

    def inline_html(inline: Token) -> str:
        return _clean(md.renderer.renderInline(inline.children or [], md.options, env))

    # The definitions, taken out of the stream: the first one of each label counts.
    definitions: dict[str, tuple[int, list[Token]]] = {}
    body: list[Token] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token.type == "footnote_reference_open":
            end = _closing(tokens, i)
            label = token.meta["label"]
            line = token.map[0] + 1
            if label in definitions:
                problems.append(Problem(line, MSG_FOOTNOTE_DEFINED_TWICE, {"label": label}))
            else:
                definitions[label] = (line, tokens[i + 1 : end])
            i = end + 1
            continue
        body.append(token)
        i += 1

    sections: list[_OpenSection] = []
    section_number = paragraph_number = 0
    i = 0
    while i < len(body):
        token = body[i]
        if token.level != 0 or token.nesting == -1:
            i += 1
            continue
        line = token.map[0] + 1 if token.map else 1
        if token.type == "heading_open":
            inline = body[i + 1]
            level = int(token.tag[1:])
            if level == 1:
                section_number += 1
                title_html, title_text = inline_html(inline), _plain_text(inline)
                sections.append(_OpenSection(section_number, title_html, title_text, line, []))
            else:
                problems.append(Problem(line, MSG_SUBHEADING, {"level": level, "title": _plain_text(inline)}))
                if not sections:
                    sections.append(_OpenSection(None, "", "", line, []))
                sections[-1].blocks.append(Block("subheading", None, inline_html(inline), line))
            i = _closing(body, i) + 1
            continue
        if not sections:
            sections.append(_OpenSection(None, "", "", line, []))
        end = _closing(body, i)
        if token.type == "paragraph_open":
            paragraph_number += 1
            sections[-1].blocks.append(Block("paragraph", paragraph_number, inline_html(body[i + 1]), line))
        elif token.type in ("bullet_list_open", "ordered_list_open"):
            html = _clean(md.renderer.render(body[i : end + 1], md.options, env)).strip()
            sections[-1].blocks.append(Block("list", None, html, line))
            if token.type == "ordered_list_open":
                # "1. At its ninth session…": a number typed as in a word processor.
                problems.append(Problem(line, MSG_TYPED_NUMBER, {}))
        i = end + 1

    for section in sections:
        if section.number is not None and not any(b.kind != "subheading" for b in section.blocks):
            problems.append(Problem(section.line, MSG_EMPTY_SECTION, {"title": section.title_text}))

    footnotes = []
    for footnote_id, data in sorted(footnote_data["list"].items()):
        label = data["label"]
        line, content = definitions[label]
        if [t.type for t in content] == ["paragraph_open", "inline", "paragraph_close"]:
            html = inline_html(content[1])
        else:
            html = _clean(md.renderer.render(content, md.options, env)).strip()
        footnotes.append(Footnote(footnote_id + 1, label, html, line))

    for label, (line, _content) in definitions.items():
        if footnote_data["refs"].get(":" + label, -1) < 0:
            problems.append(Problem(line, MSG_UNCALLED_FOOTNOTE, {"label": label}))
    for line, label in env.get("undefined_calls", ()):
        problems.append(Problem(line, MSG_UNDEFINED_FOOTNOTE, {"label": label}))

    problems.sort(key=lambda problem: problem.line)
    return Document(
        sections=tuple(section.freeze() for section in sections),
        footnotes=tuple(footnotes),
        problems=tuple(problems),
    )
