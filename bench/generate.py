"""Deterministic (seeded) benchmark data, bulk-loaded with COPY into a migrated database.

Scales:
  S  1 tenant, 500 partners, 20k registrations (development)
  M  1 tenant, 5k partners, 200k registrations
  L  the M tenant plus 49 smaller ones: about 1M registrations in all

The bench tenant answers on `bench.localhost`; its named members (see `BENCH_*` below) are
what `bench.run` logs in as. Every index and constraint of production stays in place during
the load; the tables are ANALYZEd afterwards. Names, domains, sizes and statuses come from one
`random.Random(seed)`: the same seed gives the same data (dates are relative to the load time).
"""

import math
import random
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.utils import timezone
from django_scopes import scope, scopes_disabled
from guardian.models import UserObjectPermission

from deals.conflicts import Customer
from deals.models import CLAIM_STATUSES, Deal, Product, ProtectedAccount, RejectReason
from deals.setup import deal_defaults_ensure
from partners.models import Partner, PartnerType
from prm.accounts.models import User
from prm.normalize import company_key
from prm.notifications.events import emit
from prm.platform.events import TENANT_CREATED
from prm.tenancy.models import Membership, Tenant, TenantDomain
from prm.tenancy.roles import Role

from . import names
from .bulk import copy_rows, reserve_ids

BENCH_SLUG = "bench"
BENCH_HOST = "bench.localhost"
BENCH_CAM = "bench-cam@vendor.test"
BENCH_REP = "bench-rep@partner.test"
BENCH_ADMIN = "bench-admin@partner.test"
PASSWORD = "bench-password-1"
#: partners the bench CAM manages (a realistic book of business)
BENCH_CAM_PARTNERS = 80
#: partners per CAM for the others
PARTNERS_PER_CAM = 60
PRODUCTS = 30

#: status mix of registrations in general (~30% hold a claim)
MIX = {
    "draft": 8,
    "submitted": 11,
    "info_requested": 3,
    "approved": 16,
    "rejected": 10,
    "withdrawn": 5,
    "won": 20,
    "lost": 15,
    "expired": 12,
}
#: the bench CAM's partners carry a backlog of submitted registrations (queue page 100)
BACKLOG_MIX = {
    "draft": 5,
    "submitted": 45,
    "info_requested": 3,
    "approved": 12,
    "rejected": 8,
    "withdrawn": 3,
    "won": 12,
    "lost": 7,
    "expired": 5,
}
#: share of submitted registrations that are conflicts with an existing holder
CONFLICT_SHARE = 0.04
#: share of registrations without a claim that reuse an earlier customer (repeat business)
REUSE_SHARE = 0.25
CURRENCIES = ["EUR", "EUR", "USD", "USD", "USD", "GBP", "CHF", "AUD"]


@dataclass(frozen=True)
class TenantSpec:
    slug: str
    partners: int
    deals: int
    accounts: int
    #: submitted registrations of the bench CAM's partners (0: no bench members)
    backlog: int = 0

    @property
    def is_bench(self) -> bool:
        return self.slug == BENCH_SLUG


SCALES: dict[str, list[TenantSpec]] = {
    "S": [TenantSpec(BENCH_SLUG, 500, 20_000, 1_000, backlog=2_500)],
    "M": [TenantSpec(BENCH_SLUG, 5_000, 200_000, 3_000, backlog=10_500)],
    "L": [
        TenantSpec(BENCH_SLUG, 5_000, 200_000, 3_000, backlog=10_500),
        *(TenantSpec(f"vendor{i:02d}", 400, 16_300, 300) for i in range(1, 50)),
    ],
}


def log(message: str) -> None:
    print(f"generate: {message}", flush=True)


@dataclass
class CustomerPool:
    """The customers of one tenant: every fresh one is a new company (new key, name, domain)."""

    rng: random.Random
    keys: set[str]
    name_keys: set[str]
    seen: list[tuple[str, str, Customer]]

    def fresh(self, with_domain: float = 0.85) -> tuple[str, str, Customer]:
        while True:
            name, words = names.company(self.rng)
            domain = names.domain_for(self.rng, words) if self.rng.random() < with_domain else ""
            website = names.website_for(self.rng, domain) if domain else ""
            customer = Customer.of(name, website)
            if (
                not customer.core
                or customer.claim_key in self.keys
                or customer.key in self.name_keys
                or (domain and customer.domain != domain)
            ):
                continue
            self.keys.add(customer.claim_key)
            self.name_keys.add(customer.key)
            found = (name, website, customer)
            self.seen.append(found)
            return found

    def reused(self) -> tuple[str, str, Customer]:
        return self.rng.choice(self.seen) if self.seen else self.fresh()


def _users(rng: random.Random, count: int, first_id: int, password: str) -> Iterator[dict]:
    now = timezone.now()
    for i in range(count):
        yield {
            "id": first_id + i,
            "password": password,
            "email": f"user{i:06d}@partners.test",
            "full_name": f"{rng.choice(names.FIRST)} {names.word(rng)}",
            "date_joined": now,
        }


def _user_rows(emails: list[str], first_id: int, password: str) -> Iterator[dict]:
    now = timezone.now()
    for i, email in enumerate(emails):
        yield {"id": first_id + i, "password": password, "email": email, "date_joined": now}


def make_users(rng: random.Random, pool_size: int) -> list[int]:
    """The shared pool of partner users (one person may work for partners of many vendors)."""
    password = make_password(PASSWORD)
    first = reserve_ids(User, pool_size)
    copy_rows(User, _users(rng, pool_size, first, password))
    return list(range(first, first + pool_size))


def named_users(emails: list[str]) -> list[int]:
    password = make_password(PASSWORD)
    first = reserve_ids(User, len(emails))
    copy_rows(User, _user_rows(emails, first, password))
    return list(range(first, first + len(emails)))


def zipf_weights(n: int, s: float = 0.7) -> list[float]:
    return [1.0 / (i + 1) ** s for i in range(n)]


def load_tenant(spec: TenantSpec, rng: random.Random, pool: list[int]) -> dict[str, int]:
    """One tenant with its partners, members, CAM grants, products, accounts and deals."""
    now = timezone.now()
    tenant = Tenant.objects.create(
        name=spec.slug.title(), slug=spec.slug, portal_title=f"{spec.slug.title()} partners"
    )
    TenantDomain.objects.create(tenant=tenant, host=f"{spec.slug}.localhost", is_primary=True)
    with scope(tenant=tenant):
        # What creating a tenant in the platform admin does: the apps set up their defaults.
        emit(TENANT_CREATED.name, tenant=tenant, subject=tenant)
        deal_defaults_ensure(tenant=tenant)
        types = list(PartnerType.objects.filter(tenant=tenant).values_list("id", flat=True))
        reasons = list(RejectReason.objects.filter(tenant=tenant).values_list("id", flat=True))
        product_names: set[str] = set()
        while len(product_names) < PRODUCTS:
            kind = rng.choice(("Cloud", "Edge", "Suite", "Pro", "Appliance", "Support"))
            product_names.add(f"{names.word(rng)} {kind}")
        Product.objects.bulk_create(
            Product(tenant=tenant, name=name, sku=f"SKU-{i:04d}")
            for i, name in enumerate(sorted(product_names))
        )
        products = list(Product.objects.filter(tenant=tenant).values_list("id", flat=True))

    # --- partners --------------------------------------------------------------------------
    first_partner = reserve_ids(Partner, spec.partners)
    partner_ids = list(range(first_partner, first_partner + spec.partners))
    partner_names: set[str] = set()

    def partner_rows() -> Iterator[dict]:
        for pid in partner_ids:
            while (name := f"{names.word(rng)} {rng.choice(names.TRADES)}") in partner_names:
                pass
            partner_names.add(name)
            domain = names.domain_for(rng, [name.split()[0].lower()])
            yield {
                "id": pid,
                "tenant_id": tenant.pk,
                "name": name,
                "partner_type_id": rng.choice(types) if types else None,
                "website": f"https://www.{domain}",
                "domain": domain,
                "country": rng.choice(names.COUNTRIES),
                "region": rng.choice(("na", "emea", "apac", "latam")),
                "industry": rng.choice(("software", "finance", "healthcare", "retail", "other")),
                "size_band": rng.choice(("1-10", "11-50", "51-200", "201-1000")),
                "status": "active" if rng.random() < 0.92 else "inactive",
                "joined_on": (now - timedelta(days=rng.randint(30, 2000))).date(),
                "created_at": now - timedelta(days=rng.randint(30, 2000)),
            }

    copy_rows(Partner, partner_rows())

    # The bench CAM's partners take the backlog; the others share the rest, a few big ones
    # (Zipf-like) and a long tail. The bench rep and admin work for the biggest of those.
    order = list(partner_ids)
    rng.shuffle(order)
    cam_partners = order[:BENCH_CAM_PARTNERS] if spec.is_bench else []
    rest = order[len(cam_partners) :]
    bench_partner = rest[0]

    # --- members -----------------------------------------------------------------------------
    reps_of: dict[int, list[int]] = {}
    membership_rows: list[dict] = []
    extra = len(pool) // 2  # pool users past 2 * partners are the big partners' extra reps
    first_m = reserve_ids(Membership, spec.partners * 2 + spec.partners // 50 * 3 + 200)
    next_m = first_m
    big = set(rest[: max(1, spec.partners // 50)])
    named = named_users([BENCH_REP, BENCH_ADMIN]) if spec.is_bench else []
    for i, pid in enumerate(partner_ids):
        users = [(pool[2 * i], Role.PARTNER_ADMIN), (pool[2 * i + 1], Role.PARTNER_REP)]
        if pid in big:
            j = i % (extra // 2)  # two extra reps, never another big partner's
            users += [(pool[extra + j], Role.PARTNER_REP)]
            users += [(pool[extra + extra // 2 + j], Role.PARTNER_REP)]
        if pid == bench_partner and named:
            users += [(named[0], Role.PARTNER_REP), (named[1], Role.PARTNER_ADMIN)]
        ids = []
        seen_users: set[int] = set()
        for user_id, role in users:
            if user_id in seen_users:
                continue
            seen_users.add(user_id)
            membership_rows.append(
                {
                    "id": next_m,
                    "tenant_id": tenant.pk,
                    "user_id": user_id,
                    "role": role,
                    "partner_id": pid,
                    "created_at": now,
                }
            )
            ids.append(next_m)
            next_m += 1
        reps_of[pid] = ids
    cams = max(1, math.ceil(len(rest) / PARTNERS_PER_CAM))
    staff_emails = [f"cam{k:03d}.{spec.slug}@vendor.test" for k in range(cams)]
    staff_emails.append(f"leader.{spec.slug}@vendor.test")
    if spec.is_bench:
        staff_emails.append(BENCH_CAM)
    staff = named_users(staff_emails)
    for user_id, email in zip(staff, staff_emails, strict=True):
        role = Role.PROGRAM_LEADER if email.startswith("leader.") else Role.CAM
        membership_rows.append(
            {
                "id": next_m,
                "tenant_id": tenant.pk,
                "user_id": user_id,
                "role": role,
                "created_at": now,
            }
        )
        next_m += 1
    copy_rows(Membership, membership_rows)
    bench_cam_user = staff[-1] if spec.is_bench else None
    cam_users = staff[:cams]

    # --- CAM grants (guardian per-object permissions) ------------------------------------------
    perm = Permission.objects.get(codename="manage_partner", content_type__app_label="partners")
    ct = ContentType.objects.get_for_model(Partner)

    def grants() -> Iterator[dict]:
        for pid in cam_partners:
            yield {
                "permission_id": perm.pk,
                "content_type_id": ct.pk,
                "object_pk": str(pid),
                "user_id": bench_cam_user,
            }
        for i, pid in enumerate(rest):
            users = {cam_users[i % cams]}
            if rng.random() < 0.1:
                users.add(rng.choice(cam_users))
            for user_id in users:
                yield {
                    "permission_id": perm.pk,
                    "content_type_id": ct.pk,
                    "object_pk": str(pid),
                    "user_id": user_id,
                }

    copy_rows(UserObjectPermission, grants(), with_id=False)

    # --- protected accounts --------------------------------------------------------------------
    customers = CustomerPool(rng, set(), set(), [])

    def account_rows() -> Iterator[dict]:
        for _ in range(spec.accounts):
            name, _website, c = customers.fresh(with_domain=0.9)
            yield {
                "tenant_id": tenant.pk,
                "name": name,
                "domain": c.domain,
                "name_core": c.core,
                "name_key": company_key(name),
                "owner": f"{rng.choice(names.FIRST)} (CRM)",
                "kind": "direct" if rng.random() < 0.6 else "customer",
                "imported_at": now,
            }

    copy_rows(ProtectedAccount, account_rows(), with_id=False)
    customers.seen.clear()  # registrations do not reuse the vendor's own accounts

    # --- registrations --------------------------------------------------------------------------
    backlog_deals = (
        math.ceil(spec.backlog / (BACKLOG_MIX["submitted"] / 100)) if spec.backlog else 0
    )
    plan: list[tuple[int, str]] = []
    if backlog_deals:
        statuses = rng.choices(list(BACKLOG_MIX), list(BACKLOG_MIX.values()), k=backlog_deals)
        plan += zip(rng.choices(cam_partners, k=backlog_deals), statuses, strict=True)
    n_rest = spec.deals - backlog_deals
    statuses = rng.choices(list(MIX), list(MIX.values()), k=n_rest)
    plan += zip(rng.choices(rest, zipf_weights(len(rest)), k=n_rest), statuses, strict=True)
    rng.shuffle(plan)
    first_deal = reserve_ids(Deal, len(plan))
    holders: list[tuple[int, tuple[str, str, Customer]]] = []
    deciders = [bench_cam_user or cam_users[0], *cam_users]
    counts = {"holders": 0, "conflicts": 0}

    def deal_rows() -> Iterator[dict]:
        for i, (pid, status) in enumerate(plan):
            deal_id = first_deal + i
            claim = status in CLAIM_STATUSES
            conflict_with = None
            if status == "submitted" and holders and rng.random() < CONFLICT_SHARE:
                conflict_with, found = rng.choice(holders)
                claim = False
                counts["conflicts"] += 1
            elif claim:
                found = customers.fresh()
                holders.append((deal_id, found))
                counts["holders"] += 1
            elif rng.random() < REUSE_SHARE:
                found = customers.reused()
            else:
                found = customers.fresh()
            name, website, c = found
            created = now - timedelta(minutes=rng.randint(60, 730 * 24 * 60))
            row: dict[str, Any] = {
                "id": deal_id,
                "tenant_id": tenant.pk,
                "partner_id": pid,
                "owner_id": rng.choice(reps_of[pid]),
                "customer_name": name,
                "customer_website": website,
                "customer_domain": c.domain,
                "customer_core": c.core,
                "customer_key": c.claim_key,
                "country": rng.choice(names.COUNTRIES),
                "contact_name": f"{rng.choice(names.FIRST)} {names.word(rng)}",
                "contact_email": f"buyer{deal_id}@{c.domain or 'example.test'}",
                "contact_role": rng.choice(names.ROLES),
                "amount": Decimal(rng.randint(20, 20_000) * 50),
                "currency": rng.choice(CURRENCIES),
                "expected_close_on": (created + timedelta(days=rng.randint(20, 180))).date(),
                "deal_type": rng.choice(("new", "new", "new", "upsell", "renewal")),
                "status": status,
                "holds_claim": claim,
                "conflict_with_id": conflict_with,
                "created_at": created,
            }
            if status != "draft":
                if status in ("submitted", "info_requested", "approved"):
                    # Open registrations are recent: submitted within the protection window.
                    created = now - timedelta(minutes=rng.randint(30, 80 * 24 * 60))
                    row["created_at"] = created
                submitted = created + timedelta(minutes=rng.randint(1, 120))
                row["submitted_at"] = submitted
                row["sla_due_at"] = submitted + timedelta(hours=48)
            if status not in ("draft", "submitted", "withdrawn"):
                decided = row["submitted_at"] + timedelta(hours=rng.randint(1, 120))
                row.update(
                    decided_at=decided,
                    decided_by_id=rng.choice(deciders),
                    decision_hours=Decimal(rng.randint(1, 96)),
                )
            if status in ("approved", "won", "lost", "expired"):
                row["approved_at"] = row["decided_at"]
                row["expires_at"] = row["decided_at"] + timedelta(days=90)
            if status == "rejected":
                row["reject_reason_id"] = rng.choice(reasons)
                row["decision_note"] = "Direct account."
            if status in ("won", "lost"):
                row["closed_on"] = (row["decided_at"] + timedelta(days=rng.randint(5, 90))).date()
                if status == "won":
                    row["won_amount"] = row["amount"]
                else:
                    row["lost_reason"] = "Went with a competitor."
            yield row

    copy_rows(Deal, deal_rows())
    through = Deal.products.through

    def product_rows() -> Iterator[dict]:
        for i in range(len(plan)):
            for product_id in rng.sample(products, rng.choice((1, 1, 2, 3))):
                yield {"deal_id": first_deal + i, "product_id": product_id}

    copy_rows(through, product_rows(), with_id=False)
    return {"partners": spec.partners, "deals": len(plan), **counts}


def generate(scale: str, seed: int = 20240601) -> None:
    specs = SCALES[scale]
    # Loading writes every tenant's rows: it runs outside any one tenant's scope on purpose.
    with scopes_disabled():
        if Tenant.objects.filter(slug=BENCH_SLUG).exists():
            existing = Tenant.objects.get(slug=BENCH_SLUG).portal_title
            raise SystemExit(
                f"generate: the database already holds bench data ({existing}); "
                "use a fresh database (make bench does)"
            )
        started = time.monotonic()
        rng = random.Random(seed)
        pool_size = 4 * max(s.partners for s in specs)
        with transaction.atomic():
            pool = make_users(rng, pool_size)
        log(f"{pool_size} pooled users in {time.monotonic() - started:.1f} s")
        totals = {"deals": 0, "holders": 0, "conflicts": 0, "partners": 0}
        for spec in specs:
            t0 = time.monotonic()
            with transaction.atomic():
                got = load_tenant(spec, random.Random(f"{seed}:{spec.slug}"), pool)
            for k in totals:
                totals[k] += got[k]
            if spec.is_bench or len(specs) < 5 or spec.slug.endswith("0"):
                log(f"tenant {spec.slug}: {got} in {time.monotonic() - t0:.1f} s")
        from .training import load_training  # it reads this module's names

        t0 = time.monotonic()
        with transaction.atomic():
            got = load_training(Tenant.objects.get(slug=BENCH_SLUG), scale, seed)
        log(f"training: {got} in {time.monotonic() - t0:.1f} s")
        from .mdf import check_ledger, load_mdf  # they read this module's names

        t0 = time.monotonic()
        with transaction.atomic():
            got = load_mdf(Tenant.objects.get(slug=BENCH_SLUG), scale, seed)
        checked = check_ledger(Tenant.objects.get(slug=BENCH_SLUG))
        log(f"mdf: {got} in {time.monotonic() - t0:.1f} s; the ledger adds up on {checked} "
            "allocations")  # fmt: skip
        from .commissions import load_money  # it reads this module's names

        t0 = time.monotonic()
        with transaction.atomic():
            got = load_money(Tenant.objects.get(slug=BENCH_SLUG), scale, seed)
        log(f"commissions (money): {got} in {time.monotonic() - t0:.1f} s")
        from .commissions_statements import load_commissions  # it reads this module's names

        t0 = time.monotonic()
        with transaction.atomic():
            got = load_commissions(Tenant.objects.get(slug=BENCH_SLUG), scale)
        log(f"commissions: {got} in {time.monotonic() - t0:.1f} s")
        Tenant.objects.filter(slug=BENCH_SLUG).update(portal_title=f"Bench partners ({scale})")
        loaded = time.monotonic() - started
        t0 = time.monotonic()
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
        log(
            f"scale {scale}: {len(specs)} tenant(s), {totals['partners']} partners, "
            f"{totals['deals']} registrations ({totals['holders']} holding a claim, "
            f"{totals['conflicts']} conflicts) loaded in {loaded:.1f} s; "
            f"VACUUM ANALYZE {time.monotonic() - t0:.1f} s"
        )
