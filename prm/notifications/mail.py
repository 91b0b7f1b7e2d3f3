"""Emails in a tenant's name and branding: a subject, a plain-text and an HTML part."""

from dataclasses import dataclass
from typing import Any

from django.template import Context, engines
from django.template.loader import render_to_string
from django.utils import translation

from prm.tenancy.branding import branding_for
from prm.tenancy.models import Tenant
from prm.tenancy.urls_for import tenant_url, tenant_urlconf


@dataclass(frozen=True)
class RenderedMail:
    subject: str
    text: str
    html: str


def _render_plain(template: str, context: dict[str, Any]) -> str:
    """A template rendered as plain text: "Margie's Travel", never "Margie&#x27;s Travel" (a
    subject or a text part is not HTML; the HTML part escapes on its own)."""
    engine = engines["django"].engine  # type: ignore[attr-defined]
    return str(engine.get_template(template).render(Context(context, autoescape=False)))


def render_tenant_mail(*, tenant: Tenant, template: str, context: dict[str, Any]) -> RenderedMail:
    """Render `<template>_subject.txt`, `.txt` and `.html` in the tenant's language.

    The templates get the tenant, its branding, `portal_url` and an absolute `logo_src` besides
    `context`; the HTML templates extend `emails/base.html` and escape what they show.
    """
    with tenant_urlconf(), translation.override(tenant.language):
        branding = branding_for(tenant)
        full = {
            "tenant": tenant,
            "branding": branding,
            "portal_url": tenant_url(tenant, "/"),
            "logo_src": tenant_url(tenant, branding.logo_url) if branding.logo_url else "",
            **context,
        }
        subject = " ".join(_render_plain(f"{template}_subject.txt", full).split())
        full["subject"] = subject
        return RenderedMail(
            subject=subject,
            text=_render_plain(f"{template}.txt", full),
            html=render_to_string(f"{template}.html", full),
        )
