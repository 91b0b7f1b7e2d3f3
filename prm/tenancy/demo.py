"""Demo data building blocks. `manage.py seed_demo` makes the tenants and staff, then runs each
app's registered seeder inside each tenant's scope, in app order (apps register in ready())."""

import io
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any
from unittest import mock

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image, ImageDraw, ImageFont

from .models import Membership, Tenant
from .roles import Role

if TYPE_CHECKING:  # the user model lives in prm.accounts, above this package
    from prm.accounts.models import User

DEMO_PASSWORD = "demo-pass-2026"  # documented in the README; demo data only


@contextmanager
def played_at(moment: datetime) -> Iterator[None]:
    """Play a step of a demo story as if it were `moment`: the services, the rows they write
    (auto_now_add), their audit events and notifications all read this time as now, so every
    page tells the same story (a history says "Nov 8", not the minute the demo was seeded)."""
    with mock.patch.object(timezone, "now", return_value=moment):
        yield


@dataclass(frozen=True)
class DemoTenant:
    slug: str
    name: str
    host: str
    portal_title: str
    primary: str
    accent: str
    currency: str
    staff: tuple[tuple[str, str, str], ...]  # (email, full name, role)


DEMO_TENANTS = (
    DemoTenant(
        slug="acme",
        name="Acme Cloud",
        host="acme.localhost",
        portal_title="Acme Cloud Partner Portal",
        primary="#0b5cad",
        accent="#f59e0b",
        currency="USD",
        staff=(
            ("leader@acme.test", "Lena Leader", Role.PROGRAM_LEADER),
            ("ops@acme.test", "Oscar Ops", Role.PARTNER_OPS),
            ("cam@acme.test", "Carla Cam", Role.CAM),
        ),
    ),
    DemoTenant(
        slug="globex",
        name="Globex Software",
        host="globex.localhost",
        portal_title="Globex Partner Network",
        primary="#7c3aed",
        accent="#10b981",
        currency="EUR",
        staff=(
            ("leader@globex.test", "Gustav Leader", Role.PROGRAM_LEADER),
            ("ops@globex.test", "Greta Ops", Role.PARTNER_OPS),
            ("cam@globex.test", "Gino Cam", Role.CAM),
        ),
    ),
)

Seeder = Callable[[Tenant], None]
_SEEDERS: dict[Seeder, int] = {}


def register_seeder(seeder: Seeder, order: int = 100) -> None:
    """Add an app's demo seeder; it is called once per demo tenant inside that tenant's scope.

    Lower `order` runs first: data other seeders build on (partner companies and their users)
    comes before what decorates it (notifications).
    """
    _SEEDERS[seeder] = order


def seeders() -> list[Seeder]:
    return sorted(_SEEDERS, key=lambda s: _SEEDERS[s])


def ensure_user(email: str, full_name: str, *, is_staff: bool = False) -> "User":
    """A demo user with the demo password and a verified email (so every login works at once)."""
    user, _ = get_user_model().objects.get_or_create(email=email, defaults={"full_name": full_name})
    user.full_name = full_name
    user.is_staff = user.is_superuser = is_staff
    user.is_active = True
    user.set_password(DEMO_PASSWORD)
    user.save()
    EmailAddress.objects.update_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user


def ensure_membership(tenant: Tenant, user: "User", role: str, partner: Any = None) -> Membership:
    membership, _ = Membership.objects.update_or_create(
        tenant=tenant,
        user=user,
        defaults={"role": role, "partner": partner, "is_active": True, "deactivated_at": None},
    )
    return membership


def logo_png(initials: str, colour: str, accent: str) -> ContentFile:
    """A simple square logo: the tenant's initials on its colour, with an accent stripe."""
    size = 256
    image = Image.new("RGB", (size, size), colour)
    draw = ImageDraw.Draw(image)
    draw.rectangle([0, size - 36, size, size], fill=accent)
    font = ImageFont.load_default(size=110)
    box = draw.textbbox((0, 0), initials, font=font)
    x = (size - (box[2] - box[0])) / 2 - box[0]
    y = (size - 36 - (box[3] - box[1])) / 2 - box[1]
    draw.text((x, y), initials, fill="#ffffff", font=font)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return ContentFile(out.getvalue(), name="logo.png")
