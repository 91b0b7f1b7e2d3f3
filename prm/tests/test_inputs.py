"""The text and date checks every form field gets (prm.inputs)."""

from datetime import UTC, date, datetime

import pytest
from django import forms
from django.core.exceptions import ValidationError

from prm.forms import Form
from prm.inputs import EARLIEST, LATEST, VisibleText, hidden_character

HIDING = {
    "right-to-left override": "\u202e",
    "left-to-right isolate": "\u2066",
    "pop directional isolate": "\u2069",
    "right-to-left mark": "\u200f",
    "zero-width space": "\u200b",
    "word joiner": "\u2060",
    "soft hyphen": "\u00ad",
    "byte order mark": "\ufeff",
    "tag letter": "\U000e0041",
    "hangul filler": "\u3164",
    "braille blank": "\u2800",
    "line separator": "\u2028",
    "NUL": "\x00",
    "escape": "\x1b",
    "delete": "\x7f",
}


class Sample(Form):
    name = forms.CharField(max_length=200)
    notes = forms.CharField(widget=forms.Textarea, required=False)
    website = forms.URLField(required=False, assume_scheme="https")
    password = forms.CharField(widget=forms.PasswordInput, required=False)
    on = forms.DateField(required=False)
    at = forms.DateTimeField(required=False)

    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["added"] = forms.CharField(required=False)  # added after the base's init


def errors(**data: str) -> dict:
    form = Sample({"name": "Acme", **data})
    form.is_valid()
    return form.errors


@pytest.mark.parametrize("char", HIDING.values(), ids=HIDING.keys())
def test_control_bidi_and_invisible_characters_are_refused_in_every_text_field(char):
    assert "name" in errors(name=f"Ac{char}me")
    assert "notes" in errors(notes=f"Line{char}two")
    assert "added" in errors(added=f"x{char}y")


def test_the_message_says_which_character_and_where():
    assert errors(name="Ac\u202eme")["name"] == [
        "Remove the invisible or control character at position 3 (U+202E RIGHT-TO-LEFT "
        "OVERRIDE): it can disguise what the text says."
    ]


def test_a_multi_line_text_keeps_its_line_breaks_and_tabs_a_single_line_text_has_none():
    assert errors(notes="First line\r\nSecond\tline\n") == {}
    assert "name" in errors(name="Acme\tCorp")
    assert "name" in errors(name="Acme\nCorp")


@pytest.mark.parametrize(
    "text",
    [
        "Müller & Söhne GmbH",
        "Ωmega Ελλάς",
        "شركة النور",
        "می\u200cخواهم",  # noqa: RUF001 - Persian needs the zero-width non-joiner
        "क्\u200dष",  # a zero-width joiner shapes Devanagari
        "東京株式会社",
        "Family 👨\u200d👩\u200d👧 Travel",
        "Snow ❄\ufe0f",  # a variation selector picks the emoji form
    ],
)
def test_letters_of_every_script_joiners_and_emoji_are_accepted(text):
    assert hidden_character(text) is None
    assert errors(name=text) == {}


def test_a_password_is_not_checked():
    assert errors(password="pa\u200bss") == {}


@pytest.mark.parametrize(
    "value",
    [EARLIEST.isoformat(), LATEST.isoformat(), "2026-12-06"],
)
def test_dates_from_1900_to_2100_are_accepted(value):
    assert errors(on=value) == {}


@pytest.mark.parametrize("value", ["1899-12-31", "2101-01-01", "9999-12-31", "0001-01-01"])
def test_dates_outside_1900_to_2100_are_refused_with_the_range(value):
    assert errors(on=value)["on"] == ["Enter a date between Jan 1, 1900 and Dec 31, 2100."]
    assert "at" in errors(at=f"{value} 10:00")


def test_the_checks_are_added_once_however_often_a_form_is_validated():
    form = Sample({"name": "Acme"})
    form.full_clean()
    form.full_clean()
    assert sum(isinstance(v, VisibleText) for v in form.fields["name"].validators) == 1
    assert not any(isinstance(v, VisibleText) for v in Sample.base_fields["name"].validators)


def test_the_range_check_takes_dates_and_moments():
    from prm.inputs import validate_date_range

    validate_date_range(date(2000, 1, 1))
    validate_date_range(datetime(2000, 1, 1, 12, tzinfo=UTC))
    with pytest.raises(ValidationError):
        validate_date_range(datetime(2200, 1, 1, tzinfo=UTC))
