"""The demo's year of history (`reporting.demo`): every month of a year's charts has figures in
both tenants, money in other currencies is converted (never left out for want of a rate),
Northwind's tier has a benchmark, and the rows the journeys rely on are as the other seeders
made them."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_scopes import scope

from deals.models import Deal
from partners.models import Partner
from prm.metrics import registry
from prm.metrics.engine import BY_PARTNER, evaluate
from prm.metrics.periods import last_12_months, month_of, months_in
from prm.tenancy.models import Tenant
from reporting.demo import EARLIER_PARTNERS, seed_history

pytestmark = pytest.mark.django_db

EVERY_MONTH = ["deals.registered", "deals.approved", "deals.decision_hours"]
MOST_MONTHS = ["deals.won", "deals.revenue_won", "partners.monthly_active_rate"]


def test_a_year_of_history_in_both_tenants_leaves_the_journeys_rows_alone():
    call_command("seed_demo", stdout=StringIO())
    today = timezone.localdate()
    months = months_in(last_12_months(today))
    for slug, favourite in (("acme", "Northwind Solutions"), ("globex", "Initech")):
        tenant = Tenant.objects.get(slug=slug)
        with scope(tenant=tenant):
            metrics = [registry.get(n) for n in [*EVERY_MONTH, *MOST_MONTHS]]
            table = evaluate(tenant, metrics, months)
            for name in EVERY_MONTH:
                assert all(table.get(name, m) for m in months[:-1]), (slug, name)
            for name in MOST_MONTHS:
                shown = [m for m in months if table.get(name, m)]
                assert len(shown) >= 10, (slug, name, len(shown))
            assert not table.missing, table.missing  # every other currency has its rates
            deals = Deal.objects.filter(tenant=tenant)
            assert deals.exclude(currency=tenant.default_currency).count() >= 5
            year = last_12_months(today)
            sla = registry.get("deals.sla_attainment")
            attainment = evaluate(tenant, [sla], [year]).get(sla, year)
            assert attainment is not None
            assert 60 < attainment < 100

            partners = Partner.objects.filter(tenant=tenant)
            northwind = partners.get(name=favourite)
            assert partners.filter(tier=northwind.tier).count() >= 5  # the tier benchmark shows
            assert partners.values("region").distinct().count() >= 3
            assert partners.values("partner_type").distinct().count() >= 3
            # each company of the history has its own figures
            won = evaluate(tenant, [registry.get("deals.won")], [year], by=BY_PARTNER)
            assert len(won.groups("deals.won", year)) >= 8

            # the earlier companies' history is older than their stories and closed before
            # the month before last: no queue, list page or statement the journeys read moves
            earlier = deals.filter(partner__name__in=list(EARLIER_PARTNERS))
            history = earlier.filter(customer_key__endswith=".history.example")
            assert history.exists()
            assert not history.filter(submitted_at__gt=timezone.now() - timedelta(days=95))
            last_month = month_of(today.replace(day=1) - timedelta(days=1))
            month_before = month_of(last_month.start - timedelta(days=1))
            assert not history.filter(closed_on__gte=month_before.start)
            waiting = [Deal.Status.SUBMITTED, Deal.Status.INFO_REQUESTED]
            assert not deals.filter(
                customer_key__endswith=".history.example", status__in=waiting
            ).exists()
    with scope(tenant=Tenant.objects.get(slug="acme")):
        fourth = Deal.objects.get(customer_name="Fourth Coffee")
        assert fourth.status == Deal.Status.APPROVED

        # once: seeding again adds nothing
        acme = Tenant.objects.get(slug="acme")
        counts = Deal.objects.filter(tenant=acme).count()
        seed_history(acme)
        assert Deal.objects.filter(tenant=acme).count() == counts
