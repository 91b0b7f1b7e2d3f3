"""The training app's demo data: Acme's "Sales foundations" course for resellers (a text, a
video and a file module), published by partner ops, and rep@northwind.test half-way through it.

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
from .models import Course, Module, ModuleKind
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
<p>The next module is a five-minute walk through the product; the last one is the playbook to
keep beside you.</p>
"""


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
        estimated_minutes=25,
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
    playbook = Module(
        tenant=tenant,
        course=course,
        position=3,
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
    first = version_modules(enrolment.version)[0]
    with demo.played_at(now - timedelta(days=2, hours=2, minutes=50)):
        module_complete(actor=rep, enrolment=enrolment, module=first)
