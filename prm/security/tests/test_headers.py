"""Every response carries a Content-Security-Policy whose nonce the page's own inline styles
carry; signed-in pages are never stored (prm.security.headers)."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.template import engines
from django.template.utils import get_app_template_dirs

from prm.accounts.tests.factories import UserFactory
from prm.tenancy.roles import Role

NONCE = re.compile(r"'nonce-([A-Za-z0-9_\-+/=]+)'")


def policy(response) -> dict[str, list[str]]:  # type: ignore[no-untyped-def]
    header = response["Content-Security-Policy"]
    directives = [d.split() for d in header.split(";") if d.strip()]
    return {d[0]: d[1:] for d in directives}


def assert_policy_holds_for(response) -> None:  # type: ignore[no-untyped-def]
    """The policy allows scripts and style elements from this host or with its nonce only, and
    every <script> and <style> of the page is one of those."""
    rules = policy(response)
    assert rules["default-src"] == ["'self'"]
    assert "'unsafe-inline'" not in rules["script-src"]
    assert "'unsafe-eval'" not in rules["script-src"]
    assert "'unsafe-inline'" not in rules["style-src"]
    assert rules["frame-ancestors"] == ["'none'"]
    assert rules["object-src"] == ["'none'"]
    nonce = NONCE.search(" ".join(rules["script-src"])).group(1)
    assert f"'nonce-{nonce}'" in rules["style-src"]
    html = response.content.decode()
    for tag in re.findall(r"<script\b[^>]*>", html):
        assert "src=" in tag or 'type="application/json"' in tag, tag
    for tag in re.findall(r"<style\b[^>]*>", html):
        assert f'nonce="{nonce}"' in tag, tag


@pytest.mark.django_db
def test_portal_admin_sign_in_and_error_pages_all_carry_the_policy(ours, host_client):
    partner_admin = host_client(ours.host, ours.members[Role.PARTNER_ADMIN])
    cam = host_client(ours.host, ours.members[Role.CAM])
    anonymous = host_client(ours.host)
    responses = [
        partner_admin.get("/"),
        partner_admin.get("/deals/"),
        partner_admin.get("/deals/new/"),
        cam.get("/admin/"),
        cam.get("/admin/deals/deal/"),
        cam.get(f"/admin/deals/deal/{ours.deal.pk}/change/"),
        anonymous.get("/accounts/login/"),
        anonymous.get("/no-such-page/"),
        host_client("localhost").get("/admin/login/"),
        host_client("nobody.localhost").get("/"),
    ]
    for response in responses:
        assert response.status_code in (200, 404), response
        assert_policy_holds_for(response)


@pytest.mark.django_db
def test_each_response_gets_a_fresh_nonce(ours, host_client):
    client = host_client(ours.host)
    first, second = (policy(client.get("/accounts/login/"))["script-src"] for _ in range(2))
    assert first != second


@pytest.mark.django_db
def test_signed_in_portal_and_admin_pages_are_never_stored(ours, host_client):
    partner_admin = host_client(ours.host, ours.members[Role.PARTNER_ADMIN])
    cam = host_client(ours.host, ours.members[Role.CAM])
    operator = host_client("localhost")
    operator.force_login(UserFactory(is_staff=True, is_superuser=True))
    for response in [
        partner_admin.get("/"),
        partner_admin.get("/deals/"),
        partner_admin.get(f"/deals/{ours.deal.pk}/"),
        partner_admin.get("/notifications/count/"),
        cam.get("/admin/"),
        cam.get("/admin/deals/deal/export/"),
        operator.get("/admin/"),
    ]:
        assert response.status_code == 200, response
        assert "no-store" in response["Cache-Control"], response
        assert "private" in response["Cache-Control"]


#: third-party templates the product renders: scanned like our own
RENDERED_PACKAGES = ("django/contrib/admin/", "allauth/")
#: (template, tag) -> why the policy does not meet it
KNOWN = {
    ("admin/change_list.html", "<style>"): (
        "Django's changelist adds this <style> only when a model admin turns off both action "
        "bars; none of ours does (test_no_model_admin_turns_off_both_action_bars)."
    ),
}


def _template_files() -> list[tuple[str, Path]]:
    """(name, path) of our templates and of the third-party ones the product renders."""
    base = Path(settings.BASE_DIR).resolve()
    found = []
    for d in [*engines["django"].engine.dirs, *get_app_template_dirs("templates")]:
        root = Path(d).resolve()
        ours = base in root.parents and ".venv" not in root.parts
        if ours or any(package in root.as_posix() for package in RENDERED_PACKAGES):
            found += [(p.relative_to(root).as_posix(), p) for p in root.rglob("*.html")]
    return [(name, p) for name, p in found if "email" not in p.parts]


def test_no_template_runs_inline_script_or_event_handlers():
    """What the policy would block, found before a browser does: inline scripts, on*= handlers,
    javascript: URLs, style elements without the nonce."""
    offenders = []
    for name, path in _template_files():
        text = path.read_text(encoding="utf-8")
        tags = [t for t in re.findall(r"<script\b[^>]*>", text) if "src=" not in t]
        tags = [t for t in tags if "application/json" not in t]
        tags += [t for t in re.findall(r"<style\b[^>]*>", text) if "nonce=" not in t]
        tags += re.findall(r"<[^>]*\son[a-z]+=[^>]*>", text)
        tags += re.findall(r"javascript:", text, re.IGNORECASE)
        offenders += [f"{path}: {tag}" for tag in tags if (name, tag) not in KNOWN]
    assert offenders == []


def test_no_model_admin_turns_off_both_action_bars():
    from prm.platform.sites import platform_admin_site
    from prm.workspace.sites import tenant_admin_site

    for site in (tenant_admin_site, platform_admin_site):
        for model_admin in site._registry.values():
            assert model_admin.actions_on_top or model_admin.actions_on_bottom, model_admin
