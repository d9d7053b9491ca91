"""A dialogue's sign-in sheet (CSV or XLSX) read into rows, and each row matched to an
organisation and one of its representatives. Reads only: the import itself is
``services.participation_import``, once the secretariat has seen the preview.

The CSV is read by the ``csv`` module (its dialect sniffed: Excel writes ``;`` in much of
Europe), the XLSX by openpyxl: no parser of our own.
"""

import csv
import io
import zipfile
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models import Q
from django.db.models.functions import Upper
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from stakeholders import selectors as stakeholder_selectors
from stakeholders.matching import fold_name
from stakeholders.models import Organisation, Representative

from .models import Dialogue, Registration

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 2000
HEADING_SEARCH = 10

# Each column the sheet may have, and the headings it may go by (compared folded: case,
# accents and punctuation aside). Organisation and name are required.
COLUMNS = {
    "organisation": ("organisation", "organization", "organisation name", "organization name", "acronym"),
    "name": ("name", "representative", "participant", "full name", "name as in passport"),
    "email": ("email", "e mail", "email address", "e mail address"),
    "title": ("title", "position", "function"),
    "present": ("present", "attended", "attendance"),
}
REQUIRED = ("organisation", "name")
# What the upload page says about each column, in the template's order.
COLUMN_HELP = [
    ("organisation", gettext_lazy("Required. The organisation's name or acronym, as registered.")),
    ("name", gettext_lazy("Required. The representative's name as in passport.")),
    ("email", gettext_lazy("The representative's e-mail: needed to add someone not yet on the list.")),
    ("title", gettext_lazy("Optional. The representative's title, for someone added.")),
    (
        "present",
        gettext_lazy(
            "Optional. “no” for someone registered who did not come; anything else, or empty, is present."
        ),
    ),
]
ABSENT = {"no", "n", "0", "false", "absent", "non", "nein"}
TEMPLATE_CSV = (
    "organisation,name,email,title,present\r\nExample Network,Jane Doe,jane.doe@example.org,Director,yes\r\n"
)


@dataclass(frozen=True)
class SheetRow:
    number: int  # as the spreadsheet numbers it (the heading is row 1)
    organisation: str
    name: str
    email: str = ""
    title: str = ""
    present: bool = True

    def as_list(self) -> list:
        return [self.number, self.organisation, self.name, self.email, self.title, self.present]

    @classmethod
    def from_list(cls, values: list) -> "SheetRow":
        number, organisation, name, email, title, present = values
        return cls(int(number), str(organisation), str(name), str(email), str(title), bool(present))


def _file_error(message: str) -> ValidationError:
    return ValidationError({"file": [message]})


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


def _csv_table(data: bytes) -> list[list[str]]:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - cp1252 decodes almost anything
        raise _file_error(_("The CSV file's text could not be read: save it as UTF-8."))
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    return [[_cell(value) for value in row] for row in csv.reader(io.StringIO(text), dialect)]


def _xlsx_table(data: bytes) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise _file_error(_("This is not an Excel workbook (.xlsx) that can be read.")) from exc
    try:
        sheet = workbook.worksheets[0]
        return [[_cell(value) for value in row] for row in sheet.iter_rows(values_only=True)]
    finally:
        workbook.close()


def read_sheet(*, name: str, data: bytes) -> list[SheetRow]:
    """The rows of an uploaded sign-in sheet (CSV or XLSX, by its name); the first
    non-empty row holds the headings. Raises a ValidationError on ``file`` saying what is wrong."""
    if len(data) > MAX_BYTES:
        raise _file_error(_("The file is larger than 2 MB: split it, or remove what is not the list."))
    lowered = name.lower()
    if lowered.endswith(".csv"):
        table = _csv_table(data)
    elif lowered.endswith(".xlsx"):
        table = _xlsx_table(data)
    else:
        raise _file_error(_("Upload a CSV file (.csv) or an Excel workbook (.xlsx)."))
    numbered = [(number, row) for number, row in enumerate(table, start=1) if any(row)]
    if not numbered:
        raise _file_error(_("The file is empty."))
    aliases = {fold_name(alias): column for column, names in COLUMNS.items() for alias in names}

    def columns_of(headings: list[str]) -> dict[str, int]:
        positions: dict[str, int] = {}
        for position, heading in enumerate(headings):
            column = aliases.get(fold_name(heading))
            if column and column not in positions:
                positions[column] = position
        return positions

    # A sign-in sheet often has a title or a date above its table: the headings are the
    # first row (of the first few) that names the required columns.
    for index, (_number, headings) in enumerate(numbered[:HEADING_SEARCH]):
        positions = columns_of(headings)
        if all(column in positions for column in REQUIRED):
            body = numbered[index + 1 :]
            break
    else:
        headings = numbered[0][1]
        missing = [column for column in REQUIRED if column not in columns_of(headings)]
        raise _file_error(
            _("The first row must name the columns; missing: %(missing)s. Found: %(found)s.")
            % {"missing": ", ".join(missing), "found": ", ".join(h for h in headings if h) or "—"}
        )
    if len(body) > MAX_ROWS:
        raise _file_error(_("At most %(count)d rows at once.") % {"count": MAX_ROWS})

    def value(row: list[str], column: str) -> str:
        position = positions.get(column)
        return row[position] if position is not None and position < len(row) else ""

    return [
        SheetRow(
            number=number,
            organisation=value(row, "organisation"),
            name=value(row, "name"),
            email=value(row, "email").lower(),
            title=value(row, "title"),
            present=fold_name(value(row, "present")) not in ABSENT,
        )
        for number, row in body
        if value(row, "organisation") or value(row, "name")
    ]


# --- Matching -------------------------------------------------------------------------

MATCHED, UNMATCHED, AMBIGUOUS = "matched", "unmatched", "ambiguous"


@dataclass
class RowMatch:
    """What a row of the sheet is: matched (to an organisation and a representative, or one
    to add), unmatched (``reason``), or ambiguous (``candidates`` to choose from)."""

    row: SheetRow
    status: str = UNMATCHED
    reason: str = ""
    organisation: Organisation | None = None
    representative: Representative | None = None
    # Organisations or representatives the row could be, when it is ambiguous.
    candidates: list = field(default_factory=list)
    choosing: str = ""  # "organisation" or "representative"
    # No such representative, but the row names one that could be added.
    can_create: bool = False
    create: bool = False
    control: object = None  # the preview form's field for this row, set by the page

    @property
    def is_matched(self) -> bool:
        return self.status == MATCHED

    @property
    def is_ambiguous(self) -> bool:
        return self.status == AMBIGUOUS

    @property
    def adds_representative(self) -> bool:
        return self.is_matched and self.representative is None


def _valid_email(address: str) -> bool:
    try:
        validate_email(address)
    except ValidationError:
        return False
    return True


def match_rows(
    *,
    dialogue: Dialogue,
    rows: list[SheetRow],
    choices: dict[int, int] | None = None,
    create: set[int] | frozenset = frozenset(),
) -> list[RowMatch]:
    """Match each row to an organisation (its name or acronym, folded) and one of its
    representatives (e-mail, else name folded). ``choices`` resolves an ambiguous row
    (row number → the chosen candidate's id); ``create``: rows whose unknown
    representative is to be added. A fixed number of queries, whatever the rows."""
    choices = choices or {}
    names = {fold_name(row.organisation) for row in rows if row.organisation}
    acronyms = {row.organisation.strip().upper() for row in rows if row.organisation.strip()}
    organisations = list(
        Organisation.objects.annotate(acronym_upper=Upper("acronym")).filter(
            Q(name_key__in=names) | Q(acronym_upper__in=acronyms)
        )
    )
    by_name = {organisation.name_key: organisation for organisation in organisations}
    by_acronym: dict[str, list[Organisation]] = defaultdict(list)
    for organisation in organisations:
        if organisation.acronym:
            by_acronym[fold_name(organisation.acronym)].append(organisation)
    ids = [organisation.pk for organisation in organisations]
    bars = stakeholder_selectors.participation_bars(organisation_ids=ids, dialogue=dialogue)
    people: dict[int, list[Representative]] = defaultdict(list)
    for representative in Representative.objects.filter(organisation__in=ids).order_by("name", "id"):
        people[representative.organisation_id].append(representative)
    # An organisation's live application names who may attend: someone else cannot be added.
    named: dict[int, set[int]] = {}
    for organisation_id, representative_id in Registration.objects.filter(
        dialogue=dialogue,
        organisation__in=ids,
        state__in=[Registration.State.APPLIED, Registration.State.APPROVED],
    ).values_list("organisation_id", "representatives"):
        named.setdefault(organisation_id, set()).add(representative_id)

    matches = []
    for row in rows:
        match = RowMatch(row=row)
        matches.append(match)
        if not row.organisation or not row.name:
            match.reason = (
                _("The row names no organisation.") if not row.organisation else _("The row names nobody.")
            )
            continue
        key = fold_name(row.organisation)
        candidates = [by_name[key]] if key in by_name else by_acronym.get(key, [])
        chosen = choices.get(row.number)
        if len(candidates) > 1 and chosen in {c.pk for c in candidates}:
            candidates = [c for c in candidates if c.pk == chosen]
        if not candidates:
            match.reason = _("No such organisation: register it first.")
            continue
        if len(candidates) > 1:
            match.status, match.choosing = AMBIGUOUS, "organisation"
            match.candidates = sorted(candidates, key=lambda c: (c.name, c.pk))
            match.reason = _("Several organisations go by this name or acronym: choose one.")
            continue
        organisation = match.organisation = candidates[0]
        if bars[organisation.pk] == stakeholder_selectors.NOT_ADMITTED:
            match.reason = _("Not admitted as an observer: it cannot take part.")
            continue
        if bars[organisation.pk] == stakeholder_selectors.OBJECTED_TO:
            match.reason = _("A State party objected to its participation in this dialogue.")
            continue
        known = people.get(organisation.pk, [])
        found = [rep for rep in known if row.email and rep.email.lower() == row.email]
        if not found:
            found = [rep for rep in known if fold_name(rep.name) == fold_name(row.name)]
        if len(found) > 1 and row.number in choices:
            found = [rep for rep in found if rep.pk == choices[row.number]] or found
        if len(found) > 1:
            match.status, match.choosing = AMBIGUOUS, "representative"
            match.candidates = found
            match.reason = _("Several representatives of the organisation go by this name: choose one.")
            continue
        application = named.get(organisation.pk)
        if not found:
            match.can_create = bool(row.email and _valid_email(row.email)) and application is None
            if application is not None:
                match.reason = _(
                    "No such representative on the organisation's application for this dialogue."
                )
            elif row.number in create and match.can_create:
                match.status, match.create, match.reason = MATCHED, True, ""
            elif match.can_create:
                match.reason = _("No such representative of the organisation: tick to add them.")
            else:
                match.reason = _(
                    "No such representative of the organisation, and no valid e-mail to add them."
                )
            continue
        match.representative = found[0]
        if application is not None and found[0].pk not in application:
            match.reason = _("Not named in the organisation's application for this dialogue.")
            continue
        match.status = MATCHED
    return matches
