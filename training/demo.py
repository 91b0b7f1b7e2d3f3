"""The training app's demo data: Acme's "Sales foundations" course for resellers (a text, a
video, a quiz and a file module), published by partner ops, and rep@northwind.test half-way
through it: the text and the video done, the quiz failed once and then passed, the playbook next.

The file module's PDF is `demo_files/sales-playbook.pdf`, a real one-page document kept in the
repository (the demo needs no PDF library).
"""

from datetime import timedelta
from pathlib import Path

from django.core.files.base import ContentFile
from django.utils import timezone

from partners.models import PartnerType, Segment
from prm.tenancy import demo
from prm.tenancy.models import Membership, Tenant
from prm.tenancy.roles import Role

from .content import clean_html
from .models import Choice, Course, Module, ModuleKind, Question, QuestionKind, VersionChoice
from .quizzes.services import attempt_open, attempt_submit
from .selectors import version_modules
from .services import course_publish, course_start, module_complete

PLAYBOOK = Path(__file__).parent / "demo_files" / "sales-playbook.pdf"

INTRO = """
<h2>Why partners who register early win more</h2>
<p>Registering an opportunity <strong>before your first proposal</strong> protects the customer
for you: no other partner can claim it while your registration holds.</p>
<ul>
<li>Qualify the budget owner and the renewal date.</li>
<li>Register the deal in the portal (Deals → Register a deal).</li>
<li>Show the three workflows the buyer named, nothing else.</li>
</ul>
<p>The next module is a five-minute walk through the product, then a short quiz; the last one
is the playbook to keep beside you.</p>
"""

#: the quiz of "Sales foundations": (kind, question, [(choice, right)], explanation)
QUIZ = [
    (
        QuestionKind.SINGLE,
        "When should you register an Acme Cloud opportunity in the portal?",
        [
            ("Before you send your first proposal", True),
            ("Once the customer has signed the order form", False),
            ("Only when another partner is working the same customer", False),
            ("At your next quarterly business review", False),
        ],
        "An approved registration protects the customer for you; registered after the "
        "proposal, another partner may already hold it.",
    ),
    (
        QuestionKind.TRUE_FALSE,
        "While your registration holds, another partner can still claim the same customer.",
        [("True", False), ("False", True)],
        "An approved registration blocks other claims on that customer until it expires.",
    ),
    (
        QuestionKind.MULTIPLE,
        "Which two facts do you qualify before registering a deal?",
        [
            ("Who owns the budget", True),
            ("When their current contract renews", True),
            ("How many offices the customer has", False),
            ("Which competitor they used five years ago", False),
        ],
        "The budget owner and the renewal date tell you whether there is a deal this year.",
    ),
    (
        QuestionKind.SINGLE,
        "What do you show in a first Acme Cloud demo?",
        [
            ("The three workflows the buyer named", True),
            ("Every feature, so nothing is missed", False),
            ("The price list, before anything else", False),
            ("The administration settings", False),
        ],
        "Buyers remember what solves their problem: show their three workflows, nothing else.",
    ),
    (
        QuestionKind.TRUE_FALSE,
        "You register a deal in the portal under Deals, then Register a deal.",
        [("True", True), ("False", False)],
        "",
    ),
    (
        QuestionKind.SINGLE,
        "A customer asks for a discount beyond your tier's standard margin. What do you do?",
        [
            ("Ask your channel account manager before you quote it", True),
            ("Quote it and tell Acme after the order", False),
            ("Walk away from the deal", False),
        ],
        "Your CAM can approve special pricing; a quote Acme has not approved may not be honoured.",
    ),
]


def _quiz_module(tenant: Tenant, course: Course, position: int) -> Module:
    """The course's quiz: six questions, 70 % to pass, three attempts ten minutes apart."""
    module = Module.objects.create(
        tenant=tenant,
        course=course,
        position=position,
        title="Check: registering and qualifying deals",
        kind=ModuleKind.QUIZ,
        minutes=5,
        pass_mark=70,
        attempts_limit=3,
        wait_minutes=10,
    )
    for index, (kind, text, choices, explanation) in enumerate(QUIZ, start=1):
        question = Question.objects.create(
            tenant=tenant,
            module=module,
            kind=kind,
            text=text,
            position=index,
            explanation=explanation,
        )
        Choice.objects.bulk_create(
            Choice(tenant=tenant, question=question, text=label, is_correct=right, position=n)
            for n, (label, right) in enumerate(choices, start=1)
        )
    return module


def _answers(attempt_paper: list, right: bool) -> dict[int, list[int]]:
    """Answers to a paper: all right, or the first question answered wrong."""
    qids = [int(item["q"]) for item in attempt_paper]
    answers: dict[int, list[int]] = {qid: [] for qid in qids}
    for choice in VersionChoice.objects.filter(question_id__in=qids, is_correct=True):
        answers[choice.question_id].append(choice.pk)
    if not right:  # two questions wrong: 4 of 6 is below the pass mark
        for qid in qids[:2]:
            wrong = VersionChoice.objects.filter(question_id=qid, is_correct=False).first()
            answers[qid] = [wrong.pk] if wrong else []
    return answers


def seed_training(tenant: Tenant) -> None:
    """Acme only (once: a tenant with courses is left alone)."""
    if tenant.slug != "acme" or Course.objects.filter(tenant=tenant).exists():
        return
    ops = Membership.objects.filter(tenant=tenant, role=Role.PARTNER_OPS, is_active=True).first()
    if ops is None:
        return
    resellers, _ = Segment.objects.get_or_create(
        tenant=tenant,
        name="Resellers",
        defaults={"description": "Every partner of the Reseller type, in any region."},
    )
    resellers.partner_types.set(PartnerType.objects.filter(tenant=tenant, name="Reseller"))
    now = timezone.now()
    course = Course.objects.create(
        tenant=tenant,
        title="Sales foundations",
        summary="How to qualify, register, demo and close Acme Cloud deals as a reseller: "
        "the basics every new sales rep takes in their first week.",
        estimated_minutes=30,
    )
    course.segments.set([resellers])
    Module.objects.create(
        tenant=tenant,
        course=course,
        position=1,
        title="Register early, win more",
        kind=ModuleKind.TEXT,
        body_html=clean_html(INTRO),
        minutes=8,
    )
    Module.objects.create(
        tenant=tenant,
        course=course,
        position=2,
        title="The product in five minutes",
        kind=ModuleKind.VIDEO,
        video_url="https://www.youtube.com/watch?v=aqz-KE-bpKQ",
        minutes=10,
    )
    _quiz_module(tenant, course, position=3)
    playbook = Module(
        tenant=tenant,
        course=course,
        position=4,
        title="The reseller sales playbook",
        kind=ModuleKind.FILE,
        file_name="Acme sales playbook.pdf",
        content_type="application/pdf",
        size=PLAYBOOK.stat().st_size,
        minutes=7,
    )
    playbook.file.save("sales-playbook.pdf", ContentFile(PLAYBOOK.read_bytes()), save=False)
    playbook.save()
    with demo.played_at(now - timedelta(days=6)):
        course_publish(actor=ops, course=course)
    course.refresh_from_db()
    rep = Membership.objects.filter(
        tenant=tenant, user__email="rep@northwind.test", is_active=True
    ).first()
    if rep is None:
        return
    with demo.played_at(now - timedelta(days=2, hours=3)):
        enrolment = course_start(actor=rep, course=course)
    text, video, quiz, _playbook = version_modules(enrolment.version)
    with demo.played_at(now - timedelta(days=2, hours=2, minutes=50)):
        enrolment = module_complete(actor=rep, enrolment=enrolment, module=text)
    with demo.played_at(now - timedelta(days=2, hours=2, minutes=38)):
        enrolment = module_complete(actor=rep, enrolment=enrolment, module=video)
    # The quiz: failed once (4 of 6), passed after the ten-minute wait.
    for minutes_ago, right in ((150, False), (120, True)):
        moment = now - timedelta(days=2, minutes=minutes_ago)
        with demo.played_at(moment):
            attempt = attempt_open(actor=rep, enrolment=enrolment, module=quiz)
        with demo.played_at(moment + timedelta(minutes=4)):
            attempt_submit(actor=rep, attempt=attempt, answers=_answers(attempt.paper, right))
        enrolment.refresh_from_db()
