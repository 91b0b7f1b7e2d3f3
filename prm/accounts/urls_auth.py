"""allauth's sign-in, password and two-factor pages, each with its declared capability.

Only the flows the product uses are mounted: no self sign-up, no email address management (an
email is the person's identity across every tenant they belong to).
"""

from collections.abc import Iterable

from allauth.account import urls as account_urls
from allauth.mfa import urls as mfa_urls
from django.urls import URLPattern, URLResolver, include, path

from prm.tenancy.decorators import public, requires

PUBLIC_NAMES = frozenset(
    {
        "account_login",
        "account_logout",
        "account_inactive",
        "account_email_verification_sent",
        "account_confirm_email",
        "account_reset_password",
        "account_reset_password_done",
        "account_reset_password_from_key",
        "account_reset_password_from_key_done",
        "mfa_authenticate",  # the second step of signing in, before the user is logged in
        "account_signup",  # answers "sign-up is closed" (invitation only); allauth links to it
    }
)
MEMBER_NAMES = frozenset(
    {
        "account_change_password",
        "account_reauthenticate",
        "mfa_index",
        "mfa_reauthenticate",
        "mfa_activate_totp",
        "mfa_deactivate_totp",
        "mfa_view_recovery_codes",
        "mfa_generate_recovery_codes",
        "mfa_download_recovery_codes",
    }
)


def _declared(patterns: Iterable[URLPattern | URLResolver]) -> list[URLPattern | URLResolver]:
    """Keep the patterns we use, each wrapped in the decorator that declares its capability."""
    kept: list[URLPattern | URLResolver] = []
    for p in patterns:
        if isinstance(p, URLResolver):
            kept.append(URLResolver(p.pattern, _declared(p.url_patterns)))
        elif p.name in PUBLIC_NAMES:
            kept.append(URLPattern(p.pattern, public(p.callback), p.default_args, p.name))
        elif p.name in MEMBER_NAMES:
            kept.append(
                URLPattern(p.pattern, requires("account.self")(p.callback), p.default_args, p.name)
            )
    return kept


urlpatterns = [
    path("", include(_declared(account_urls.urlpatterns))),
    path("2fa/", include(_declared(mfa_urls.urlpatterns))),
]
