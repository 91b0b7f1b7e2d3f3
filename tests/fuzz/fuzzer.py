"""Sends one URL the fixed corpus of bad input and records every answer that breaks the rules.

The rules, for every request:

- no server error: no exception out of the view, no status 500 or above;
- a refused request writes nothing. Refused means a 4xx, Django admin's "invalid lookup"
  redirect (`?e=1`), an error message queued for the visitor, or a POST answered 200 with a form
  bound to what was sent and showing errors. Writes are counted by PostgreSQL (`writes.py`);
  what the page's plain GET writes too is not the refused input's doing (a list that first
  catches up on what happened since anyone looked), and is not held against it.

Each request runs inside a savepoint that is rolled back, so every request meets the world as it
was built (an accepted form does not change what the next request finds) and a request that
broke the transaction cannot break the next one.
"""

import copy
from collections import Counter
from collections.abc import Iterator
from contextlib import nullcontext
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.db import transaction
from django.forms import BaseForm, BaseFormSet
from django.test.utils import ContextList

from .corpus import (
    ADMIN_NAMES,
    COMMON_NAMES,
    FIELD_VALUES,
    FORM_VALUES,
    HUGE,
    ODD_METHODS,
    QUERY_VALUES,
    SHARP_QUERY_VALUES,
)
from .pages import Form, Page, names_read, read_page
from .writes import write_counts, written_between

#: a failure report shows this many; the count of the others is given
MAX_REPORTED = 25


class _Undo(Exception):
    """Leaves the request's savepoint by rolling it back."""


def shown(value: Any) -> str:
    """A value as a failure report shows it (the huge one by its length)."""
    if value == HUGE:
        return f"<{len(HUGE):,} chars>"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {shown(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(shown(v) for v in value) + "]"
    text = ascii(value)
    return text if len(text) < 80 else text[:77] + "..."


@dataclass
class Fuzzer:
    """Fuzzes the URLs of one client (logged in as a member allowed to use them, or anonymous)."""

    client: Any
    failures: list[str] = field(default_factory=list)
    requests: int = 0
    #: tables the plain GET of the URL writes (see the module docstring)
    viewing_writes: set[str] = field(default_factory=set)
    #: the query names the view looked up while serving the page's plain GET
    names_read: set[str] = field(default_factory=set)
    #: how many answers had each status (None: the request raised)
    statuses: Counter[int | None] = field(default_factory=Counter)

    # Sending

    def send(
        self, method: str, url: str, data: Any = None, *, what: str, viewing: bool = False
    ) -> tuple[int, Any] | None:
        """Send one request in a savepoint rolled back after it; record what breaks the rules.

        Returns (status, response) for a response, None when the request raised. `viewing`:
        this is the page's plain GET, whose writes are remembered as `viewing_writes`.
        """
        self.requests += 1
        result: tuple[int, Any] | None = None
        # The rollback restores the database, this the client: a request that logs out, or
        # leaves a message for the next page, must not change what the next request is.
        cookies = copy.deepcopy(self.client.cookies)
        try:
            with transaction.atomic():
                before = write_counts()
                try:
                    with names_read() if viewing else nullcontext(set()) as read:
                        response = self._call(method, url, data)
                    self.names_read |= read
                except Exception as exc:
                    self._fail(f"raised {type(exc).__name__}: {shown(str(exc))}", what)
                    raise _Undo from exc
                status = response.status_code
                if viewing:
                    self.viewing_writes = set(written_between(before, write_counts()))
                if status >= 500:
                    self._fail(f"answered {status}", what)
                elif refused(method, response):
                    written = set(written_between(before, write_counts())) - self.viewing_writes
                    if written:
                        self._fail(f"refused ({status}) yet wrote {sorted(written)}", what)
                result = (status, response)
                raise _Undo
        except _Undo:
            pass
        finally:
            self.client.cookies = cookies
        self.statuses[result[0] if result else None] += 1
        return result

    def _fail(self, problem: str, what: str) -> None:
        self.failures.append(f"{problem}\n    on {what}")

    def _call(self, method: str, url: str, data: Any) -> Any:
        if method in ("get", "head", "options", "delete"):
            response = getattr(self.client, method)(url)  # the query is in the URL
        elif method in ("put", "patch"):
            response = getattr(self.client, method)(url, data=urlencode(data or {}, doseq=True))
        else:
            response = self.client.post(url, data or {})
        if getattr(response, "streaming", False):
            # A CSV export runs its queries while it streams: read it inside the savepoint.
            b"".join(response.streaming_content)
        return response

    # What to send

    def fuzz(self, method: str, url: str, data: dict[str, Any] | None = None) -> None:
        """Everything the corpus has for one URL, requested as `method` with `data` (a GET's
        data is its query string, kept under the fuzzed parameters)."""
        query = {k: str(v) for k, v in (data or {}).items()} if method == "get" else {}
        body = None if method == "get" else data
        plain = method == "get" and not query
        first = self.send(
            method,
            _with(url, query),
            body,
            what=f"{method.upper()} {url} as the matrix sends it",
            viewing=plain,
        )
        page = self._page(url, first if plain else None)
        names = (page.query_names | self.names_read) - {"csrfmiddlewaretoken"}
        self.fuzz_query(method, url, body, names, query)
        forms = page.forms
        if not forms and body:
            forms = [Form(fields={k: [str(v)] for k, v in body.items()})]
        for form in forms:
            self.fuzz_form(url, form)
        if not forms:
            self.send("post", url, {}, what=f"POST {url} with nothing")
        for odd in ODD_METHODS:
            self.send(odd, url, {"x": "1"}, what=f"{odd.upper()} {url}")

    def _page(self, url: str, answer: tuple[int, Any] | None) -> Page:
        """The page at `url` as GET shows it (the matrix's own answer when it was a GET).

        A page that is not HTML (a CSV export) takes the query names of the page one level up,
        the list it exports: the export reads the list's filters.
        """
        if answer is None:
            answer = self.send("get", url, what=f"GET {url}", viewing=True)
        response = answer[1] if answer is not None and answer[0] == 200 else None
        if response is not None and "html" in response.get("Content-Type", ""):
            return read_page(response.content.decode(errors="replace"), url, response.context)
        parent = url.rstrip("/").rsplit("/", 1)[0] + "/"
        if response is None or parent == url:
            return Page()
        above = self.send("get", parent, what=f"GET {parent}, the page above {url}")
        if above is None or above[0] != 200 or "html" not in above[1].get("Content-Type", ""):
            return Page()
        page = read_page(above[1].content.decode(errors="replace"), parent, above[1].context)
        return Page(query_names=page.query_names)

    def fuzz_query(
        self,
        method: str,
        url: str,
        body: dict[str, Any] | None,
        names: set[str],
        query: dict[str, str],
    ) -> None:
        """The page's own parameters one at a time with the sharpest values (but for Django
        admin's, which every admin page reads alike: `ADMIN_NAMES`); then the page's own names
        with every value, and the common names with the sharpest, each name a different value
        in each request (a Latin square: every name meets every value, in as many requests as
        there are values). Apart, because an admin list answers 400 to a name that is not one of
        its filters, which would hide every other value of the request; and Django admin's own
        names only where the page reads them (a bad `_to_field` is a 400 on every admin page)."""
        verb = method.upper()
        for name in sorted(names - ADMIN_NAMES):
            for value in SHARP_QUERY_VALUES:
                self.send(
                    method,
                    _with(url, {**query, name: value}),
                    body,
                    what=f"{verb} {url}?{name}={shown(value)}",
                )
        common = sorted(set(COMMON_NAMES) - names - ADMIN_NAMES)
        for group, values in ((sorted(names), QUERY_VALUES), (common, SHARP_QUERY_VALUES)):
            for shift in range(len(values) if group else 0):
                query_values = {
                    name: values[(i + shift) % len(values)] for i, name in enumerate(group)
                }
                self.send(
                    method,
                    _with(url, {**query, **query_values}),
                    body,
                    what=f"{verb} {url} with query {shown(query_values)}",
                )

    def fuzz_form(self, url: str, form: Form) -> None:
        """Every field set to each value at once; then each field alone set to the values for
        what it holds, or left out, the others as the page filled them in; then nothing at all.

        Hidden fields keep their values while the visible ones all change: a formset told it
        holds 10**20 forms builds its maximum of a thousand, which is Django's to bound.
        """
        typed = form.typed()
        base = form.data()
        visible = [name for name in typed if form.kinds.get(name) != "hidden"]
        for value in FORM_VALUES:
            data = {**base, **dict.fromkeys(visible, value)}
            self.send("post", url, data, what=f"POST {url} with every field {shown(value)}")
        for name in typed:
            for value in FIELD_VALUES[form.kinds.get(name, "text")]:
                self.send(
                    "post",
                    url,
                    {**base, name: value},
                    what=f"POST {url} with {name}={shown(value)}",
                )
            missing = {k: v for k, v in base.items() if k != name}
            self.send("post", url, missing, what=f"POST {url} without {name}")
        self.send("post", url, {}, what=f"POST {url} with nothing")

    def report(self) -> str:
        lines = self.failures[:MAX_REPORTED]
        more = len(self.failures) - len(lines)
        if more:
            lines.append(f"... and {more} more")
        return "\n".join(lines)


def _with(url: str, query: dict[str, str]) -> str:
    return f"{url}?{urlencode(query)}" if query else url


def refused(method: str, response: Any) -> bool:
    """Whether the answer says the request was refused (see the module docstring)."""
    status = response.status_code
    if 400 <= status < 500:
        return True
    if status == 302 and response["Location"].endswith(("?e=1", "&e=1")):
        return True
    request = getattr(response, "wsgi_request", None)
    queued = getattr(getattr(request, "_messages", None), "_queued_messages", [])
    if any(m.level >= messages.ERROR for m in queued):
        return True
    return method == "post" and status == 200 and _shows_form_errors(response)


def _shows_form_errors(response: Any) -> bool:
    for value in _context_values(response):
        for item in value if isinstance(value, list | tuple) else [value]:
            form = getattr(item, "formset", getattr(item, "form", item))
            if isinstance(form, BaseForm) and form.is_bound and form.errors:
                return True
            if isinstance(form, BaseFormSet) and form.is_bound and form.total_error_count():
                return True
    return False


def _context_values(response: Any) -> Iterator[Any]:
    context = getattr(response, "context", None)
    if context is None:
        return
    for one in context if isinstance(context, ContextList) else [context]:
        for layer in getattr(one, "dicts", [one]):
            if isinstance(layer, dict):
                yield from layer.values()
