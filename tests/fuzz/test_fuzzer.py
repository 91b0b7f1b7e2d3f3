"""The fuzzer finds what it is for: a bad parse, and a refused request that wrote anyway."""

import pytest

from prm.tenancy.roles import Role

from .fuzzer import Fuzzer
from .pages import read_page

pytestmark = [pytest.mark.urls("tests.fuzz.selftest_urls"), pytest.mark.django_db]


def _fuzz(ours, host_client, url: str) -> Fuzzer:
    fuzzer = Fuzzer(host_client(ours.host, ours.members[Role.PROGRAM_LEADER]))
    fuzzer.fuzz("get", url)
    return fuzzer


def test_the_fuzzer_finds_a_parse_that_raises(ours, host_client):
    failures = _fuzz(ours, host_client, "/parses-badly/").failures
    # `deal` is found because the view reads it, and '²' makes int() raise.
    assert any("ValueError" in f and "deal='\\xb2'" in f for f in failures), failures


def test_the_fuzzer_passes_the_same_page_reading_through_parse_id(ours, host_client):
    fuzzer = _fuzz(ours, host_client, "/parses-well/")
    assert fuzzer.failures == []
    assert fuzzer.requests > 20


def test_the_fuzzer_finds_a_refused_request_that_wrote(ours, host_client):
    failures = _fuzz(ours, host_client, "/writes-then-refuses/").failures
    assert any("refused (400) yet wrote ['audit_auditevent']" in f for f in failures), failures


def test_the_fuzzer_finds_a_form_that_saves_before_it_validates(ours, host_client):
    failures = _fuzz(ours, host_client, "/saves-before-validating/").failures
    assert any("refused (200) yet wrote ['audit_auditevent']" in f for f in failures), failures


def test_a_page_gives_its_links_query_names_and_its_post_forms_fields():
    html = """
      <a href="?status=open&amp;page=2">next</a> <a href="/elsewhere/?ignored=1">x</a>
      <form method="get"><input name="q"></form>
      <form method="post">
        <input type="hidden" name="csrfmiddlewaretoken" value="t">
        <input name="name" value="">
        <input type="number" name="rank" value="3">
        <input name="goals-0-target" value="1"><input name="goals-1-target" value="2">
        <input name="goals-__prefix__-target" value="">
        <select name="tier"><option value="">---</option><option value="7">Gold</option></select>
        <textarea name="notes">
hello</textarea>
        <input type="checkbox" name="active" checked>
        <button type="submit" name="_save" value="Save">Save</button>
      </form>
      <form method="post" action="/admin/logout/"><input name="other"></form>
    """
    page = read_page(html, "/admin/partners/tier/add/")
    assert page.query_names == {"status", "page", "q"}
    (form,) = page.forms
    assert form.typed() == ["name", "rank", "goals-0-target", "tier", "notes", "active"]
    assert form.kinds["rank"] == "number"
    assert form.kinds["tier"] == "choice"
    data = form.data()
    assert data["tier"] == ["7"]  # the first real choice, so the form can be valid
    assert data["notes"] == ["hello"]
    assert data["active"] == ["on"]
    assert data["_save"] == ["Save"]
    assert data["name"] != [""]
