"""Exports: formula-safe cells, a BOM, every cell quoted, streamed in the request's context."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.utils import timezone, translation
from django.utils.html import format_html
from django.utils.translation import gettext_lazy
from django_scopes import scope
from django_scopes.state import get_scope

from prm.csvio.writing import cell, csv_lines, csv_response, export_filename, neutralise


@pytest.mark.parametrize("first", ["=", "+", "-", "@", "\t", "\r"])
def test_text_starting_with_a_formula_character_is_neutralised(first):
    text = f'{first}HYPERLINK("https://evil.example","click")'
    assert neutralise(text) == "'" + text
    assert cell(text) == "'" + text


@pytest.mark.parametrize("text", ["Acme", "a=b", "1+1", " =1+1", "", "'quoted", "Zoë & Co"])
def test_other_text_is_kept(text):
    assert cell(text) == text


def test_numbers_written_as_numbers_stay_numbers_but_the_same_text_is_neutralised():
    assert cell(-5) == -5
    assert cell(Decimal("-12.50")) == Decimal("-12.50")
    assert cell(-0.5) == -0.5
    # A user who types "-5" into a text field gets text, and text is never trusted.
    assert cell("-5") == "'-5"


def test_lazy_text_and_html_from_display_methods_are_plain_text():
    assert cell(gettext_lazy("Active")) == "Active"
    assert cell(format_html("<b>{}</b> &amp; more", "Acme")) == "Acme & more"
    # Neutralised after the tags are gone: the cell a spreadsheet sees starts with =.
    assert cell(format_html("<b>{}</b>", "=cmd")) == "'=cmd"


def test_dates_times_booleans_and_nothing():
    assert cell(None) == ""
    assert cell(date(2025, 1, 31)) == "2025-01-31"
    with timezone.override("Europe/Berlin"):
        assert cell(datetime(2025, 1, 31, 23, 30, tzinfo=UTC)) == "2025-02-01 00:30"
    assert (cell(True), cell(False)) == ("yes", "no")


def test_lines_start_with_a_bom_and_quote_every_cell():
    lines = list(csv_lines(["Name", "Count"], [["a;=1+1", 3], ["=SUM(A1)", -2]]))
    assert lines[0] == '\ufeff"Name","Count"\r\n'
    # The semicolon stays inside its quoted cell; the formula is text.
    assert lines[1] == '"a;=1+1","3"\r\n'
    assert lines[2] == '"\'=SUM(A1)","-2"\r\n'


def test_a_response_streams_rows_in_the_language_and_scope_of_the_request():
    seen_scopes = []

    def rows():
        for label in (gettext_lazy("Yes"), gettext_lazy("No")):
            seen_scopes.append(get_scope().get("tenant"))
            yield [label]

    with translation.override("de"), scope(tenant="the-tenant"):
        response = csv_response(filename="x.csv", header=[gettext_lazy("Status")], rows=rows())
    assert seen_scopes == []  # nothing is read before the body streams
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body == '\ufeff"Status"\r\n"Ja"\r\n"Nein"\r\n'
    assert seen_scopes == ["the-tenant", "the-tenant"]
    assert get_scope().get("tenant") is None  # and the scope does not leak past the stream
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="x.csv"'
    assert "no-store" in response["Cache-Control"]


def test_a_response_streams_large_lists_in_chunks():
    response = csv_response(filename="x.csv", header=["n"], rows=([i] for i in range(1200)))
    chunks = list(response.streaming_content)
    assert len(chunks) == 3  # 500 + 500 + 200 rows (the header rides with the first chunk)
    assert b"".join(chunks).count(b"\r\n") == 1201


def test_export_file_names_say_whose_what_and_when():
    assert export_filename("acme", "partners", date(2025, 1, 31)) == "acme-partners-2025-01-31.csv"
    assert export_filename("acme", "Partners import template") == (
        "acme-partners-import-template.csv"
    )
