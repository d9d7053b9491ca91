"""Two edits of one summary from the same revision, put together paragraph by paragraph.

The unit is the paragraph (a block of the markup between blank lines): two people who
changed different paragraphs both keep their changes; two who changed the same one must
choose. merge3 does the three-way merge; this module only cuts the text into paragraphs
and says what came from whom.
"""

from dataclasses import dataclass, field

from merge3 import Merge3

from .markup import join_paragraphs, split_paragraphs


@dataclass(frozen=True)
class Conflict:
    """Paragraphs both sides changed: as the base had them, as theirs, as mine."""

    base: tuple[str, ...]
    theirs: tuple[str, ...]
    mine: tuple[str, ...]


@dataclass(frozen=True)
class Merged:
    text: str
    # Paragraphs the result keeps from the other save (as they read there).
    from_theirs: tuple[str, ...] = ()
    conflicts: tuple[Conflict, ...] = field(default=())

    @property
    def is_clean(self) -> bool:
        return not self.conflicts


def merge(*, base: str, theirs: str, mine: str) -> Merged:
    """Merge ``mine`` (the save arriving now) into ``theirs`` (saved meanwhile), both from ``base``."""
    result: list[str] = []
    from_theirs: list[str] = []
    conflicts: list[Conflict] = []
    merger = Merge3(split_paragraphs(base), split_paragraphs(theirs), split_paragraphs(mine))
    for group in merger.merge_groups():
        kind, *parts = group
        if kind == "conflict":
            kept, taken, clashes = _settle(*(tuple(part) for part in parts))
            result.extend(kept)
            from_theirs.extend(taken)
            conflicts.extend(clashes)
        else:
            # "unchanged", "same" (both made the same change), "a" (theirs only), "b" (mine only)
            lines = list(parts[0])
            if kind == "a":
                from_theirs.extend(lines)
            result.extend(lines)
    return Merged(text=join_paragraphs(result), from_theirs=tuple(from_theirs), conflicts=tuple(conflicts))


def _settle(
    base: tuple[str, ...], theirs: tuple[str, ...], mine: tuple[str, ...]
) -> tuple[list[str], list[str], list[Conflict]]:
    """What merge3 calls a conflict may still be edits of different paragraphs.

    merge3 works as diff3 does: changes with no unchanged paragraph between them form one
    conflict. Two people who edited neighbouring paragraphs, or who each added paragraphs
    at the same place, changed no paragraph in common: both keep their work. Only a
    paragraph that both changed, each in their own way, is a conflict.
    """
    if not base:  # both added paragraphs here: theirs first, as they were saved first
        return [*theirs, *mine], list(theirs), []
    if len(base) == len(theirs) == len(mine):
        kept, taken, clashes = [], [], []
        for was, their, my in zip(base, theirs, mine, strict=True):
            if their in (was, my):
                kept.append(my)
            elif my == was:
                kept.append(their)
                taken.append(their)
            else:
                kept.append(my)
                clashes.append(Conflict(base=(was,), theirs=(their,), mine=(my,)))
        return kept, taken, clashes
    return list(mine), [], [Conflict(base=base, theirs=theirs, mine=mine)]
