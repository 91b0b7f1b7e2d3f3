"""The partner scorecard's benchmark scenarios (issue 17, part B).

The bench partner admin's scorecard (the company's KPIs against its tier, the twelve months'
trend, the tier path and the highlights) and the bench rep's (their own figures), read from the
data the deals, MDF and commissions benches load; each against the 50-row reference page,
target p95 ≤ 40 ms.
"""

from typing import Any


def scorecard_scenarios(bench: Any) -> list[Any]:
    from django.urls import reverse

    from .run import Scenario, Target, _check

    def page(member: Any) -> Any:
        def prepare() -> Any:
            client = bench.client(member)
            url = reverse("reporting:scorecard")
            return lambda i: _check(client.get(url), 200)

        return prepare

    target = Target(p95_ms=40, ratio=2)
    return [
        Scenario("scorecard admin (url)", "http", "ref: 50-row table", page(bench.admin), target),
        Scenario("scorecard rep (url)", "http", "ref: 50-row table", page(bench.rep), target),
    ]
