"""How well the conflict check tells a registered customer re-typed from a new one.

500 near-duplicates of registrations that hold a claim (see `bench.variants`: one-character
typos, legal-suffix changes, domain variants, word-order swaps, case and punctuation), half with
a website where the variation allows, and 500 invented customers that exist nowhere in the
tenant. Each goes through the real `find_candidates` + `verdict_for`, as the pre-check does,
for a partner that is not the holder's. Recall: near-duplicates flagged (outcome not CLEAR);
false-flag rate: new customers flagged.
"""

import json
import random
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from django_scopes import scope, scopes_disabled

from deals import conflicts
from deals.conflicts import Customer, Outcome, find_candidates, verdict_for
from deals.models import Deal, ProtectedAccount
from partners.models import Partner
from prm.tenancy.models import Tenant

from . import variants
from .generate import BENCH_SLUG, CustomerPool

RESULTS = Path(__file__).resolve().parent / "results"
PER_KIND = 100
UNIQUE = 500
RECALL_TARGET = 0.95
FALSE_FLAG_TARGET = 0.05


def _check(tenant: Tenant, name: str, website: str, partner_id: int) -> tuple[str, list[Any]]:
    candidates = find_candidates(
        tenant=tenant, customer=Customer.of(name, website), partner_id=partner_id
    )
    return verdict_for(candidates).outcome, candidates


def quality(scale: str, seed: int = 20240601) -> dict[str, Any]:
    rng = random.Random(f"quality:{seed}")
    # Finding the bench tenant before entering its scope.
    with scopes_disabled():
        tenant = Tenant.objects.get(slug=BENCH_SLUG)
    with scope(tenant=tenant):
        holders = list(
            Deal.objects.filter(tenant=tenant, holds_claim=True)
            .order_by("id")
            .values("id", "partner_id", "customer_name", "customer_domain")
        )
        partner_ids = list(
            Partner.objects.filter(tenant=tenant).order_by("id").values_list("id", flat=True)[:50]
        )
        known_keys = set(Deal.objects.filter(tenant=tenant).values_list("customer_key", flat=True))
        known_cores = set(
            Deal.objects.filter(tenant=tenant).values_list("customer_core", flat=True)
        ) | set(ProtectedAccount.objects.filter(tenant=tenant).values_list("name_core", flat=True))
        known_keys |= set(
            ProtectedAccount.objects.filter(tenant=tenant).values_list("domain", flat=True)
        )

        def other_partner(holder_partner: int) -> int:
            return next(p for p in rng.sample(partner_ids, 5) if p != holder_partner)

        rows: list[dict[str, Any]] = []
        started = time.perf_counter()
        with_domain = [h for h in holders if h["customer_domain"]]
        for kind in variants.KINDS:
            source = with_domain if kind == "domain_variant" else holders
            for holder in rng.sample(source, PER_KIND):
                name, website = variants.vary(
                    rng, kind, holder["customer_name"], holder["customer_domain"]
                )
                outcome, candidates = _check(
                    tenant, name, website, other_partner(holder["partner_id"])
                )
                rows.append(
                    {
                        "kind": kind,
                        "with_domain": bool(website),
                        "registered": holder["customer_name"],
                        "registered_domain": holder["customer_domain"],
                        "typed": name,
                        "website": website,
                        "outcome": outcome,
                        "holder_found": any(
                            c.deal is not None and c.deal.pk == holder["id"] for c in candidates
                        ),
                    }
                )
        pool = CustomerPool(random.Random(f"unique:{seed}"), set(), set(), [])
        unique_rows: list[dict[str, Any]] = []
        while len(unique_rows) < UNIQUE:
            name, website, c = pool.fresh(with_domain=0.5)
            if c.claim_key in known_keys or c.core in known_cores or c.domain in known_keys:
                continue
            outcome, candidates = _check(tenant, name, website, rng.choice(partner_ids))
            best = candidates[0] if candidates else None
            unique_rows.append(
                {
                    "typed": name,
                    "website": website,
                    "outcome": outcome,
                    "matched": best.name if best else "",
                    "score": round(best.score, 3) if best else None,
                }
            )
        elapsed = time.perf_counter() - started

    flagged = [r for r in rows if r["outcome"] != Outcome.CLEAR]
    false_flags = [r for r in unique_rows if r["outcome"] != Outcome.CLEAR]
    by_kind: dict[str, Counter[str]] = defaultdict(Counter)
    for r in rows:
        k = by_kind[r["kind"]]
        k["n"] += 1
        k["flagged"] += r["outcome"] != Outcome.CLEAR
        k["holder_found"] += r["holder_found"]
        k["with_domain"] += r["with_domain"]
        k["flagged_with_domain"] += r["with_domain"] and r["outcome"] != Outcome.CLEAR
    recall = len(flagged) / len(rows)
    false_rate = len(false_flags) / len(unique_rows)
    report = {
        "scale": scale,
        "settings": {
            "FLAG_SCORE": conflicts.FLAG_SCORE,
            "CANDIDATES": conflicts.CANDIDATES,
        },
        "claim_holders": len(holders),
        "recall": round(recall, 4),
        "false_flag_rate": round(false_rate, 4),
        "per_kind": {k: dict(v) for k, v in by_kind.items()},
        "outcomes_near": dict(Counter(r["outcome"] for r in rows)),
        "outcomes_unique": dict(Counter(r["outcome"] for r in unique_rows)),
        "misses": [r for r in rows if r["outcome"] == Outcome.CLEAR],
        "false_flags": false_flags,
        "ms_per_check": round(elapsed * 1000 / (len(rows) + len(unique_rows)), 2),
    }
    print(f"\nconflict-check quality, scale {scale} ({len(holders)} registrations hold a claim;")
    print(f"FLAG_SCORE={conflicts.FLAG_SCORE}, CANDIDATES={conflicts.CANDIDATES})\n")
    print(
        f"{'variation':16} {'n':>4} {'flagged':>8} {'recall':>7} {'holder in candidates':>21} "
        f"{'with website':>13}"
    )
    for kind in variants.KINDS:
        v = by_kind[kind]
        print(
            f"{kind:16} {v['n']:>4} {v['flagged']:>8} {v['flagged'] / v['n']:>7.1%} "
            f"{v['holder_found'] / v['n']:>21.1%} {v['with_domain']:>13}"
        )
    print(f"{'all':16} {len(rows):>4} {len(flagged):>8} {recall:>7.1%}")
    print(
        f"\nrecall {recall:.1%} (target >= {RECALL_TARGET:.0%}): "
        f"{'PASS' if recall >= RECALL_TARGET else 'FAIL'}"
    )
    print(
        f"false flags {len(false_flags)}/{len(unique_rows)} = {false_rate:.1%} "
        f"(target <= {FALSE_FLAG_TARGET:.0%}): "
        f"{'PASS' if false_rate <= FALSE_FLAG_TARGET else 'FAIL'}"
    )
    print(f"outcomes of the new customers: {report['outcomes_unique']}")
    for r in report["misses"][:8]:
        print(f"  missed  [{r['kind']}] {r['registered']!r} typed as {r['typed']!r} {r['website']}")
    for r in false_flags[:8]:
        print(f"  flagged {r['typed']!r} {r['website']} ~ {r['matched']!r} ({r['score']})")
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"quality-{scale}.json"
    out.write_text(json.dumps(report, indent=2))
    print(f"quality: {report['ms_per_check']} ms per check; wrote {out}\n")
    return report
