"""allauth adapters: invitation-only sign-up; emails and TOTP labels in the tenant's name."""

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context
from allauth.mfa.adapter import DefaultMFAAdapter
from django.core.mail import EmailMultiAlternatives
from django.http import HttpRequest
from django.template.loader import render_to_string

from prm.notifications.subjects import one_line, render_subject
from prm.security.redirects import is_own_host_url
from prm.tenancy.branding import branding_for, email_from, email_reply_to

from . import login_limits
from .services import sign_in_record


def _current_tenant() -> Any:
    request = context.request
    return getattr(request, "tenant", None) if request is not None else None


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        # Nobody signs up on their own: people join a tenant through an invitation.
        return False

    def login(self, request: HttpRequest, user: Any) -> Any:
        response = super().login(request, user)
        tenant = getattr(request, "tenant", None)
        if tenant is not None:
            # Engagement counts days a member signed in to this tenant (tenancy is by host).
            sign_in_record(tenant=tenant, user=user)
        return response

    def is_safe_url(self, url: str | None) -> bool:
        # allauth accepts every host of ALLOWED_HOSTS: other tenants' too, and 127.0.0.1.
        request = context.request
        return request is not None and is_own_host_url(request, url)

    def _delete_login_attempts_cached_email(self, request: HttpRequest, **credentials: Any) -> None:
        # allauth calls this once a password was reset by its owner; the failures it would
        # clear are counted by login_limits instead of allauth's rate limits.
        login_limits.forget_account(login_limits.login_of(credentials))

    def format_email_subject(self, subject: str) -> str:
        tenant = _current_tenant()
        prefix = f"[{tenant.portal_title or tenant.name}] " if tenant else ""
        return one_line(prefix + str(subject))

    def render_mail(
        self,
        template_prefix: str,
        email: str | list[str],
        context: dict[str, Any],
        headers: dict[str, str] | None = None,
    ) -> EmailMultiAlternatives:
        """allauth's plain-text message, plus an HTML part in the tenant's branding."""
        message = super().render_mail(template_prefix, email, context, headers)
        # allauth renders the subject with HTML autoescaping unless its template turns it off:
        # render it again as plain text, like every other subject.
        message.subject = self.format_email_subject(
            render_subject(f"{template_prefix}_subject.txt", context)
        )
        tenant = _current_tenant()
        if tenant is None or not isinstance(message, EmailMultiAlternatives):
            return message
        message.from_email = email_from(tenant)
        message.reply_to = email_reply_to(tenant)
        if not message.alternatives:
            html = render_to_string(
                "emails/text_as_html.html",
                {
                    "tenant": tenant,
                    "branding": branding_for(tenant),
                    "subject": message.subject,
                    "text": message.body,
                },
            )
            message.attach_alternative(html, "text/html")
        return message


class MFAAdapter(DefaultMFAAdapter):
    def get_totp_issuer(self) -> str:
        tenant = _current_tenant()
        return (tenant.portal_title or tenant.name) if tenant else super().get_totp_issuer()
