"""Ids, text and list filters read from a query string (prm/filters.py)."""

import pytest
from django import forms
from django.http import QueryDict
from django.test import RequestFactory

from prm.filters import BIGINT_MAX, IdField, QueryForm, SafeChangeList, parse_id
from prm.workspace.sites import tenant_admin_site


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1", 1),
        ("0042", 42),
        (str(BIGINT_MAX), BIGINT_MAX),
        (str(BIGINT_MAX + 1), None),
        ("99999999999999999999", None),
        ("0", None),
        ("-1", None),
        ("+1", None),
        (" 1", None),
        ("1abc", None),
        ("x", None),
        ("", None),
        ("\x00", None),
        ("1\x00", None),
        ("\u00b2", None),  # '²'.isdigit() is True, int('²') raises
        ("\u0663", None),  # int('٣') is 3: still not an id typed in ASCII
        ("1.0", None),
        ("1_000", None),
    ],
)
def test_parse_id_takes_only_ascii_digits_within_bigint(text, expected):
    assert parse_id(text) == expected


def test_parse_id_refuses_what_is_not_text():
    assert parse_id(None) is None
    assert parse_id(7) is None


class _Filters(QueryForm):
    status = forms.ChoiceField(choices=[("", "All"), ("open", "Open")])
    q = forms.CharField(max_length=10)
    owner = IdField()


def test_a_query_form_leaves_out_only_the_values_it_refuses():
    values = _Filters(QueryDict("status=open&q=a%00b&owner=%C2%B2")).values()
    assert values == {"status": "open", "q": "", "owner": None}
    values = _Filters(QueryDict("status=nope&q=+acme+&owner=12")).values()
    assert values == {"status": "", "q": "acme", "owner": 12}


def test_a_query_form_without_the_parameters_gives_empty_values():
    assert _Filters(QueryDict("")).values() == {"status": "", "q": "", "owner": None}


def test_every_tenant_model_admin_checks_its_filter_values():
    # An app that gives its model admin a changelist of its own derives it from SafeChangeList.
    request = RequestFactory().get("/")
    for model, model_admin in tenant_admin_site._registry.items():
        assert issubclass(model_admin.get_changelist(request), SafeChangeList), model
