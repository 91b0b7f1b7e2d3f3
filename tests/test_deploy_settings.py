"""Production settings pass Django's deployment checklist with nothing to report."""

import os
import subprocess
import sys

from django.conf import settings


def test_check_deploy_reports_nothing_under_production_settings():
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DJANGO_SETTINGS_MODULE": "prm.settings.prod",
        "DJANGO_SECRET_KEY": "x7!" + "k" * 20 + "Q9#pL2@vZ8$mN4%rT6^wY1&bH3*jF5(dS0)" + "a" * 10,
        "PLATFORM_DOMAIN": "partners.example.com",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_trusts_the_one_proxy_in_front_for_the_client_address():
    """Behind the TLS proxy every request comes from the proxy's address: without a trusted
    proxy count, every visitor would share one sign-in limit (prm.accounts.login_limits)."""
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DJANGO_SETTINGS_MODULE": "prm.settings.prod",
        "DJANGO_SECRET_KEY": "x" * 50,
    }
    code = "from django.conf import settings; print(settings.ALLAUTH_TRUSTED_PROXY_COUNT)"
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "1"
