"""A name (or rank) that exists already is refused beside its field, when adding and renaming.

Every unique constraint of a tenant-owned model names `tenant`, which no form shows: Django's
ModelForm left such constraints out of its checks, and the duplicate came back from the
database as a server error. `prm.uniques` checks them with the tenant included.
"""

from dataclasses import dataclass
from typing import Any

import pytest
from django.apps import apps
from django_scopes import scope

from prm.tenancy.roles import Role
from tests.html_forms import form_values

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class Dup:
    """An admin page of `model` ("app.Model") where `values` repeat what `existing` holds."""

    id: str
    model: str
    #: the world's attribute holding the row whose values are repeated
    existing: str
    values: dict[str, str]
    #: the field the error is shown beside
    field: str
    message: str
    #: for a rename: the values of a second row that is then renamed
    other: dict[str, Any] | None = None


CASES = [
    Dup(
        "partner type",
        "partners.PartnerType",
        "partner_type",
        {"name": "Reseller"},
        "name",
        "Partner type with this Name already exists.",
    ),
    Dup(
        "tier name",
        "partners.Tier",
        "tier",
        {"name": "Silver", "rank": "7"},
        "name",
        "Tier with this Name already exists.",
    ),
    Dup(
        "tier rank",
        "partners.Tier",
        "tier",
        {"name": "Platinum", "rank": "2"},
        "rank",
        "Tier with this Rank already exists.",
    ),
    Dup(
        "product",
        "deals.Product",
        "product",
        {"name": "ours product"},
        "name",
        "Product with this Name already exists.",
    ),
    Dup(
        "reject reason",
        "deals.RejectReason",
        "reject_reason",
        {"label": "ours reason"},
        "label",
        "Rejection reason with this Reason already exists.",
    ),
    Dup(
        "partner",
        "partners.Partner",
        "partner",
        {"name": "ours partner A"},
        "name",
        "Partner with this Name already exists.",
    ),
    Dup(
        "segment",
        "partners.Segment",
        "segment",
        {"name": "EMEA"},
        "name",
        "Segment with this Name already exists.",
    ),
]

#: what a second row of each model is made of before it is renamed into a duplicate
SECOND_ROW: dict[str, dict[str, Any]] = {
    "partners.PartnerType": {"name": "Agency"},
    "partners.Tier": {"name": "Bronze", "rank": 1},
    "deals.Product": {"name": "Another product"},
    "deals.RejectReason": {"label": "Another reason"},
    "partners.Partner": {"name": "Another partner"},
    "partners.Segment": {"name": "APAC"},
}


def _admin_url(model: type, suffix: str) -> str:
    return f"/admin/{model._meta.app_label}/{model._meta.model_name}/{suffix}"


def _refused(client: Any, url: str, case: Dup) -> Any:
    data = form_values(client.get(url).content.decode(), containing=case.field)
    data.update({k: [v] for k, v in case.values.items()})
    response = client.post(url, data)
    assert response.status_code == 200, "the form comes back"
    form = response.context["adminform"].form
    assert form.errors.get(case.field) == [case.message]
    return response


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_adding_a_duplicate_is_refused_beside_the_field(case, ours, host_client):
    model = apps.get_model(case.model)
    client = host_client(ours.host, ours.members[Role.PROGRAM_LEADER])
    with scope(tenant=ours.tenant):
        before = model.objects.count()
    _refused(client, _admin_url(model, "add/"), case)
    with scope(tenant=ours.tenant):
        assert model.objects.count() == before


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_renaming_into_a_duplicate_is_refused_beside_the_field(case, ours, host_client):
    model = apps.get_model(case.model)
    client = host_client(ours.host, ours.members[Role.PROGRAM_LEADER])
    with scope(tenant=ours.tenant):
        second = model.objects.create(tenant=ours.tenant, **SECOND_ROW[case.model])
    _refused(client, _admin_url(model, f"{second.pk}/change/"), case)
    with scope(tenant=ours.tenant):
        second.refresh_from_db()
        for name, value in SECOND_ROW[case.model].items():
            assert getattr(second, name) == value, "nothing of the refused change is saved"


@pytest.mark.parametrize("case", CASES[:1], ids=lambda c: c.id)
def test_the_same_name_in_another_tenant_is_accepted(case, ours, theirs, host_client):
    model = apps.get_model(case.model)
    client = host_client(ours.host, ours.members[Role.PROGRAM_LEADER])
    with scope(tenant=theirs.tenant):
        model.objects.create(tenant=theirs.tenant, name="Only theirs")
    url = _admin_url(model, "add/")
    data = form_values(client.get(url).content.decode(), containing="name")
    data["name"] = ["Only theirs"]
    assert client.post(url, data).status_code == 302
