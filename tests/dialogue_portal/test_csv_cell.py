"""The one CSV formula guard (dialogue_portal.text.csv_cell), used by every CSV the portal writes."""

import pytest

from dialogue_portal.text import csv_cell


@pytest.mark.parametrize("start", ["=", "+", "-", "@"])
def test_csv_cell_formula_gets_an_apostrophe(start):
    assert (
        csv_cell(f'{start}HYPERLINK("http://evil.example")') == f'\'{start}HYPERLINK("http://evil.example")'
    )


def test_csv_cell_is_one_line_and_none_is_empty():
    assert csv_cell("Women\nAgainst\tViolence") == "Women Against Violence"
    assert csv_cell("\tindented") == "indented"  # the tab goes with the cleaning
    assert csv_cell(None) == ""


def test_csv_cell_leaves_plain_text_alone():
    assert csv_cell("Coalition for Safer Communities") == "Coalition for Safer Communities"
