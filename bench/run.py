"""Timed scenarios against the generated data, in one process, through Django's test Client.

Each scenario runs `WARMUP` iterations, then N timed ones (no query capture while timing), then
a few more under `CaptureQueriesContext` for the queries per request. HTTP scenarios go to the
bench tenant's host through the whole middleware stack; function-level ones call the service
inside the tenant's scope, as the middleware would. Results: a table on stdout and
`bench/results/<scale>.json`. A missed target prints FAIL; the exit status stays 0.
"""

import gc
import json
import platform
import random
import statistics
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import django
from django.conf import settings
from django.db import connection
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from deals.conflicts import precheck
from deals.models import Deal, Product
from deals.selectors import deal_queue_for, deals_for
from deals.services import DealInput, deal_save
from prm.accounts.models import User
from prm.tenancy.models import Membership, Tenant
from prm.tenancy.roles import Role
from prm.workspace.sites import tenant_admin_site
from training.models import Course, Enrolment, ModuleKind, VersionChoice, VersionModule
from training.quizzes.services import attempt_open, attempt_submit
from training.reports.selectors import course_completion
from training.services import course_start

from . import names, variants
from .api import api_bulk_upsert, api_scenarios
from .commissions import money_scenarios
from .commissions_statements import close_period
from .commissions_statements import scenarios as commission_scenarios
from .generate import BENCH_ADMIN, BENCH_CAM, BENCH_HOST, BENCH_REP, BENCH_SLUG, CustomerPool
from .mdf import concurrent_approvals
from .mdf import scenarios as mdf_scenarios
from .reporting import Skipped, reporting_scenarios
from .reporting_qbrs import qbr_bulk_export, qbr_scenarios
from .reporting_scorecard import scorecard_scenarios
from .training import QUIZ_COURSE

RESULTS = Path(__file__).resolve().parent / "results"
WARMUP = 5
ITERATIONS = 60
COUNTED = 3
#: the admin changelist's page size when the admin does not say (Django's default)
QUEUE_PAGE_SIZE = 100


@dataclass
class Target:
    p95_ms: float | None = None
    ratio: float | None = None  # p95 / p95 of the reference scenario
    vs: str | None = None  # another scenario the ratio compares to (else the reference)

    def describe(self) -> str:
        parts = []
        if self.p95_ms is not None:
            parts.append(f"p95<={self.p95_ms:g}ms")
        if self.ratio is not None:
            parts.append(f"<={self.ratio:g}x {self.vs or 'ref'}")
        return ", ".join(parts)


@dataclass
class Result:
    name: str
    level: str  # ref, function, http
    reference: str | None
    iterations: int = 0
    p50_ms: float | None = None
    p95_ms: float | None = None
    mean_ms: float | None = None
    queries: int | None = None
    ratio: float | None = None
    target: str = ""
    verdict: str = ""  # PASS / FAIL / ERROR / ""
    note: str = ""
    samples_ms: list[float] = field(default_factory=list, repr=False)


@dataclass
class Scenario:
    name: str
    level: str
    reference: str | None
    #: returns the per-iteration callable (taking the iteration number)
    prepare: Callable[[], Callable[[int], Any]]
    target: Target | None = None
    iterations: int = ITERATIONS


def _url(name: str, **query: Any) -> str:
    url = reverse(name)
    return f"{url}?{urlencode(query, doseq=True)}" if query else url


def _check(response: Any, *ok: int) -> None:
    if response.status_code not in ok:
        raise AssertionError(f"HTTP {response.status_code} (expected {'/'.join(map(str, ok))})")


class Bench:
    def __init__(self, scale: str, iterations: int | None) -> None:
        self.scale = scale
        self.iterations = iterations
        # Looking up the bench's own members before any scope exists.
        with scopes_disabled():
            self.tenant = Tenant.objects.get(slug=BENCH_SLUG)
            members = Membership.objects.select_related("user", "partner").filter(
                tenant=self.tenant
            )
            self.rep = members.get(user__email=BENCH_REP)
            self.admin = members.get(user__email=BENCH_ADMIN)
            self.cam = members.get(user__email=BENCH_CAM)
            self.leader = members.filter(role=Role.PROGRAM_LEADER).first()
        self.rng = random.Random(f"run:{scale}")
        with scope(tenant=self.tenant):
            # Customers other partners hold: what the conflict check is asked about.
            held = list(
                Deal.objects.filter(tenant=self.tenant, holds_claim=True)
                .exclude(partner_id=self.rep.partner_id)
                .order_by("id")
                .values_list("customer_name", "customer_domain")[:20000]
            )
            self.held = self.rng.sample(held, min(len(held), 2000))
            self.held_with_domain = [h for h in self.held if h[1]]
            self.products = list(Product.objects.filter(tenant=self.tenant)[:3])
            # The admin's page size when the admin UI is in this build (Django's default if not).
            admin = tenant_admin_site._registry.get(Deal)
            self.page_size = getattr(admin, "list_per_page", QUEUE_PAGE_SIZE)
            waiting = deal_queue_for(membership=self.cam).count()
            self.queue_pages = max(1, -(-waiting // self.page_size))
        self.pool = CustomerPool(random.Random(f"fresh:{time.time_ns()}"), set(), set(), [])

    def client(self, membership: Membership) -> Client:
        client = Client(HTTP_HOST=BENCH_HOST)
        client.force_login(membership.user)
        return client

    # --- inputs -----------------------------------------------------------------------------
    def exact(self, i: int) -> tuple[str, str]:
        """A held customer's domain typed as a URL, its name as someone else would type it."""
        name, domain = self.held_with_domain[i % len(self.held_with_domain)]
        return variants.case_punct(self.rng, name), f"https://www.{domain}/"

    def fuzzy(self, i: int) -> tuple[str, str]:
        """A held customer's name with a typo, no website."""
        name, _domain = self.held[(i * 7 + 3) % len(self.held)]
        return variants.typo(self.rng, name), ""

    def fresh_input(self) -> dict[str, Any]:
        name, website, _c = self.pool.fresh()
        return {
            "customer_name": name,
            "customer_website": website,
            "country": self.rng.choice(names.COUNTRIES),
            "contact_name": "Casey Buyer",
            "contact_email": "casey@buyer.example",
            "contact_role": "CIO",
            "amount": "48000",
            "currency": "EUR",
            "expected_close_on": (timezone.localdate() + timedelta(days=45)).isoformat(),
            "deal_type": "new",
            "notes": "Bench registration.",
        }

    # --- training -------------------------------------------------------------------------------
    def quiz_takers(self, n: int) -> list[tuple[Membership, Any, dict[int, list[int]]]]:
        """`n` partner users (not the named ones) each holding an open attempt at the bench
        quiz, with the answers that pass it (even ones) or fail it (odd ones): what one
        submission grades. Opened through the services, untimed."""
        tenant = self.tenant
        with scope(tenant=tenant):
            course = Course.objects.select_related("current_version", "tenant").get(
                tenant=tenant, title=QUIZ_COURSE
            )
            module = VersionModule.objects.get(version=course.current_version, kind=ModuleKind.QUIZ)
            right: dict[int, set[int]] = {}
            for qid, cid in VersionChoice.objects.filter(
                question__module=module, is_correct=True
            ).values_list("question_id", "id"):
                right.setdefault(qid, set()).add(cid)
            taken = set(
                Enrolment.objects.filter(course=course).values_list("membership_id", flat=True)
            )
            takers = list(
                Membership.objects.select_related("user", "partner", "tenant")
                .filter(tenant=tenant, role=Role.PARTNER_REP, is_active=True)
                .exclude(pk__in=taken)
                .exclude(pk=self.rep.pk)
                .order_by("id")[:n]
            )
            out = []
            for i, member in enumerate(takers):
                enrolment = course_start(actor=member, course=course)
                attempt = attempt_open(actor=member, enrolment=enrolment, module=module)
                answers: dict[int, list[int]] = {}
                for item in attempt.paper:
                    qid, cids = int(item["q"]), [int(c) for c in item["c"]]
                    good = sorted(right[qid])
                    answers[qid] = good if i % 2 == 0 else [c for c in cids if c not in good][:1]
                out.append((member, attempt, answers))
        return out

    # --- scenarios ------------------------------------------------------------------------------
    def scenarios(self) -> list[Scenario]:
        tenant = self.tenant
        conflict = Target(p95_ms=40)
        listing = Target(p95_ms=50, ratio=3)

        def ref(name: str, url_name: str) -> Callable[[], Callable[[int], Any]]:
            def prepare() -> Callable[[int], Any]:
                client, url = self.client(self.rep), _url(url_name)
                return lambda i: _check(client.get(url), 200)

            return prepare

        def fn_precheck(make: Callable[[int], tuple[str, str]]) -> Callable[[], Any]:
            def prepare() -> Callable[[int], Any]:
                def once(i: int) -> Any:
                    name, website = make(i)
                    with scope(tenant=tenant):
                        return precheck(
                            tenant=tenant,
                            name=name,
                            website=website,
                            partner_id=self.rep.partner_id,
                        )

                return once

            return prepare

        def http_precheck(make: Callable[[int], tuple[str, str]]) -> Callable[[], Any]:
            def prepare() -> Callable[[int], Any]:
                _url("deals:precheck")
                client = self.client(self.rep)

                def once(i: int) -> Any:
                    name, website = make(i)
                    url = _url("deals:precheck", customer_name=name, customer_website=website)
                    _check(client.get(url, HTTP_HX_REQUEST="true"), 200)

                return once

            return prepare

        def register_once(i: int) -> Any:
            data = self.fresh_input()
            data.update(
                products=self.products[:2],
                amount=Decimal(data["amount"]),
                expected_close_on=timezone.localdate() + timedelta(days=45),
            )
            with scope(tenant=tenant):
                return deal_save(actor=self.rep, data=DealInput(**data), submit=True)

        def fn_register() -> Callable[[int], Any]:
            return register_once

        def http_register() -> Callable[[int], Any]:
            url = _url("deals:create")
            client = self.client(self.rep)
            product_ids = [str(p.pk) for p in self.products[:2]]

            def once(i: int) -> Any:
                # The portal's "Submit registration" button is action=submit.
                data = {**self.fresh_input(), "products": product_ids, "action": "submit"}
                _check(client.post(url, data), 302, 303)

            once(-1)
            with scope(tenant=tenant):
                latest = Deal.objects.filter(tenant=tenant, owner=self.rep).latest("id")
            if latest.status != Deal.Status.SUBMITTED:
                raise AssertionError(f"the POST left a {latest.status} registration, not submitted")
            return once

        def http_list(member: Membership, **query: Any) -> Callable[[], Any]:
            def prepare() -> Callable[[int], Any]:
                url, client = _url("deals:list", **query), self.client(member)
                return lambda i: _check(client.get(url), 200)

            return prepare

        def http_queue(page: int) -> Callable[[], Any]:
            def prepare() -> Callable[[int], Any]:
                shown = min(page, self.queue_pages)
                query = {"p": shown} if shown > 1 else {}
                url, client = _url("admin:deals_deal_changelist", **query), self.client(self.cam)
                return lambda i: _check(client.get(url), 200)

            return prepare

        def http_page(member: Membership, url_name: str, **query: Any) -> Callable[[], Any]:
            def prepare() -> Callable[[int], Any]:
                url, client = _url(url_name, **query), self.client(member)
                return lambda i: _check(client.get(url), 200)

            return prepare

        def fn_list(member: Membership, rows: int = 50) -> Callable[[], Any]:
            def prepare() -> Callable[[int], Any]:
                def once(i: int) -> Any:
                    with scope(tenant=tenant):
                        return list(deals_for(membership=member)[:rows])

                return once

            return prepare

        def fn_queue(page: int) -> Callable[[], Any]:
            def prepare() -> Callable[[int], Any]:
                from django.core.paginator import Paginator

                def once(i: int) -> Any:
                    with scope(tenant=tenant):
                        pages = Paginator(deal_queue_for(membership=self.cam), self.page_size)
                        return list(pages.page(min(page, pages.num_pages)).object_list)

                return once

            return prepare

        quiz_runs = WARMUP + (self.iterations or ITERATIONS) + COUNTED

        def fn_quiz_submit() -> Callable[[int], Any]:
            takers = self.quiz_takers(quiz_runs)

            def once(i: int) -> Any:
                member, attempt, answers = takers[i]
                with scope(tenant=tenant):
                    return attempt_submit(actor=member, attempt=attempt, answers=answers)

            return once

        def http_quiz_submit() -> Callable[[int], Any]:
            import re

            posts = []
            for member, attempt, answers in self.quiz_takers(quiz_runs):
                client = self.client(member)
                url = reverse(
                    "training:quiz", args=[attempt.enrolment.course_id, attempt.module_id]
                )
                page = client.get(url)
                _check(page, 200)
                token = re.search(r'name="form_token" value="([^"]+)"', page.content.decode())
                if token is None:
                    raise AssertionError("the quiz page has no form token")
                data: dict[str, Any] = {"form_token": token.group(1)}
                for k, item in enumerate(attempt.paper, start=1):
                    order = [int(c) for c in item["c"]]
                    data[f"q{k}"] = [str(order.index(c) + 1) for c in answers[int(item["q"])]]
                posts.append((client, url, data))

            def once(i: int) -> Any:
                client, url, data = posts[i]
                _check(client.post(url, data), 302)

            return once

        def most_taken_course() -> Course:
            with scope(tenant=tenant):
                top = (
                    Enrolment.objects.filter(tenant=tenant)
                    .values("course_id")
                    .annotate(n=Count("id"))
                    .order_by("-n")
                    .first()
                )
                assert top is not None, "no enrolments: run `python -m bench generate-training`"
                return Course.objects.get(pk=top["course_id"])

        def http_report() -> Callable[[int], Any]:
            url = reverse("admin:training_report_course", args=[most_taken_course().pk])
            client = self.client(self.leader)
            return lambda i: _check(client.get(url), 200)

        def fn_report() -> Callable[[int], Any]:
            course = most_taken_course()

            def once(i: int) -> Any:
                with scope(tenant=tenant):
                    return course_completion(self.leader, course)

            return once

        searches = ["pricing", "security playbook", "cloud migration", "partner onboarding"]

        def http_search() -> Callable[[int], Any]:
            client = self.client(self.rep)
            urls = [_url("library:resources", q=q) for q in searches]
            return lambda i: _check(client.get(urls[i % len(urls)]), 200)

        fast = 100 if self.iterations is None else self.iterations
        last = f"p{min(100, self.queue_pages)}"
        return [
            Scenario("ref: bare page", "ref", None, ref("bare", "bench:bare"), iterations=fast),
            Scenario("ref: one query", "ref", None, ref("one", "bench:one_query"), iterations=fast),
            Scenario("ref: 50-row table", "ref", None, ref("table", "bench:table")),
            Scenario("conflict exact (fn)", "function", None, fn_precheck(self.exact), conflict),
            Scenario("conflict fuzzy (fn)", "function", None, fn_precheck(self.fuzzy), conflict),
            Scenario(
                "conflict exact (url)",
                "http",
                "ref: one query",
                http_precheck(self.exact),
                conflict,
            ),
            Scenario(
                "conflict fuzzy (url)",
                "http",
                "ref: one query",
                http_precheck(self.fuzzy),
                conflict,
            ),
            Scenario("register submit (fn)", "function", None, fn_register, Target(p95_ms=100)),
            Scenario(
                "register POST (url)", "http", "ref: one query", http_register, Target(p95_ms=100)
            ),
            Scenario(
                "deal list rep (url)", "http", "ref: 50-row table", http_list(self.rep), listing
            ),
            Scenario(
                "deal list admin (url)", "http", "ref: 50-row table", http_list(self.admin), listing
            ),
            Scenario("queue p1 CAM (url)", "http", "ref: 50-row table", http_queue(1), listing),
            Scenario(
                f"queue {last} CAM (url)",
                "http",
                "ref: 50-row table",
                http_queue(100),
                Target(p95_ms=50, ratio=1.3, vs="queue p1 CAM (url)"),
            ),
            Scenario("deal list rep 50 (selector)", "function", None, fn_list(self.rep)),
            Scenario("deal list admin 50 (selector)", "function", None, fn_list(self.admin)),
            Scenario("queue p1 CAM (selector)", "function", None, fn_queue(1)),
            Scenario(
                "learning rep (url)",
                "http",
                "ref: 50-row table",
                http_page(self.rep, "training:learning"),
                listing,
            ),
            Scenario("quiz submit 20q (fn)", "function", None, fn_quiz_submit, Target(p95_ms=100)),
            Scenario(
                "quiz submit 20q (url)",
                "http",
                "ref: one query",
                http_quiz_submit,
                Target(p95_ms=100),
            ),
            Scenario("completion report (fn)", "function", None, fn_report, Target(p95_ms=300)),
            Scenario(
                "completion report (url)",
                "http",
                "ref: 50-row table",
                http_report,
                Target(p95_ms=300),
            ),
            Scenario(
                "resources rep (url)",
                "http",
                "ref: 50-row table",
                http_page(self.rep, "library:resources"),
                listing,
            ),
            Scenario("library search rep (url)", "http", "ref: 50-row table", http_search, listing),
            Scenario(
                "catalogue rep (url)",
                "http",
                "ref: 50-row table",
                http_page(self.rep, "training:catalogue"),
                listing,
            ),
            Scenario(
                f"queue {last} CAM (selector)",
                "function",
                None,
                fn_queue(100),
                Target(ratio=1.3, vs="queue p1 CAM (selector)"),
            ),
            *mdf_scenarios(self),
            *money_scenarios(self),
            *commission_scenarios(self),
            *reporting_scenarios(self),
            *scorecard_scenarios(self),
            *qbr_scenarios(self),
            *api_scenarios(self),
        ]

    # --- measuring ------------------------------------------------------------------------------
    def measure(self, scenario: Scenario) -> Result:
        result = Result(scenario.name, scenario.level, scenario.reference)
        once = scenario.prepare()
        n = self.iterations or scenario.iterations
        try:
            for i in range(WARMUP):
                once(i)
            gc.collect()
            samples = []
            for i in range(n):
                t0 = time.perf_counter()
                once(WARMUP + i)
                samples.append((time.perf_counter() - t0) * 1000)
            counts = []
            for i in range(COUNTED):
                with CaptureQueriesContext(connection) as captured:
                    once(WARMUP + n + i)
                counts.append(len(captured))
        except Skipped as e:  # not in this build yet (a part not merged): said, not failed
            result.verdict, result.note = "SKIP", str(e)
            return result
        except Exception as e:  # a broken scenario must not hide the others' numbers
            result.verdict, result.note = "ERROR", f"{type(e).__name__}: {e}"[:200]
            return result
        q = statistics.quantiles(samples, n=100, method="inclusive")
        result.iterations = n
        result.p50_ms, result.p95_ms = round(q[49], 2), round(q[94], 2)
        result.mean_ms = round(statistics.fmean(samples), 2)
        result.queries = max(counts)
        result.samples_ms = [round(s, 3) for s in samples]
        if min(counts) != max(counts):
            result.note = f"queries {min(counts)}-{max(counts)}"
        return result


def judge(results: list[Result], scenarios: list[Scenario]) -> None:
    by_name = {r.name: r for r in results}
    for r, s in zip(results, scenarios, strict=True):
        if r.p95_ms is None:
            continue
        ref = by_name.get(r.reference or "")
        if ref is not None and ref.p95_ms:
            r.ratio = round(r.p95_ms / ref.p95_ms, 2)
        if s.target is None:
            continue
        r.target = s.target.describe()
        ok = True
        if s.target.p95_ms is not None:
            ok &= r.p95_ms <= s.target.p95_ms
        if s.target.ratio is not None:
            base = by_name.get(s.target.vs) if s.target.vs else ref
            if base is None or base.p95_ms is None:
                r.note = (r.note + "; ratio base not measured").strip("; ")
            else:
                ratio = r.p95_ms / base.p95_ms
                if s.target.vs:
                    r.note = (r.note + f"; {ratio:.2f}x {s.target.vs}").strip("; ")
                ok &= ratio <= s.target.ratio
        r.verdict = "PASS" if ok else "FAIL"


def print_table(scale: str, results: list[Result]) -> None:
    head = f"{'scenario':32} {'n':>4} {'p50 ms':>8} {'p95 ms':>8} {'queries':>7} {'x ref':>6}"
    print(f"\nbench run, scale {scale} (targets are set for M and L)\n")
    print(f"{head}  {'target':26} result")
    print("-" * (len(head) + 36))
    for r in results:

        def num(v: float | None, fmt: str = ".1f") -> str:
            return "-" if v is None else format(v, fmt)

        print(
            f"{r.name:32} {r.iterations or '-':>4} {num(r.p50_ms):>8} {num(r.p95_ms):>8} "
            f"{num(r.queries, 'd'):>7} {num(r.ratio, '.2f'):>6}  {r.target:26} {r.verdict}"
            + (f"  ({r.note})" if r.note else "")
        )
    print()


def run(scale: str, iterations: int | None = None, only: str = "") -> list[Result]:
    bench = Bench(scale, iterations)
    scenarios = bench.scenarios()
    if only:
        wanted = [w.strip() for w in only.split(",") if w.strip()]
        scenarios = [s for s in scenarios if s.level == "ref" or any(w in s.name for w in wanted)]
    results = []
    for scenario in scenarios:
        result = bench.measure(scenario)
        results.append(result)
        print(f"run: {scenario.name}: p95 {result.p95_ms} ms {result.note}".rstrip(), flush=True)
    judge(results, scenarios)
    if not only or "concurrent" in only:
        # One run of many at once, not N timed iterations: measured apart.
        results.append(concurrent_approvals(bench))
        print(f"run: {results[-1].name}: {results[-1].note}", flush=True)
    if not only or "close" in only:
        # Closing a period for every partner: one run, rolled back, measured apart.
        results.append(close_period(bench))
        print(f"run: {results[-1].name}: {results[-1].note}", flush=True)
    if not only or "qbr" in only:
        # A bulk QBR export of 100 partners: one run of the job, rolled back, measured apart.
        results.append(qbr_bulk_export(bench, results))
        print(f"run: {results[-1].name}: {results[-1].note}", flush=True)
    if not only or "api" in only:
        # A bulk upsert of 10,000 protected accounts: one POST each way, rolled back.
        results.append(api_bulk_upsert(bench, results))
        print(f"run: {results[-1].name}: {results[-1].note}", flush=True)
    print_table(scale, results)
    # Counting the bench's rows across the whole database.
    with scopes_disabled():
        deals = Deal.objects.count()
        tenants = Tenant.objects.count()
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"{scale}.json"
    out.write_text(
        json.dumps(
            {
                "scale": scale,
                "when": timezone.now().isoformat(timespec="seconds"),
                "data": {"tenants": tenants, "deals": deals, "users": User.objects.count()},
                "environment": {
                    "python": platform.python_version(),
                    "django": django.get_version(),
                    "postgres": connection.pg_version,
                    "settings": settings.SETTINGS_MODULE,
                },
                "results": [asdict(r) for r in results],
            },
            indent=2,
        )
    )
    print(f"run: wrote {out}")
    return results
