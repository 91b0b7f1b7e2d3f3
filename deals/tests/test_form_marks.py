"""The registration form marks its required fields visibly, says what the mark means, and
heads its sections with headings (legends styled as such), not with labels' look-alikes."""

import re

import pytest
from django_scopes import scope

from deals.forms import DealForm
from deals.models import Product

from .test_portal_views import product, rep_client  # noqa: F401  (product: the fixture)

pytestmark = pytest.mark.django_db

MARK = '<span class="required-mark" aria-hidden="true">*</span>'


def _label(page: str, field: str) -> str:
    found = re.search(rf'<label class="form-label" for="id_{field}">(.*?)</label>', page, re.S)
    assert found, field
    return found.group(1)


def test_required_fields_carry_the_mark_and_optional_ones_do_not(ours, host_client, product):  # noqa: F811
    page = rep_client(ours, host_client).get("/deals/new/").content.decode()
    with scope(tenant=ours.tenant):
        form = DealForm(products=Product.objects.filter(tenant=ours.tenant))
    for name, field in form.fields.items():
        if name == "products" or field.widget.is_hidden:  # products: the mark is on its legend
            continue
        assert (MARK in _label(page, name)) is field.required, name
    assert re.search(rf"<legend[^>]*>Products{re.escape(MARK)}", page)
    # Screen readers hear "required" instead of the mark.
    assert "(required)" in _label(page, "customer_name")
    assert MARK not in _label(page, "notes")


def test_the_form_says_what_the_mark_means(ours, host_client, product):  # noqa: F811
    page = rep_client(ours, host_client).get("/deals/new/").content.decode()
    assert f"Fields marked {MARK} are required." in page


def test_the_sections_are_headed_by_styled_legends(ours, host_client, product):  # noqa: F811
    page = rep_client(ours, host_client).get("/deals/new/").content.decode()
    legends = re.findall(r'<legend class="form-section-title h5">([^<]+)</legend>', page)
    assert legends == ["Customer", "Contact at the customer", "Opportunity"]


def test_other_forms_keep_their_labels_unmarked(ours, host_client):
    """The mark is for forms that mix required and optional fields and explain it."""
    page = host_client(ours.host, None).get("/accounts/login/").content.decode()
    assert "required-mark" not in page
