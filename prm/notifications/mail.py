"""Emails in a tenant's name and branding: a subject, a plain-text and an HTML part."""

from dataclasses import dataclass
from typing import Any

from django.template.loader import render_to_string
from django.utils import translation

from prm.tenancy.branding import branding_for
from prm.tenancy.models import Tenant
from prm.tenancy.urls_for import tenant_url, tenant_urlconf

from .subjects import render_subject


@dataclass(frozen=True)
class RenderedMail:
    subject: str
    text: str
    html: str


def render_tenant_mail(*, tenant: Tenant, template: str, context: dict[str, Any]) -> RenderedMail:
    """Render `<template>_subject.txt`, `.txt` and `.html` in the tenant's language.

    The templates get the tenant, its branding, `portal_url` and an absolute `logo_src` besides
    `context`; the HTML templates extend `emails/base.html` and escape what they show. The
    subject is plain text on one line (`prm.notifications.subjects.render_subject`), and so is
    the text part (its templates turn autoescaping off). The sender is the vendor's
    (`prm.tenancy.branding.email_from`), set when the row is delivered.
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
        subject = render_subject(f"{template}_subject.txt", full)
        full["subject"] = subject
        return RenderedMail(
            subject=subject,
            text=render_to_string(f"{template}.txt", full),
            html=render_to_string(f"{template}.html", full),
        )
