"""Demo learning paths and certifications (seeded after the training app's courses).

Acme: "Sales foundations" for resellers (the "Sales foundations" course, then "Handling
objections" with its own quiz between the reading and the role play, locked until the first is
passed) earning "Acme Certified Sales Associate" (24
months), and "Technical certification" for systems integrators (two courses) earning "Acme
Certified Technical Specialist" (12 months). rep@northwind.test is mid-way through the sales
path, and holds "Acme Cloud Essentials", earned 23 months ago by passing the old essentials
course (valid 24 months): it expires within 30 days, so the home card and the reminders show.
Globex: one short path for every partner.
"""

from datetime import timedelta

from django.utils import timezone

from partners.models import PartnerType, Segment
from prm.tenancy import demo
from prm.tenancy.models import Membership, Tenant
from prm.tenancy.roles import Role

from ..content import clean_html
from ..models import (
    Certification,
    Course,
    LearningPath,
    Module,
    ModuleKind,
    PathCourse,
    QuestionKind,
)
from ..quizzes.editing import QuestionDraft, quiz_save
from ..selectors import version_modules
from ..services import course_publish, course_start, module_complete
from .selectors import add_months
from .services import path_publish

VIDEO = "https://www.youtube.com/watch?v=aqz-KE-bpKQ"

#: the quiz of "Handling objections": (kind, question, [(choice, right)], explanation)
OBJECTIONS_QUIZ = [
    (
        QuestionKind.SINGLE,
        "A buyer says “It is too expensive.” What do you do first?",
        [
            ("Ask what they are comparing the price with", True),
            ("Offer the largest discount your tier allows", False),
            ("Move on to the next feature", False),
        ],
        "Behind a price objection is a comparison: learn it before you answer.",
    ),
    (
        QuestionKind.TRUE_FALSE,
        "“Not this quarter” means the deal is lost.",
        [("True", False), ("False", True)],
        "A timing objection is a date: agree on it and register the deal now.",
    ),
    (
        QuestionKind.MULTIPLE,
        "Which two steps answer an objection well?",
        [
            ("Name the objection back to the buyer", True),
            ("Answer with a customer like them", True),
            ("Argue until the buyer agrees", False),
            ("Promise a feature from the roadmap", False),
        ],
        "Show you heard it, then let a customer like them answer it.",
    ),
    (
        QuestionKind.SINGLE,
        "The buyer worries about the risk of switching. Which answer wins most often?",
        [
            ("A reference customer who switched from the same tool", True),
            ("A longer free trial than usual", False),
            ("A lower price for the first year", False),
        ],
        "A peer who made the same move is the answer a risk-averse buyer trusts.",
    ),
]

#: a quiz's questions (see `OBJECTIONS_QUIZ`)
Quiz = list[tuple[QuestionKind, str, list[tuple[str, bool]], str]]


def _course(
    tenant: Tenant,
    ops: Membership,
    title: str,
    summary: str,
    modules: list[tuple[str, str, str, int]],
    segments: list[Segment],
    quizzes: dict[str, Quiz] | None = None,
) -> Course:
    """A course of text, video and quiz modules, published by `ops` (modules: title, kind,
    body or link, minutes; a quiz module's questions are `quizzes[title]`: 75 % to pass, three
    attempts ten minutes apart)."""
    course = Course.objects.create(
        tenant=tenant,
        title=title,
        summary=summary,
        estimated_minutes=sum(m[3] for m in modules) + 5,
    )
    course.segments.set(segments)
    for position, (name, kind, content, minutes) in enumerate(modules, start=1):
        module = Module.objects.create(
            tenant=tenant,
            course=course,
            position=position,
            title=name,
            kind=kind,
            body_html=clean_html(content) if kind == ModuleKind.TEXT else "",
            video_url=content if kind == ModuleKind.VIDEO else "",
            minutes=minutes,
        )
        if kind == ModuleKind.QUIZ:
            # through the editor's service, as partner ops would write it
            quiz_save(
                actor=ops,
                module=module,
                rules={"pass_mark": 75, "attempts_limit": 3, "wait_minutes": 10},
                questions=[
                    QuestionDraft(
                        question_id=None,
                        position=n,
                        kind=question_kind,
                        text=text,
                        explanation=explanation,
                        choices=choices,
                    )
                    for n, (question_kind, text, choices, explanation) in enumerate(
                        (quizzes or {})[name], start=1
                    )
                ],
            )
    course_publish(actor=ops, course=course)
    course.refresh_from_db()
    return course


def _path(
    tenant: Tenant,
    ops: Membership,
    title: str,
    summary: str,
    courses: list[tuple[Course, bool]],
    segments: list[Segment],
) -> LearningPath:
    path = LearningPath.objects.create(tenant=tenant, title=title, summary=summary)
    path.segments.set(segments)
    PathCourse.objects.bulk_create(
        PathCourse(tenant=tenant, path=path, course=course, position=i, required=required)
        for i, (course, required) in enumerate(courses, start=1)
    )
    return path_publish(actor=ops, path=path)


def _pass(member: Membership, course: Course) -> None:
    enrolment = course_start(actor=member, course=course)
    for module in version_modules(enrolment.version):
        enrolment = module_complete(actor=member, enrolment=enrolment, module=module)


def seed_paths(tenant: Tenant) -> None:
    """Once per tenant: a tenant with paths is left alone."""
    if LearningPath.objects.filter(tenant=tenant).exists():
        return
    ops = Membership.objects.filter(tenant=tenant, role=Role.PARTNER_OPS, is_active=True).first()
    if ops is None:
        return
    if tenant.slug == "acme":
        _seed_acme(tenant, ops)
    elif tenant.slug == "globex":
        _seed_globex(tenant, ops)


def _seed_acme(tenant: Tenant, ops: Membership) -> None:
    now = timezone.now()
    resellers = Segment.objects.filter(tenant=tenant, name="Resellers").first()
    sales = Course.objects.filter(tenant=tenant, title="Sales foundations").first()
    if resellers is None or sales is None:
        return
    integrators, _ = Segment.objects.get_or_create(
        tenant=tenant,
        name="Systems integrators",
        defaults={"description": "Every partner of the Systems integrator type."},
    )
    integrators.partner_types.set(
        PartnerType.objects.filter(tenant=tenant, name="Systems integrator")
    )
    rep = Membership.objects.filter(
        tenant=tenant, user__email="rep@northwind.test", is_active=True
    ).first()

    # Two years ago: the essentials course and its certification, which the rep earned.
    earned = add_months(now, -23) - timedelta(days=8)
    with demo.played_at(earned - timedelta(days=20)):
        essentials = _course(
            tenant, ops, "Acme Cloud essentials",
            "The product, its editions and its customers in one hour: the course every "
            "partner took before the current curriculum.",
            [
                ("What Acme Cloud does", ModuleKind.TEXT,
                 "<p>Acme Cloud runs <strong>workflows</strong> for finance and operations "
                 "teams.</p><ul><li>Standard</li><li>Business</li><li>Enterprise</li></ul>", 10),
                ("A customer story", ModuleKind.VIDEO, VIDEO, 8),
            ],
            [],
        )  # fmt: skip
        Certification.objects.create(
            tenant=tenant,
            name="Acme Cloud Essentials",
            description="Knows the product, its editions and who buys it.",
            course=essentials,
            validity_months=24,
        )
    if rep is not None:
        with demo.played_at(earned):
            _pass(rep, essentials)

    with demo.played_at(now - timedelta(days=5)):
        objections = _course(
            tenant, ops, "Handling objections",
            "The six objections buyers raise most, and the answers that win the deal.",
            [
                ("The six objections", ModuleKind.TEXT,
                 "<h2>Price, timing, risk…</h2><p>Name the objection, ask what is behind it, "
                 "then answer with a customer like them.</p>", 12),
                ("Check: handling objections", ModuleKind.QUIZ, "", 5),
                ("Role play: the price objection", ModuleKind.VIDEO, VIDEO, 10),
            ],
            [resellers],
            {"Check: handling objections": OBJECTIONS_QUIZ},
        )  # fmt: skip
        sales_path = _path(
            tenant, ops, "Sales foundations",
            "Your first two weeks selling Acme Cloud: qualify, register and win, then answer "
            "the objections buyers raise.",
            [(sales, True), (objections, True)],
            [resellers],
        )  # fmt: skip
        Certification.objects.create(
            tenant=tenant,
            name="Acme Certified Sales Associate",
            description="Passed every required course of the Sales foundations path.",
            path=sales_path,
            validity_months=24,
        )
        architecture = _course(
            tenant, ops, "Platform architecture",
            "How Acme Cloud is built: tenants, workflows, data residency and limits.",
            [
                ("The building blocks", ModuleKind.TEXT,
                 "<p>Every customer is a <em>tenant</em>; workflows run in its region.</p>", 15),
                ("Architecture walkthrough", ModuleKind.VIDEO, VIDEO, 20),
            ],
            [integrators],
        )  # fmt: skip
        integrations = _course(
            tenant, ops, "Integrations and APIs",
            "Connect Acme Cloud to ERPs and identity providers with the REST API and webhooks.",
            [
                ("The REST API", ModuleKind.TEXT,
                 "<p>Authenticate with OAuth 2.0, page with cursors, retry with backoff.</p>", 20),
                ("Webhooks in practice", ModuleKind.VIDEO, VIDEO, 15),
            ],
            [integrators],
        )  # fmt: skip
        tech_path = _path(
            tenant, ops, "Technical certification",
            "For systems integrators who implement Acme Cloud: architecture, then integrations.",
            [(architecture, True), (integrations, True)],
            [integrators],
        )  # fmt: skip
        Certification.objects.create(
            tenant=tenant,
            name="Acme Certified Technical Specialist",
            description="Passed the architecture and integrations courses.",
            path=tech_path,
            validity_months=12,
        )


def _seed_globex(tenant: Tenant, ops: Membership) -> None:
    now = timezone.now()
    with demo.played_at(now - timedelta(days=3)):
        basics = _course(
            tenant, ops, "Globex partner basics",
            "The Globex Partner Network in twenty minutes: products, deal registration, support.",
            [
                ("Welcome to the network", ModuleKind.TEXT,
                 "<p>Register every opportunity before your first proposal.</p>", 8),
                ("Globex Software tour", ModuleKind.VIDEO, VIDEO, 10),
            ],
            [],
        )  # fmt: skip
        path = _path(
            tenant, ops, "Globex onboarding",
            "Where every new Globex partner starts.",
            [(basics, True)],
            [],
        )  # fmt: skip
        Certification.objects.create(
            tenant=tenant,
            name="Globex Network Member",
            description="Completed the Globex onboarding path.",
            path=path,
            validity_months=12,
        )
