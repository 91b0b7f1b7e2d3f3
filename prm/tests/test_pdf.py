"""PDFs (prm.pdf): real WeasyPrint, read back with real poppler (pdftotext, pdfimages, pdfinfo).

What a user typed into a PDF's context must not make the server fetch anything: a small HTTP
server in this process records every request, and a render must leave it untouched (the same
HTML rendered with WeasyPrint's own fetcher does reach it, so the check can fail).
"""

import base64
import http.server
import io
import logging
import os
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.test.utils import override_settings
from PIL import Image
from weasyprint import HTML

from prm import celery_app
from prm.pdf import (
    BASE_URL,
    BRAND_CSS_URL,
    DATA_URI_MAX_BYTES,
    LOGO_URL,
    PdfFetcher,
    RefusedURL,
    paper_size,
    render_pdf,
    store_pdf,
    store_pdf_task,
)
from prm.uploads.private import private_storage

HERE = Path(__file__).parent
SAMPLE = "pdf_tests/sample.html"


@pytest.fixture(autouse=True)
def sample_templates(settings):
    """The test template (prm/tests/templates/pdf_tests/sample.html), found like any other."""
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], HERE / "templates"]}
    ]


def sample(**context) -> dict:
    return {"title": "Quarterly review", "body": "Pipeline grew.", "rows": [], "pages": []} | {
        **context
    }


def text_of(pdf: bytes) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()


def images_in(pdf: bytes, tmp_path: Path) -> list[str]:
    """pdfimages -list's rows: one per image drawn (soft masks left out)."""
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(
        ["pdfimages", "-list", str(path)], capture_output=True, check=True, text=True
    ).stdout
    rows = [line.split() for line in out.splitlines()[2:] if line.strip()]
    return [row[2] for row in rows if row[2] == "image"]


def page_size(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "size.pdf"
    path.write_bytes(pdf)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, check=True, text=True)
    return next(line for line in info.stdout.splitlines() if line.startswith("Page size"))


class Recorder(http.server.BaseHTTPRequestHandler):
    requests: list[str]

    def do_GET(self) -> None:
        self.server.requests.append(self.path)  # type: ignore[attr-defined]
        body = png_bytes()
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def listener() -> Iterator[http.server.HTTPServer]:
    """An HTTP server on 127.0.0.1 that records the path of every request it gets."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    server.requests = []  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def png_bytes(size: int = 40) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (size, size), "#ff0000").save(out, format="PNG")
    return out.getvalue()


def hostile_html(port: int) -> str:
    """Every way a partner's text could name a URL, if it reached the HTML unescaped."""
    origin = f"http://127.0.0.1:{port}"
    return (
        f'<img src="{origin}/img.png">'
        f'<link rel="stylesheet" href="{origin}/link.css">'
        f"<style>@import url({origin}/import.css); "
        f".x {{ background: url({origin}/css-url.png) }}</style>"
        f'<div class="x">styled</div>'
        f'<object data="{origin}/object.png"></object>'
        f'<embed src="{origin}/embed.png">'
        f'<svg><image href="{origin}/svg.png" width="10" height="10"/></svg>'
        f'<svg><use href="{origin}/use.svg#shape"/></svg>'
        f"<style>@font-face {{ font-family: Remote; src: url({origin}/font.woff) }}"
        f' .r {{ font-family: Remote }}</style><p class="r">remote font</p>'
        f'<a rel="attachment" href="{origin}/attachment.bin">an attachment is fetched</a>'
        f'<a href="{origin}/link-only">a link is written, not fetched</a>'
    )


def test_a_pdf_is_rendered_with_its_text_brand_and_page_numbers(ours):
    ours.tenant.support_email = "partners@ours.test"
    pdf = render_pdf(
        SAMPLE,
        sample(rows=[("Seats", "€1,200.00")], pages=range(12), body="Pipeline grew. " * 30),
        tenant=ours.tenant,
    )

    assert pdf.startswith(b"%PDF-")
    text = text_of(pdf)
    assert "Quarterly review" in text
    assert "€1,200.00" in text
    assert ours.tenant.portal_title in text
    assert "Questions? Write to partners@ours.test." in text
    pages = text.count("\f")
    assert pages >= 2
    numbers = re.findall(r"(\d+) ?/ ?(\d+)\n", text)
    assert numbers == [(str(page), str(pages)) for page in range(1, pages + 1)]


def test_what_a_user_typed_is_escaped_in_the_pdf():
    pdf = render_pdf(SAMPLE, sample(body="<b>Tom & Jerry</b>"))
    assert "<b>Tom & Jerry</b>" in text_of(pdf)


def test_the_tenants_logo_is_embedded(ours, tmp_path):
    assert len(images_in(render_pdf(SAMPLE, sample(), tenant=ours.tenant), tmp_path)) == 1
    assert images_in(render_pdf(SAMPLE, sample()), tmp_path) == []


def test_rendering_reads_no_database_and_writes_nothing(ours, django_assert_num_queries):
    with django_assert_num_queries(0):
        render_pdf(SAMPLE, sample(), tenant=ours.tenant)


def test_urls_typed_by_a_user_make_no_request(listener, tmp_path):
    port = listener.server_address[1]
    for typed in (hostile_html(port), hostile_html(port).replace("http://", "https://")):
        pdf = render_pdf(SAMPLE, sample(typed=typed))
        assert "styled" in text_of(pdf)
        assert images_in(pdf, tmp_path) == []
    # A protocol-relative URL is resolved against the made-up base (https, .invalid): refused.
    render_pdf(SAMPLE, sample(typed=f'<img src="//127.0.0.1:{port}/relative.png">'))
    assert listener.requests == []


def test_a_refused_url_is_logged_at_debug_not_as_a_server_error(caplog):
    with caplog.at_level(logging.DEBUG):
        render_pdf(SAMPLE, sample(typed='<img src="http://127.0.0.1:9/typed.png">'))
    refusals = [r for r in caplog.records if "typed.png" in r.getMessage()]
    assert [(r.name, r.levelno) for r in refusals] == [("prm.pdf", logging.DEBUG)]


def test_the_request_check_can_fail_weasyprints_own_fetcher_does_reach_the_server(listener):
    HTML(string=hostile_html(listener.server_address[1])).write_pdf()
    assert "/img.png" in listener.requests
    assert "/css-url.png" in listener.requests
    assert "/attachment.bin" in listener.requests


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "FILE:///etc/passwd",
        "ftp://127.0.0.1/x.png",
        "http://example.com/logo.png",
        "https://pdf.invalid/media/tenants/theirs/logo.png",
        "https://pdf.invalid/etc/passwd",
        "https://pdf.invalid/static/../../etc/passwd",
        "https://pdf.invalid/static/%2e%2e/%2e%2e/etc/passwd",
        "https://pdf.invalid/static/css/%2e%2e/%2e%2e/prm/settings/base.py",
        "https://pdf.invalid/static/css/..%2f..%2fpyproject.toml",
        "https://pdf.invalid/static//etc/passwd",
        "https://pdf.invalid/static/%2fetc%2fpasswd",
        "https://pdf.invalid/static/css\\..\\..\\pyproject.toml",
        "https://pdf.invalid/static/css/pdf.css%00.png",
        "https://pdf.invalid/static/no-such-file.css",
        "https://pdf.invalid/tenant-logo/../static/css/pdf.css/../../../pyproject.toml",
    ],
)
def test_the_fetcher_refuses_anything_but_static_files_and_the_logo(url, ours):
    with pytest.raises(RefusedURL):
        PdfFetcher(ours.tenant).fetch(url)


def test_the_fetcher_serves_a_static_file_as_it_is_on_disk():
    response = PdfFetcher().fetch(f"{BASE_URL}static/css/pdf.css?v=2")
    assert response.read() == (Path(settings.BASE_DIR) / "static/css/pdf.css").read_bytes()
    assert response.content_type == "text/css"


def test_a_static_image_named_in_a_pdf_is_embedded(tmp_path, settings):
    static = tmp_path / "static"
    static.mkdir()
    (static / "seal.png").write_bytes(png_bytes(64))
    settings.STATICFILES_DIRS = [*settings.STATICFILES_DIRS, static]
    pdf = render_pdf(SAMPLE, sample(typed='<img src="/static/seal.png">'))
    assert len(images_in(pdf, tmp_path)) == 1


def test_a_file_outside_the_static_files_is_not_embedded(tmp_path):
    # A PNG that exists on disk, reached from /static/ by every traversal spelling.
    outside = Path(settings.BASE_DIR) / ".local" / "pdf-traversal.png"
    outside.parent.mkdir(exist_ok=True)
    outside.write_bytes(png_bytes())
    try:
        typed = "".join(
            f'<img src="{src}">'
            for src in (
                f"file://{outside}",
                "/static/../.local/pdf-traversal.png",
                "/static/%2e%2e/.local/pdf-traversal.png",
                "/static/css/..%2f..%2f.local%2fpdf-traversal.png",
            )
        )
        assert images_in(render_pdf(SAMPLE, sample(typed=typed)), tmp_path) == []
    finally:
        outside.unlink()


def test_another_tenants_logo_is_refused(ours, theirs, tmp_path):
    their_logo = theirs.tenant.logo
    typed = "".join(
        f'<img src="{src}">'
        for src in (
            f"file://{their_logo.path}",
            f"/media/{their_logo.name}",
            f"{settings.MEDIA_URL}{their_logo.name}",
            f"/static/../media/{their_logo.name}",
        )
    )
    # Ours is drawn once (the header); none of theirs.
    pdf = render_pdf(SAMPLE, sample(typed=typed), tenant=ours.tenant)
    assert len(images_in(pdf, tmp_path)) == 1
    # Without a tenant there is no logo to serve, whoever names its URL.
    pdf = render_pdf(SAMPLE, sample(typed=f'<img src="{LOGO_URL}">' + typed))
    assert images_in(pdf, tmp_path) == []


def test_the_logo_is_read_through_the_storage_api(ours):
    response = PdfFetcher(ours.tenant).fetch(LOGO_URL)
    with ours.tenant.logo.open("rb") as logo:
        assert response.read() == logo.read()
    assert response.content_type == "image/png"


def test_a_small_data_uri_is_drawn_and_a_large_one_refused(tmp_path):
    small = base64.b64encode(png_bytes()).decode()
    pdf = render_pdf(SAMPLE, sample(typed=f'<img src="data:image/png;base64,{small}">'))
    assert len(images_in(pdf, tmp_path)) == 1
    large = "A" * (DATA_URI_MAX_BYTES * 2)
    with pytest.raises(RefusedURL):
        PdfFetcher().fetch(f"data:image/png;base64,{large}")
    with pytest.raises(RefusedURL):
        PdfFetcher().fetch("data:image/png;base64,not base64!")


def test_the_brand_stylesheet_carries_the_tenants_colours_and_paper(ours):
    ours.tenant.primary_colour = "#c2410c"
    css = PdfFetcher(ours.tenant).fetch(BRAND_CSS_URL).read().decode()
    assert "--brand-primary: #c2410c;" in css
    assert "@page { size: A4; }" in css or "@page { size: letter; }" in css


@pytest.mark.parametrize(
    ("zone", "paper"),
    [
        ("America/New_York", "letter"),
        ("America/Toronto", "letter"),
        ("America/Mexico_City", "letter"),
        ("US/Pacific", "letter"),
        ("America/Sao_Paulo", "A4"),
        ("America/Argentina/Buenos_Aires", "A4"),
        ("Europe/Berlin", "A4"),
        ("UTC", "A4"),
    ],
)
def test_the_paper_follows_the_tenants_time_zone(ours, zone, paper):
    ours.tenant.time_zone = zone
    assert paper_size(ours.tenant) == paper


def test_a_north_american_tenant_gets_letter_pages(ours, tmp_path):
    ours.tenant.time_zone = "America/Chicago"
    assert "612 x 792 pts (letter)" in page_size(
        render_pdf(SAMPLE, sample(), tenant=ours.tenant), tmp_path
    )
    ours.tenant.time_zone = "Europe/Paris"
    assert "(A4)" in page_size(render_pdf(SAMPLE, sample(), tenant=ours.tenant), tmp_path)


def test_store_pdf_saves_into_the_private_storage_in_the_tenants_folder(ours):
    name = store_pdf(SAMPLE, sample(), tenant=ours.tenant, name="../../statement.pdf")
    try:
        assert name.startswith(f"pdfs/{ours.tenant.slug}/statement")
        with private_storage().open(name) as file:
            assert "Quarterly review" in text_of(file.read())
        assert not Path(settings.MEDIA_ROOT, name).exists()
    finally:
        private_storage().delete(name)


def test_the_store_task_renders_in_the_tenants_scope_and_returns_the_name(ours):
    # Eager here (CELERY_TASK_ALWAYS_EAGER): the task body and its TenantTask base run as on a
    # worker; tests/test_celery_worker.py has a real worker run it over Redis.
    # (An embedded worker of tests/test_celery_worker.py, run earlier in the same process, can
    # leave Celery believing it is inside a task; an eager result has nothing to wait for.)
    name = store_pdf_task.delay(
        tenant_id=ours.tenant.pk, template=SAMPLE, context=sample(), name="qbr.pdf"
    ).get(disable_sync_subtasks=False)
    try:
        with private_storage().open(name) as file:
            assert file.read().startswith(b"%PDF-")
    finally:
        private_storage().delete(name)


def test_the_worker_knows_the_store_task():
    celery_app.loader.import_default_modules()
    assert "prm.pdf.store_pdf_task" in celery_app.tasks
    assert "prm.pdf" in celery_app.conf.imports


def test_a_task_without_a_tenant_fails_loudly():
    with pytest.raises(TypeError):
        store_pdf_task(template=SAMPLE, context=sample(), name="x.pdf")


@override_settings(STATIC_URL="https://cdn.example.com/static/")
def test_an_absolute_static_url_is_read_locally_not_fetched():
    fetcher = PdfFetcher()
    assert b"@page" in fetcher.fetch("https://cdn.example.com/static/css/pdf.css").read()
    with pytest.raises(RefusedURL):
        fetcher.fetch("https://pdf.invalid/static/css/pdf.css")


def test_starting_django_does_not_import_weasyprint():
    # WeasyPrint takes a second or two to import: web processes and commands that make no PDF
    # must not pay for it at start-up (only prm.pdf imports it, and workers load prm.pdf).
    code = "import django, sys; django.setup(); print('weasyprint' in sys.modules)"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "prm.settings.test"}
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "False"
