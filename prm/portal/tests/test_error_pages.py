"""`make run` shows the product's own 404 and 500 pages: branded on a tenant host, plain on the
platform host, never Django's technical pages with the URL list."""

import importlib
from pathlib import Path

import pytest
from django.test import Client, override_settings
from django.urls import path

from prm import urls as tenant_urls
from prm.tenancy.roles import Role

ROOT = Path(__file__).resolve().parents[3]
TECHNICAL_404 = "Using the URLconf defined in"


def test_the_demo_runs_on_the_demo_settings_with_debug_off_and_its_static_files(monkeypatch):
    script = (ROOT / "scripts" / "run-demo.sh").read_text()
    assert "DJANGO_SETTINGS_MODULE=prm.settings.demo" in script
    assert "runserver --insecure" in script  # static files with DEBUG off
    monkeypatch.delenv("DJANGO_DEBUG", raising=False)
    demo = importlib.reload(importlib.import_module("prm.settings.demo"))
    assert demo.DEBUG is False
    monkeypatch.setenv("DJANGO_DEBUG", "true")  # who develops against the demo may have it back
    assert importlib.reload(demo).DEBUG is True


def _demo_debug() -> bool:
    return bool(importlib.import_module("prm.settings.demo").DEBUG)


@pytest.mark.django_db
def test_the_demo_answers_an_unknown_url_with_the_products_404_page(ours, host_client):
    with override_settings(DEBUG=_demo_debug()):
        anonymous = host_client(ours.host).get("/no-such-page/")
        member = host_client(ours.host, ours.members[Role.PARTNER_REP]).get("/no-such-page/")
    for response in (anonymous, member):
        page = response.content.decode()
        assert response.status_code == 404
        assert TECHNICAL_404 not in page
        assert "Page not found" in page
        assert ours.tenant.portal_title in page  # in the tenant's branding
    assert 'href="/"' in member.content.decode()  # back to the portal's start


@pytest.mark.django_db
def test_with_debug_on_django_still_shows_its_technical_404(ours, host_client):
    """The check above can fail: DEBUG on would show Django's page."""
    with override_settings(DEBUG=True):
        page = host_client(ours.host).get("/no-such-page/").content.decode()
    assert TECHNICAL_404 in page


@pytest.mark.django_db
def test_the_platform_hosts_404_is_plain(settings):
    with override_settings(DEBUG=_demo_debug()):
        response = Client(HTTP_HOST=settings.PLATFORM_DOMAIN).get("/no-such-page/")
    assert response.status_code == 404
    assert TECHNICAL_404 not in response.content.decode()
    assert "css/plain.css" in response.content.decode()


def _boom(request):  # type: ignore[no-untyped-def]
    raise RuntimeError("the demo broke")


# The tenant host's URLs, and one that fails.
urlpatterns = [path("boom/", _boom), *tenant_urls.urlpatterns]
handler500 = "prm.portal.views.server_error"


@pytest.mark.django_db
def test_an_error_shows_the_products_500_page_in_the_tenants_branding(ours):
    client = Client(HTTP_HOST=ours.host, raise_request_exception=False)
    with override_settings(ROOT_URLCONF=__name__, DEBUG=_demo_debug()):
        response = client.get("/boom/")
    page = response.content.decode()
    assert response.status_code == 500
    assert "Something went wrong" in page
    assert ours.tenant.portal_title in page
    assert "the demo broke" not in page  # no traceback for the visitor
