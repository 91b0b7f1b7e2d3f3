"""Emails sent in a tenant's name and branding, with a plain-text and an HTML part."""

from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation

from prm.tenancy.models import Tenant
from prm.tenancy.urls_for import tenant_url

from .branding import branding_for


def tenant_from_address(tenant: Tenant) -> str:
    """`Acme Cloud Partner Portal <partners@...>`: the vendor's name on our sending address."""
    title = (tenant.portal_title or tenant.name).replace('"', "")
    return f'"{title}" <{settings.DEFAULT_FROM_EMAIL}>'


def send_tenant_mail(*, tenant: Tenant, to: str, template: str, context: dict[str, Any]) -> None:
    """Render `<template>_subject.txt`, `.txt` and `.html` in the tenant's language and send.

    Replies go to the tenant's support address when it has one. Raises whatever the email backend
    raises, so a task can retry.
    """
    with translation.override(tenant.language):
        full = {
            "tenant": tenant,
            "branding": branding_for(tenant),
            "portal_url": tenant_url(tenant, "/"),
            **context,
        }
        subject = " ".join(render_to_string(f"{template}_subject.txt", full).split())
        full["subject"] = subject
        text = render_to_string(f"{template}.txt", full)
        html = render_to_string(f"{template}.html", full)
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=tenant_from_address(tenant),
        to=[to],
        reply_to=[tenant.support_email] if tenant.support_email else None,
    )
    message.attach_alternative(html, "text/html")
    message.send()
