"""The plan and its versions: drafting a copy, editing a draft's rules, publishing from a day
(refused before the earliest open period and on a day taken), telling the partners whose rate
changes, deleting a draft; and the pages that do it."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django_scopes import scope

from commissions.models import Plan, PlanVersion, TypeRate
from commissions.services import plans
from partners.tests.factories import PartnerFactory
from prm.audit.models import AuditEvent
from prm.submissions.tokens import new_token
from prm.tenancy.roles import Role

pytestmark = pytest.mark.django_db


def test_a_new_version_is_a_draft_copy_of_the_version_in_force(in_ours, ops):
    draft = plans.version_new(actor=ops, plan=in_ours.commission_plan)
    assert draft.status == PlanVersion.Status.DRAFT
    assert draft.number == 3
    assert draft.default_rate == in_ours.plan_version.default_rate
    assert [(r.partner_type_id, r.rate) for r in draft.type_rates.all()] == [
        (in_ours.partner_type.pk, Decimal("10.000"))
    ]
    assert draft.tier_uplifts.get().tier_id == in_ours.tier.pk
    assert draft.product_overrides.get().product_id == in_ours.product.pk
    # the version in force keeps its rules
    assert in_ours.plan_version.type_rates.count() == 1
    assert AuditEvent.objects.filter(action="commissions.version.drafted").exists()


def test_a_cam_may_not_change_the_plan(in_ours, cam):
    with pytest.raises(PermissionDenied):
        plans.version_new(actor=cam, plan=in_ours.commission_plan)


def _rules(world, rate="12"):
    return {
        "type_rates": [
            {
                "partner_type": world.partner_type,
                "method": TypeRate.Method.PERCENT,
                "rate": Decimal(rate),
            }
        ],
        "uplifts": [{"tier": world.tier, "points": Decimal("2")}],
        "overrides": [],
    }


def test_editing_a_draft_replaces_its_rules(in_ours, ops):
    draft = in_ours.draft_version
    plans.version_update(
        actor=ops,
        version=draft,
        fields={"default_rate": Decimal("6"), "note": "More"},
        **_rules(in_ours),
    )
    draft.refresh_from_db()
    assert draft.default_rate == Decimal("6.000")
    assert draft.note == "More"
    assert draft.type_rates.get().rate == Decimal("12.000")
    assert draft.tier_uplifts.get().points == Decimal("2.000")
    assert not draft.product_overrides.exists()


def test_a_partner_type_named_twice_is_refused(in_ours, ops):
    rules = _rules(in_ours)
    rules["type_rates"] = rules["type_rates"] * 2
    with pytest.raises(ValidationError):
        plans.version_update(actor=ops, version=in_ours.draft_version, fields={}, **rules)


def test_a_published_version_is_never_edited(in_ours, ops):
    with pytest.raises(ValidationError):
        plans.version_update(actor=ops, version=in_ours.plan_version, fields={}, **_rules(in_ours))


def test_publishing_before_the_earliest_open_period_is_refused(in_ours, ops):
    # last month has statements: the version may start on the first of this month at the earliest
    earliest = plans.earliest_start(in_ours.tenant)
    assert earliest == timezone.localdate().replace(day=1)
    with pytest.raises(ValidationError) as refused:
        plans.version_publish(
            actor=ops, version=in_ours.draft_version, effective_from=earliest - timedelta(days=1)
        )
    assert "effective_from" in refused.value.error_dict


def test_two_versions_never_start_on_one_day(in_ours, ops):
    with pytest.raises(ValidationError) as refused:
        plans.version_publish(
            actor=ops,
            version=in_ours.draft_version,
            effective_from=in_ours.plan_version.effective_from,
        )
    assert "effective_from" in refused.value.error_dict


def test_publishing_tells_each_partner_whose_rate_changes_once(in_ours, ops):
    same = PartnerFactory(tenant=in_ours.tenant, partner_type=None, tier=None)
    draft = in_ours.draft_version
    # the draft: resellers earn 12% (was 10%); other types keep 5%
    plans.version_update(
        actor=ops, version=draft, fields={"default_rate": Decimal("5")},
        type_rates=_rules(in_ours)["type_rates"],
        uplifts=[{"tier": in_ours.tier, "points": Decimal("5")}], overrides=[],
    )  # fmt: skip
    day = timezone.localdate() + timedelta(days=10)
    published = plans.version_publish(actor=ops, version=draft, effective_from=day)
    assert published.status == PlanVersion.Status.PUBLISHED
    assert published.effective_from == day
    assert published.published_by == ops.user
    told = sorted(
        int(pk)
        for pk in AuditEvent.objects.filter(action="commissions.plan.changed").values_list(
            "object_id", flat=True
        )
    )
    assert in_ours.partner.pk in told
    assert same.pk not in told
    assert len(told) == len(set(told))
    assert AuditEvent.objects.filter(action="commissions.version.published").count() == 1


def test_the_partners_whose_rate_changes_are_found_by_type_and_tier(
    in_ours, django_assert_max_num_queries
):
    for _i in range(5):
        PartnerFactory(tenant=in_ours.tenant, partner_type=in_ours.partner_type)
    # the rules of both versions (3 + 3), the groups, the affected partners
    with django_assert_max_num_queries(8):
        found = plans.partners_whose_rate_changes(
            in_ours.tenant, in_ours.plan_version, in_ours.draft_version
        )
    assert in_ours.partner.pk in found


def test_deleting_a_draft_keeps_the_published_versions(in_ours, ops):
    plans.version_delete(actor=ops, version=in_ours.draft_version)
    assert not PlanVersion.objects.filter(pk=in_ours.draft_version.pk).exists()
    with pytest.raises(ValidationError):
        plans.version_delete(actor=ops, version=in_ours.plan_version)


# The pages


def _url(path):
    return f"/admin/commissions/plan/{path}"


def test_the_plan_page_lists_versions_in_force_and_drafts(ours, host_client):
    client = host_client(ours.host, ours.members[Role.CAM])
    response = client.get(_url(""))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="versions-current"' in body
    assert 'id="versions-drafts"' in body
    assert 'id="version-new"' not in body  # a CAM reads only


def test_a_plan_is_made_on_the_first_visit(ours, host_client):
    with scope(tenant=ours.tenant):
        from tests.worlds import delete_with_dependents

        delete_with_dependents(PlanVersion.objects.filter(tenant=ours.tenant))
        Plan.objects.filter(tenant=ours.tenant).delete()
    client = host_client(ours.host, ours.members[Role.PARTNER_OPS])
    response = client.get(_url(""))
    assert 'id="plan-create"' in response.content.decode()
    data = {"name": "Channel plan", "description": "", "form_token": new_token()}
    response = client.post(_url(""), data)
    assert response.status_code == 302
    with scope(tenant=ours.tenant):
        assert Plan.objects.get(tenant=ours.tenant).name == "Channel plan"


def test_the_version_page_shows_its_rules(ours, host_client):
    client = host_client(ours.host, ours.members[Role.PARTNER_OPS])
    response = client.get(_url(f"versions/{ours.plan_version.pk}/"))
    body = response.content.decode()
    assert ours.partner_type.name in body
    assert ours.tier.name in body
    assert ours.product.name in body
    assert 'id="version-edit"' not in body  # published: never edited


def test_editing_a_draft_through_the_page_puts_a_duplicate_beside_its_field(ours, host_client):
    client = host_client(ours.host, ours.members[Role.PARTNER_OPS])
    url = _url(f"versions/{ours.draft_version.pk}/edit/")
    assert client.get(url).status_code == 200
    data = {
        "currency": ours.tenant.default_currency, "default_rate": "8", "multiplier_new": "1",
        "multiplier_upsell": "1", "multiplier_renewal": "1", "cap_per_deal": "", "note": "",
        "types-TOTAL_FORMS": "2", "types-INITIAL_FORMS": "0",
        "types-0-partner_type": ours.partner_type.pk, "types-0-method": "percent",
        "types-0-rate": "11",
        "types-1-partner_type": ours.partner_type.pk, "types-1-method": "percent",
        "types-1-rate": "12",
        "tiers-TOTAL_FORMS": "0", "tiers-INITIAL_FORMS": "0",
        "products-TOTAL_FORMS": "0", "products-INITIAL_FORMS": "0",
    }  # fmt: skip
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Listed twice" in response.content.decode()
    data["types-TOTAL_FORMS"] = "1"
    response = client.post(url, data)
    assert response.status_code == 302
    with scope(tenant=ours.tenant):
        assert ours.draft_version.type_rates.get().rate == Decimal("11.000")


def test_the_publish_page_says_what_it_changes_and_publishes(ours, host_client):
    client = host_client(ours.host, ours.members[Role.PARTNER_OPS])
    url = _url(f"versions/{ours.draft_version.pk}/publish/")
    response = client.get(url)
    body = response.content.decode()
    assert "are paid by version 2" in body
    day = timezone.localdate() + timedelta(days=5)
    response = client.post(url, {"effective_from": day.isoformat()})
    assert response.status_code == 302
    with scope(tenant=ours.tenant):
        ours.draft_version.refresh_from_db()
        assert ours.draft_version.status == PlanVersion.Status.PUBLISHED


def test_the_publish_page_refuses_a_day_taken_beside_the_field(ours, host_client):
    client = host_client(ours.host, ours.members[Role.PARTNER_OPS])
    url = _url(f"versions/{ours.draft_version.pk}/publish/")
    response = client.post(url, {"effective_from": ours.plan_version.effective_from.isoformat()})
    assert response.status_code == 200
    assert response.context["form"].errors["effective_from"]


def test_a_new_version_and_its_deletion_are_confirmed(ours, host_client):
    client = host_client(ours.host, ours.members[Role.PARTNER_OPS])
    response = client.get(_url("versions/new/"))
    assert "copy of version 1" in response.content.decode()
    response = client.post(_url("versions/new/"), {"form_token": new_token()})
    assert response.status_code == 302
    with scope(tenant=ours.tenant):
        draft = PlanVersion.objects.filter(tenant=ours.tenant).order_by("-number").first()
    assert client.get(_url(f"versions/{draft.pk}/delete/")).status_code == 200
    assert client.post(_url(f"versions/{draft.pk}/delete/"), {}).status_code == 302
    with scope(tenant=ours.tenant):
        assert not PlanVersion.objects.filter(pk=draft.pk).exists()


def test_a_copied_draft_saves_as_the_page_shows_it(ours, host_client):
    """The rates as the page renders them (four decimals) and the blank extra rows (whose
    select still posts its first choice) go back unchanged."""
    client = host_client(ours.host, ours.members[Role.PARTNER_OPS])
    client.post(_url("versions/new/"), {"form_token": new_token()})
    with scope(tenant=ours.tenant):
        draft = PlanVersion.objects.filter(tenant=ours.tenant).order_by("-number").first()
    url = _url(f"versions/{draft.pk}/edit/")
    response = client.get(url)
    data = {}
    for form in [response.context["form"], *(t[2] for t in response.context["tables"])]:
        forms = [form] if not hasattr(form, "forms") else [form.management_form, *form.forms]
        for f in forms:
            for field in f:
                value = field.value()
                if value is None or value is False:
                    continue
                data[field.html_name] = getattr(value, "pk", value)
    response = client.post(url, data)
    assert response.status_code == 302, response.context and [
        t[2].errors for t in response.context["tables"]
    ]
    with scope(tenant=ours.tenant):
        assert draft.type_rates.get().rate == Decimal("10.0000")
