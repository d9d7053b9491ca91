"""Which characters the portal's text may hold: one definition for the forms that refuse
them and for the feeds, CSV files and calendars that must carry what was stored before.

What breaks an output is invisible in a browser, so it is refused at input rather than
guessed at: XML 1.0 (the Atom feeds) forbids C0 controls but tab, LF and CR, and the two
non-characters U+FFFE/U+FFFF; e-mail headers and every "one line" format (a subject, an
iCalendar SUMMARY, a CSV cell read by a spreadsheet) break at any of the line breaks that
``str.splitlines()`` knows, U+2028/U+2029 and U+0085 included. The C1 controls
(U+0080–U+009F) are allowed by XML but are mojibake or terminal escapes in practice.

Kept on purpose: the zero-width joiner and non-joiner, the bidirectional marks and
U+FEFF. Persian, the Indic scripts and emoji need the first two, right-to-left text (Arabic
is a UN language) the marks, and every output here carries all of them.
"""

import re
import unicodedata

# What str.splitlines() splits on, which is also where the e-mail package folds headers.
LINE_BREAKS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"

# Never in any text: the C0 and C1 controls but the three that multi-line text may have,
# the line and paragraph separators, unpaired surrogates and U+FFFE/U+FFFF.
_NEVER = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufffe\uffff"
_UNSAFE_MULTI_LINE = re.compile(f"[{_NEVER}]")
_UNSAFE_SINGLE_LINE = re.compile(f"[{_NEVER}\t\n\r]")

# For what is already stored: a run of breaks (and the blanks around it) is one space in
# single-line text; in multi-line text each break is a newline.
_BREAKS_AND_TABS = re.compile(f"[ \t]*[{LINE_BREAKS}\t]+[ \t]*")
_CRLF = re.compile("\r\n?")
_OTHER_BREAKS = re.compile("[\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")


def unsafe_character(text: str, *, multiline: bool = False) -> tuple[int, str] | None:
    """The position and the first character that ``text`` may not hold, or None.

    Multi-line text (a comment's body, a reason, a description) may hold tab, LF and CR;
    single-line text (a name, a title, a subject) none of them.
    """
    pattern = _UNSAFE_MULTI_LINE if multiline else _UNSAFE_SINGLE_LINE
    match = pattern.search(text)
    return (match.start(), match.group()) if match else None


def code_point(character: str) -> str:
    """ "U+000B": how the refusal names a character nobody can see."""
    return f"U+{ord(character):04X}"


def is_control(character: str) -> bool:
    return unicodedata.category(character) == "Cc"


def clean_text(value, *, multiline: bool = False) -> str:
    """``value`` as text that XML, an e-mail header, a CSV cell or an iCalendar line can carry.

    For what was stored before the forms refused it (or through the shell): single-line
    text gets one space for each run of line breaks and tabs, multi-line text a newline for
    each break (CRLF and CR too); every other character :func:`unsafe_character` names is
    dropped. Text that was safe already comes back unchanged.
    """
    text = "" if value is None else str(value)
    if unsafe_character(text, multiline=multiline) is None:
        return text
    if multiline:
        return _UNSAFE_MULTI_LINE.sub("", _OTHER_BREAKS.sub("\n", _CRLF.sub("\n", text)))
    return _UNSAFE_SINGLE_LINE.sub("", _BREAKS_AND_TABS.sub(" ", text)).strip()


# A spreadsheet reads a cell that begins with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value) -> str:
    """One cell of a CSV file the secretariat or the public opens in a spreadsheet: one line
    of text (:func:`clean_text`), with a leading apostrophe when it would start a formula."""
    text = clean_text(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text
