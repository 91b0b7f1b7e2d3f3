"""The REST API's benchmark scenarios (issue 19), on the data the other benches load.

- `api <list> p1 (url)` and `api <list> p100 (url)`: a page of 50 rows of each list a CRM syncs,
  the first page and the hundredth (or the last, for a list with fewer: p60 of the bench's
  3,000 protected accounts), reached by following `next` as a client does, through the
  whole stack (key, scope, rate limit, keyset page, ETag). Targets at M: p95 ≤ 50 ms, and page
  100 ≤ 1.3× page 1.
- `api bulk upsert 10k accounts (function)`: one POST of 10,000 protected accounts creating
  them, then one updating all of them, timed apart; rolled back afterwards.

Every figure carries its ratio to the 50-row reference page of the same run. Each run makes its
own key (named "bench", every scope, a rate limit no run reaches).

    uv run python -m bench run --scale M --only "api,ref"
"""

import json
import time
from typing import Any

from django.apps import apps
from django.db import transaction
from django.test import Client
from django_scopes import scope

REF = "ref: 50-row table"
PAGE = 50
#: (the list's URL under /api/v1/, its name in the table, its model)
LISTS = [
    ("deals", "deals", "deals.Deal"),
    ("partners", "partners", "partners.Partner"),
    ("protected-accounts", "accounts", "deals.ProtectedAccount"),
    ("commissions/ledger", "ledger", "commissions.Line"),
    ("mdf/requests", "mdf requests", "mdf.MdfRequest"),
]
BULK = 10_000


def bench_token(bench: Any) -> str:
    """A new key for this run (every scope, a rate limit no run reaches): its whole value is
    known only when it is made, so each run makes its own."""
    from prm.api.registry import READ, WRITE, resources
    from prm.api.services import api_key_create

    tenant = bench.tenant
    with scope(tenant=tenant):
        every = {r.name: READ if r.read_only else WRITE for r in resources()}
        return api_key_create(
            actor=bench.leader, name="bench", scopes=every, rate_limit=100_000
        ).token


def _client(bench: Any, token: str) -> Client:
    from .run import BENCH_HOST

    return Client(HTTP_HOST=BENCH_HOST, HTTP_AUTHORIZATION=f"Bearer {token}")


def _page_url(client: Client, prefix: str, page: int) -> tuple[str, int]:
    """The URL of page `page` of a list (or of its last page, if it has fewer), and which."""
    url = f"/api/v1/{prefix}/?limit={PAGE}"
    for n in range(1, page):
        response = client.get(url)
        if response.status_code != 200:
            raise AssertionError(f"HTTP {response.status_code} on {url}")
        following = response.json()["next"]
        if following is None:
            return url, n
        url = following.split("//", 1)[1].split("/", 1)[1]
        url = "/" + url
    return url, page


def api_scenarios(bench: Any) -> list[Any]:
    from .run import Scenario, Target

    state: dict[str, Any] = {}

    def token() -> str:
        if "token" not in state:
            state["token"] = bench_token(bench)
        return state["token"]

    def page(prefix: str, n: int) -> Any:
        def prepare() -> Any:
            client = _client(bench, token())
            url, _reached = _page_url(client, prefix, n)

            def once(i: int) -> Any:
                response = client.get(url)
                if response.status_code != 200:
                    raise AssertionError(f"HTTP {response.status_code}")
                return response

            return once

        return prepare

    scenarios = []
    for prefix, label, model in LISTS:
        # Page 100, or the last page of a list that has fewer (the bench's 3,000 accounts).
        with scope(tenant=bench.tenant):
            rows = apps.get_model(model).objects.filter(tenant=bench.tenant).count()
        last = min(100, max(1, -(-rows // PAGE)))
        first = f"api {label} p1 (url)"
        scenarios.append(Scenario(first, "http", REF, page(prefix, 1), Target(p95_ms=50)))
        scenarios.append(
            Scenario(
                f"api {label} p{last} (url)",
                "http",
                REF,
                page(prefix, last),
                Target(p95_ms=50, ratio=1.3, vs=first),
            )
        )
    return scenarios


def api_bulk_upsert(bench: Any, results: list[Any]) -> Any:
    """10,000 protected accounts created in one POST, then all updated in a second, rolled
    back afterwards."""
    from .run import Result

    result = Result(f"api bulk upsert {BULK // 1000}k accounts (url)", "http", REF)
    client = _client(bench, bench_token(bench))
    stamp = time.time_ns()
    rows = [
        {"domain": f"bulk{stamp}x{i}.com", "name": f"Bulk Account {i}", "type": "direct"}
        for i in range(BULK)
    ]
    timings = []
    try:
        with transaction.atomic():
            for round_ in ("create", "update"):
                if round_ == "update":
                    rows = [{**row, "name": row["name"] + " Inc."} for row in rows]
                body = json.dumps({"accounts": rows})
                t0 = time.perf_counter()
                response = client.post(
                    "/api/v1/protected-accounts/bulk/", data=body, content_type="application/json"
                )
                timings.append(time.perf_counter() - t0)
                if response.status_code != 200:
                    raise AssertionError(f"HTTP {response.status_code}: {response.content[:200]}")
                answer = response.json()
                state = answer.get("created" if round_ == "create" else "updated")
                if state != BULK:
                    raise AssertionError(f"{round_}: {answer}")
            transaction.set_rollback(True)
    except Exception as e:  # a broken scenario must not hide the others' numbers
        result.verdict, result.note = "ERROR", f"{type(e).__name__}: {e}"[:200]
        return result
    result.iterations = 1
    result.p50_ms = result.p95_ms = result.mean_ms = round(timings[0] * 1000, 1)
    ref = next((r for r in results if r.name == REF and r.p95_ms), None)
    if ref is not None:
        result.ratio = round(result.p95_ms / ref.p95_ms, 2)
    result.target = "seconds"
    result.verdict = "PASS" if max(timings) < 10 else "FAIL"
    result.note = (
        f"created {BULK:,} in {timings[0]:.2f} s, updated them in {timings[1]:.2f} s "
        f"(one request each)"
    )
    return result
