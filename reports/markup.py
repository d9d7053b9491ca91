"""Placeholder until the markup module lands: the paragraph split the merge needs."""

import re

_BLANK_LINES = re.compile(r"\n[ \t]*\n(?:[ \t]*\n)*")


def split_paragraphs(text: str) -> list[str]:
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip("\n")
    if not text.strip():
        return []
    return [block.rstrip() for block in _BLANK_LINES.split(text) if block.strip()]


def join_paragraphs(blocks: list[str]) -> str:
    return "\n\n".join(blocks)


# --- Placeholder render (replaced by the markdown-it-py module) ---------------------------
from dataclasses import dataclass, field  # noqa: E402
from html import escape  # noqa: E402


@dataclass(frozen=True)
class Block:
    kind: str
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
    blocks: tuple = ()


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
    params: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Document:
    sections: tuple = ()
    footnotes: tuple = ()
    problems: tuple = ()

    @property
    def paragraphs(self):
        return [b for s in self.sections for b in s.blocks if b.number]

    @property
    def is_empty(self):
        return not self.sections


def render(text: str) -> Document:
    sections, blocks, n, s = [], [], 0, 0
    title = None
    for block in split_paragraphs(text):
        if block.startswith("# "):
            if title is not None or blocks:
                sections.append(
                    Section(
                        s or None, str(s) if s else "", escape(title or ""), title or "", 1, tuple(blocks)
                    )
                )
            s += 1
            title, blocks = block[2:], []
        else:
            n += 1
            blocks.append(Block("paragraph", n, escape(block), 1))
    if title is not None or blocks:
        sections.append(
            Section(s or None, str(s) if s else "", escape(title or ""), title or "", 1, tuple(blocks))
        )
    return Document(tuple(sections))
