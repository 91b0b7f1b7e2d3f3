"""Playwright against the system's Chromium (browser downloads are not available here)."""

import os

import pytest

from tests.demo_snapshot import seeded_demo

# Playwright's sync API runs an event loop in this thread; Django must allow DB use beside it.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(autouse=True)
def _pages_closed(browser, live_server):
    """Every page a journey opened (`browser.new_page()` makes a context of its own) is closed
    when the journey ends, before its database is flushed: a page left open goes on polling the
    bell of the session's live server while later tests own the database, and each poll is a
    server error in their output."""
    yield
    for context in list(browser.contexts):
        context.close()


@pytest.fixture
def demo(live_server):
    """The demo tenants and users, served by the live server; returns `url(host, path)`."""
    seeded_demo()  # seeded by the process's first journey, restored from its rows after
    port = live_server.url.rsplit(":", 1)[1]

    def url(host: str, path: str = "/") -> str:
        return f"http://{host}:{port}{path}"

    return url
