"""The difference between two revisions: paragraph by paragraph, the changed words marked.

difflib pairs the paragraphs of the two texts; in a paragraph that changed, it marks the
words taken out (``<del>``) and put in (``<ins>``). The texts are escaped here: what a
revision holds is shown as typed, never as HTML.
"""

import difflib
import re
from dataclasses import dataclass
from html import escape
from itertools import zip_longest

from django.utils.safestring import SafeString, mark_safe

from .markup import split_paragraphs

_WORDS = re.compile(r"\s+|[^\s]+")


@dataclass(frozen=True)
class Row:
    """One paragraph of the comparison: ``equal``, ``changed``, ``added`` or ``removed``."""

    kind: str
    old: SafeString
    new: SafeString

    @property
    def is_changed(self) -> bool:
        return self.kind != "equal"


def _marked(old: str, new: str) -> tuple[SafeString, SafeString]:
    before, after = _WORDS.findall(old), _WORDS.findall(new)
    old_html, new_html = [], []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, before, after, autojunk=False).get_opcodes():
        taken, put = escape("".join(before[i1:i2])), escape("".join(after[j1:j2]))
        if op == "equal":
            old_html.append(taken)
            new_html.append(put)
            continue
        if taken:
            old_html.append(f"<del>{taken}</del>")
        if put:
            new_html.append(f"<ins>{put}</ins>")
    return mark_safe("".join(old_html)), mark_safe("".join(new_html))  # noqa: S308 (escaped above)


def compare(old_text: str, new_text: str) -> list[Row]:
    old, new = split_paragraphs(old_text), split_paragraphs(new_text)
    rows: list[Row] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if op == "equal":
            rows.extend(Row("equal", mark_safe(escape(p)), mark_safe(escape(p))) for p in old[i1:i2])  # noqa: S308
            continue
        for was, now in zip_longest(old[i1:i2], new[j1:j2]):
            if was is None:
                rows.append(Row("added", mark_safe(""), mark_safe(f"<ins>{escape(now)}</ins>")))  # noqa: S308
            elif now is None:
                rows.append(Row("removed", mark_safe(f"<del>{escape(was)}</del>"), mark_safe("")))  # noqa: S308
            else:
                rows.append(Row("changed", *_marked(was, now)))
    return rows
