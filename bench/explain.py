"""EXPLAIN (ANALYZE, BUFFERS) of the conflict check's two queries, on the bench tenant's data.

The queries are built as `deals.conflicts.find_candidates` builds them (its `_in_tenant` and
`_ranked` helpers, inside the tenant's scope, whose manager adds its own `tenant_id = <id>`),
for a customer found by domain and for one found only by a mistyped name.
"""

import random
import re
from typing import Any

from django.db import connection
from django_scopes import scope, scopes_disabled

from deals.conflicts import Customer, _in_tenant, _ranked
from deals.models import Deal, ProtectedAccount
from prm.tenancy.models import Tenant

from . import variants
from .generate import BENCH_SLUG

INDEXES = (
    "deal_claim_core_trgm",
    "deal_claim_domain_idx",
    "deal_claim_tenant_trgm",
    "protectedaccount_core_trgm",
    "protectedaccount_domain_idx",
    "protacct_tenant_core_trgm",
)


def _explain(queryset: Any) -> tuple[str, float]:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    found = re.search(r"Execution Time: ([\d.]+) ms", plan)
    return plan, float(found.group(1)) if found else float("nan")


def explain(scale: str, verbose: bool = True) -> dict[str, Any]:
    rng = random.Random("explain")
    # Finding the bench tenant before entering its scope.
    with scopes_disabled():
        tenant = Tenant.objects.get(slug=BENCH_SLUG)
    summary: dict[str, Any] = {}
    with scope(tenant=tenant):
        held = list(
            Deal.objects.filter(tenant=tenant, holds_claim=True)
            .exclude(customer_domain="")
            .order_by("id")
            .values_list("customer_name", "customer_domain")[:2000]
        )
        name, domain = rng.choice(held)
        cases = {
            "exact (domain)": Customer.of(name, f"https://www.{domain}/"),
            "fuzzy (name typo)": Customer.of(variants.typo(rng, rng.choice(held)[0]), ""),
        }
        for label, customer in cases.items():
            for source, queryset, fields in (
                (
                    "claims",
                    _in_tenant(Deal.objects.filter(tenant=tenant, holds_claim=True), tenant),
                    ("customer_domain", "customer_core"),
                ),
                (
                    "accounts",
                    _in_tenant(ProtectedAccount.objects.filter(tenant=tenant), tenant),
                    ("domain", "name_core"),
                ),
            ):
                for _ in range(2):  # the second run is the warm one we report
                    plan, ms = _explain(_ranked(queryset, customer, *fields))
                used = [ix for ix in INDEXES if ix in plan]
                seq = "Seq Scan" in plan
                summary[f"{label} / {source}"] = {"ms": ms, "indexes": used, "seq_scan": seq}
                if verbose:
                    print(f"\n=== {label} / {source}: {customer.core!r} {customer.domain!r}")
                    print(plan)
    print(f"\nEXPLAIN ANALYZE summary, scale {scale}:")
    for key, v in summary.items():
        print(
            f"  {key:30} {v['ms']:8.2f} ms  indexes: {', '.join(v['indexes']) or '-'}"
            f"{'  SEQ SCAN' if v['seq_scan'] else ''}"
        )
    return summary
