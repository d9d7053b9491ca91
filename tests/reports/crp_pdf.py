"""Reading a CRP back as its readers do: the text a viewer copies (pypdf), the fonts it
shows, and the structure tree a screen reader walks (poppler's ``pdfinfo -struct-text``)."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import tempfile
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field

import pypdf
import pytest

# pypdf puts a no-break space after a paragraph's number and doubles the spaces of a
# justified line; a line break is a space to a reader.
SPACES = re.compile(r"[\s\u00a0]+")


def normalise(text: str) -> str:
    return SPACES.sub(" ", text).strip()


def reader(pdf: bytes) -> pypdf.PdfReader:
    return pypdf.PdfReader(io.BytesIO(pdf))


def page_texts(pdf: bytes) -> list[str]:
    """Each page's text, whitespace normalised."""
    return [normalise(page.extract_text()) for page in reader(pdf).pages]


def raw_page_texts(pdf: bytes) -> list[str]:
    """Each page's text as pypdf gives it, for what normalising could hide."""
    return [page.extract_text() for page in reader(pdf).pages]


def font_names(pdf: bytes) -> set[str]:
    """The fonts the pages use, as "LiberationSerifBold": no subset tag, no hyphens."""
    names = set()
    for page in reader(pdf).pages:
        fonts = page.get("/Resources", {}).get("/Font", {})
        for font in fonts.values():
            font = font.get_object()
            descendants = [d.get_object() for d in font.get("/DescendantFonts", [])]
            for each in [font, *descendants]:
                for name in (each.get("/BaseFont"), each.get("/FontDescriptor", {}).get("/FontName")):
                    if name:
                        names.add(str(name).lstrip("/").split("+")[-1].replace("-", ""))
    return names


def link_targets(pdf: bytes) -> list[str]:
    """The /URI of each /Link annotation, page by page; a link without one as None."""
    targets = []
    for page in reader(pdf).pages:
        for annotation in page.get("/Annots") or []:
            annotation = annotation.get_object()
            if annotation.get("/Subtype") == "/Link":
                targets.append(annotation.get("/A", {}).get("/URI"))
    return targets


def letters(text: str) -> set[str]:
    """The letters of a text, in their base forms: an extractor may give Arabic as the
    presentation forms of the glyphs drawn (which NFKC folds back), and in visual order."""
    return {char for char in unicodedata.normalize("NFKC", text) if char.isalpha()}


@dataclass
class Node:
    """An element of the structure tree (``tag``) or a run of its text (``tag`` is None)."""

    tag: str | None
    content: str = ""
    children: list[Node] = field(default_factory=list)

    def iter(self, tag: str | None = None) -> Iterator[Node]:
        for child in self.children:
            if child.tag is not None and (tag is None or child.tag == tag):
                yield child
            yield from child.iter(tag)

    def texts(self) -> list[str]:
        """The runs of text under this element, in reading order."""
        if self.tag is None:
            return [self.content]
        return [text for child in self.children for text in child.texts()]

    def text(self) -> str:
        # The tree keeps each line of a paragraph as its own run, without the space between.
        return normalise(" ".join(self.texts()))


def structure_tree(pdf: bytes) -> Node:
    """The PDF's structure tree as ``pdfinfo -struct-text`` prints it."""
    if shutil.which("pdfinfo") is None:
        # CI installs poppler-utils; a developer's machine may not have it.
        pytest.skip("pdfinfo (poppler-utils) is not installed")
    with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
        file.write(pdf)
        file.flush()
        output = subprocess.run(
            ["pdfinfo", "-struct-text", file.name], check=True, capture_output=True, text=True
        ).stdout
    root = Node(tag="(root)")
    stack: list[tuple[int, Node]] = [(-1, root)]
    for line in output.splitlines():
        if not line.strip():
            continue
        depth = len(line) - len(line.lstrip(" "))
        item = line.strip()
        if item.startswith('"') and item.endswith('"') and len(item) >= 2:
            node = Node(tag=None, content=item[1:-1])
        else:
            node = Node(tag=item.split()[0])
        while stack[-1][0] >= depth:
            stack.pop()
        stack[-1][1].children.append(node)
        stack.append((depth, node))
    return root
