"""Uploads: type, size and encoding checks, `,` `;` or tab separators, headers, row numbers."""

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import TextChoices
from django.utils import translation
from django.utils.translation import gettext_lazy

from prm.csvio.importing import (
    ImportColumn,
    LookupField,
    choice_lookup,
    country_lookup,
    map_header,
    read_table,
    unread_headings,
    validate_rows,
)
from prm.csvio.reading import read_upload, split_rows
from prm.csvio.writing import csv_lines

COLUMNS = [
    ImportColumn("name", "Name", "the name", required=True),
    ImportColumn("size_band", gettext_lazy("Size"), "the size"),
]
MB = 1024 * 1024


def upload(content: bytes, name: str = "partners.csv", content_type: str = "text/csv"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def table(content: bytes, **kwargs):
    return read_table(upload(content), columns=COLUMNS, max_bytes=MB, max_rows=100, **kwargs)


@pytest.mark.parametrize(
    "content",
    [
        b"Name,Size\r\nAcme,Big\r\n",
        b"\xef\xbb\xbfName,Size\r\nAcme,Big\r\n",  # Excel's "CSV UTF-8" starts with a BOM
        b"\xef\xbb\xbfName;Size\r\nAcme;Big\r\n",  # and separates by ; where , is the decimal mark
        b"Name\tSize\nAcme\tBig\n",
        b'"Name";"Size"\n"Acme";"Big"',
    ],
)
def test_utf8_with_or_without_bom_and_any_common_separator_reads_the_same(content):
    [row] = table(content)
    assert (row.number, row.values) == (2, {"name": "Acme", "size_band": "Big"})


def test_a_comma_inside_a_semicolon_file_stays_in_its_cell():
    [row] = table("Name;Size\nMüller, Söhne & Co;1,5\n".encode())
    assert row.values == {"name": "Müller, Söhne & Co", "size_band": "1,5"}


def test_rows_are_numbered_like_a_spreadsheet_and_blank_rows_are_skipped():
    rows = table(b"Name,Size\nA,1\n,\n\nB,2\n")
    assert [(r.number, r.values["name"]) for r in rows] == [(2, "A"), (5, "B")]


def test_an_exported_cell_imports_as_it_was_typed():
    exported = "".join(csv_lines(["Name", "Size"], [["=Acme", "-5"], ["'plain", "@x"]]))
    rows = table(exported.encode())
    assert [r.values for r in rows] == [
        {"name": "=Acme", "size_band": "-5"},
        {"name": "'plain", "size_band": "@x"},
    ]


@pytest.mark.parametrize(
    ("name", "content_type", "content", "message"),
    [
        ("partners.xlsx", "text/csv", b"Name\nA\n", "Upload a .csv file."),
        ("partners.csv", "image/png", b"Name\nA\n", "not a CSV file"),
        ("partners.csv", "text/csv", "Name\nZoë\n".encode("utf-16"), "not a text file"),
        ("partners.csv", "text/csv", "Name\nZoë\n".encode("latin-1"), "not UTF-8 text (line 2)"),
        ("partners.csv", "text/csv", b"", "The file is empty."),
        ("partners.csv", "text/csv", b"\n\n", "The file is empty."),
    ],
)
def test_files_that_are_not_utf8_csv_are_refused_with_a_reason(
    name, content_type, content, message
):
    with pytest.raises(ValidationError) as exc:
        read_table(upload(content, name, content_type), columns=COLUMNS, max_bytes=MB, max_rows=100)
    assert message in " ".join(exc.value.messages)


@pytest.mark.parametrize(
    "content_type", ["text/csv", "text/plain; charset=utf-8", "application/vnd.ms-excel"]
)
def test_the_content_types_browsers_send_for_csv_are_accepted(content_type):
    assert read_upload(upload(b"Name\n", content_type=content_type), max_bytes=MB) == "Name\n"


def test_a_file_over_the_size_limit_is_refused_even_if_it_claims_less():
    big = upload(b"Name\n" + b"A" * 2000)
    with pytest.raises(ValidationError, match="The file is too large"):
        read_upload(big, max_bytes=1049)
    big.size = 10  # a client may say anything: what is read counts
    with pytest.raises(ValidationError, match="too large"):
        read_upload(big, max_bytes=1049)


def test_a_file_over_the_row_limit_is_refused():
    with pytest.raises(ValidationError, match="more than 3 rows"):
        split_rows("Name\n" + "A\n" * 4, max_rows=3)
    assert len(split_rows("Name\n" + "A\n" * 3, max_rows=3)[1]) == 3


def test_broken_csv_is_refused_with_its_line():
    with pytest.raises(ValidationError, match="cannot be read as CSV near line 2"):
        split_rows('Name\n"' + "A" * 140_000 + '"\n', max_rows=3)


def test_headings_match_by_key_or_label_in_any_case_and_order():
    assert map_header(["SIZE", " name "], COLUMNS) == ["size_band", "name"]
    assert map_header(["size_band", "Name"], COLUMNS) == ["size_band", "name"]
    with translation.override("de"):
        # the English label works in every language
        assert map_header(["Name", "size"], COLUMNS) == ["name", "size_band"]


def test_heading_problems_are_all_listed():
    with pytest.raises(ValidationError) as exc:
        map_header(["Size", "Colour", "Size"], COLUMNS)
    assert exc.value.messages == [
        "Unknown column “Colour”. The columns are: Name, Size.",
        "The column “Size” appears twice.",
        "The column “Name” is missing.",
    ]


def test_ignored_and_empty_headings_are_skipped():
    assert map_header(["Name", "Active users", ""], COLUMNS, ignored=["Active users"]) == [
        "name",
        None,
        None,
    ]
    assert unread_headings(["Name", "Active users"], COLUMNS) == ["Active users"]


def test_a_value_under_no_heading_is_refused_but_a_trailing_empty_cell_is_not():
    assert table(b"Name,Size,\nA,1,\n")[0].values == {"name": "A", "size_band": "1"}
    with pytest.raises(ValidationError, match="Row 2 has 3 values, but the header has 2 columns"):
        table(b"Name,Size\nA,1,oops\n")
    with pytest.raises(ValidationError, match="Row 3 has a value in column 2"):
        table(b"Name,,Size\nA,,1\nB,x,2\n")


def test_an_unclosed_quote_is_refused_instead_of_swallowing_the_rest_of_the_line():
    header = "Name,Type,Tier,Country,Region,Industry,Size,Website,Status"
    text = f'{header}\nGood,Reseller,,DE,,,,,\n"Broken,Reseller,,DE,,,,,\n'
    with pytest.raises(ValidationError) as exc:
        split_rows(text, max_rows=10)
    assert exc.value.messages == [
        "Row 3 (line 3) opens a quote that is never closed, so the rest of the file would be "
        'read as one value. Close the quote; a quote inside a value is written as two quotes ("").'
    ]


def test_a_quoting_error_names_the_row_and_the_line_it_starts_on():
    # a value on two lines is fine: row 2 takes lines 2 and 3, so row 3 starts on line 4
    text = 'Name,Notes\nA,"two\nlines"\n"B" and more,x\n'
    with pytest.raises(ValidationError, match=r"Row 3 \(line 4\) has text after the closing quote"):
        split_rows(text, max_rows=10)
    assert split_rows('Name,Notes\nA,"two\nlines"\n', max_rows=10)[1] == [(2, ["A", "two\nlines"])]


def test_rows_with_more_or_fewer_values_than_the_header_are_all_named():
    text = "Name;Size\nA;1\nB\nC;1,5;x\n;\n\nD;2\n"
    with pytest.raises(ValidationError) as exc:
        split_rows(text, max_rows=10)
    assert exc.value.messages == [
        "Row 3 has 1 value, but the header has 2 columns.",
        "Row 4 has 3 values, but the header has 2 columns.",
        "Every row needs one value (or an empty cell) per column. A value that contains the "
        "separator (;) must be in double quotes.",
    ]


def test_many_rows_of_the_wrong_length_are_counted_after_the_first_ten():
    with pytest.raises(ValidationError) as exc:
        split_rows("Name,Size\n" + "A\n" * 14, max_rows=100)
    assert exc.value.messages[9] == "Row 11 has 1 value, but the header has 2 columns."
    assert exc.value.messages[10] == "4 more rows have the wrong number of values."


def test_a_column_the_file_lacks_is_empty():
    assert table(b"Name\nA\n")[0].values == {"name": "A", "size_band": ""}


class Colour(TextChoices):
    DARK_RED = "dark-red", "Dark red"


class RowForm(forms.Form):
    name = forms.CharField(max_length=5)
    size_band = LookupField(lookup={"big": "L", "small": "S"}, hint="Use big or small.", empty="M")


def test_rows_are_validated_by_a_form_and_errors_name_row_and_column():
    rows = table(b"Name,Size\nAcme,BIG\nToo long a name,huge\nZed,\n")
    clean, errors = validate_rows(rows, lambda data: RowForm(data), COLUMNS)
    assert [(r.number, r.values) for r in clean] == [
        (2, {"name": "Acme", "size_band": "L"}),
        (4, {"name": "Zed", "size_band": "M"}),
    ]
    assert [(e.row, e.column) for e in errors] == [(3, "Name"), (3, "Size")]
    assert errors[1].message == "“huge” is not one of the choices. Use big or small."


def test_choices_and_countries_are_found_by_code_or_name():
    lookup = choice_lookup(Colour)
    assert lookup["dark-red"] == lookup["dark red"] == "dark-red"
    countries = country_lookup()
    assert countries["de"] == countries["deu"] == countries["germany"] == "DE"
    with translation.override("de"):
        assert country_lookup()["deutschland"] == "DE"
