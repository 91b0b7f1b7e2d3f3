"""Counting the queries of one page or one CSV download, for the query-budget tests."""

from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext


def page_queries(client: Any, url: str) -> int:
    """The queries of a page, asked twice: the first request of a session also binds it to the
    host, so only the second is counted."""
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


def export_queries(client: Any, url: str, min_lines: int = 2) -> int:
    """The queries of a CSV download, its streamed body included (counted the second time)."""

    def download() -> bytes:
        response = client.get(url)
        assert response.status_code == 200, url
        return b"".join(response.streaming_content)

    download()
    with CaptureQueriesContext(connection) as ctx:
        body = download()
    assert body.count(b"\n") >= min_lines
    return len(ctx.captured_queries)
