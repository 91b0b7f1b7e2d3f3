"""What a page reads and offers to send back: its query parameters and its POST forms.

Query names come from three places: the names the view looks up in the query string while it
serves the page (`names_read`), the page's HTML (links, htmx attributes and GET forms leading
back to it), and on admin lists Django's changelist (every filter's parameters and the date
hierarchy's). POST forms come from the HTML, with the values the page filled in. So a page a
later app adds is fuzzed with the parameters it really reads, without anyone listing them.
"""

import re
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from unittest import mock
from urllib.parse import parse_qsl, urljoin, urlsplit

from django.http import QueryDict

#: attributes whose URL a browser (or htmx) requests from this page
_URL_ATTRIBUTES = frozenset({"href", "hx-get", "hx-post", "data-url"})


@dataclass
class Form:
    """A `<form method="post">` posting back to the page: its fields as the page filled them."""

    fields: dict[str, list[str]] = field(default_factory=dict)
    #: the name and value of its first named submit button, sent as a browser would
    submit: tuple[str, str] | None = None
    #: what each field holds: "text", "number", "date", "choice" (a select, a checkbox or a
    #: radio button) or "hidden" (formsets' counts, a form's own references, the CSRF token)
    kinds: dict[str, str] = field(default_factory=dict)
    #: a plausible value for each field the page left empty (see `_plausible`)
    plausible: dict[str, str] = field(default_factory=dict)

    def data(self) -> dict[str, list[str]]:
        """What a browser sends when the form is submitted with its empty fields filled in with
        plausible values, so that a change to one field can get past the others' validation and
        reach the service behind the form."""
        sent = {}
        for name, values in self.fields.items():
            empty = values in ([], [""])
            sent[name] = [self.plausible[name]] if empty and name in self.plausible else values
        if self.submit is not None:
            sent[self.submit[0]] = [self.submit[1]]
        return sent

    def typed(self) -> list[str]:
        """The fields a visitor controls (all but the CSRF token), one per field of a formset
        (its first row stands for the others; the empty row Django ignores is left out)."""
        seen: set[str] = set()
        names = []
        for name in self.fields:
            pattern = _ROW.sub("-N-", name)
            if name != "csrfmiddlewaretoken" and "__prefix__" not in name and pattern not in seen:
                seen.add(pattern)
                names.append(name)
        return names


#: the row number in a formset field's name (`goals-0-target`)
_ROW = re.compile(r"-\d+-")
_NUMBER = re.compile(r"-?\d+(\.\d+)?")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass
class Page:
    #: query parameter names of links and GET forms that lead back to this page
    query_names: set[str] = field(default_factory=set)
    #: POST forms whose action is this page
    forms: list[Form] = field(default_factory=list)


class _Parser(HTMLParser):
    def __init__(self, path: str) -> None:
        super().__init__(convert_charrefs=True)
        self.path = path
        self.page = Page()
        self._form: Form | None = None  # the POST form being read, if it posts here
        self._get_form = False  # inside a GET form that leads here
        self._select: tuple[str, bool] | None = None  # (name, multiple)
        self._options: list[tuple[str | None, bool]] = []
        self._option_text: list[str] | None = None
        self._textarea: str | None = None
        self._text: list[str] = []

    def _here(self, url: str | None) -> bool:
        return urlsplit(urljoin(self.path, url or "")).path == urlsplit(self.path).path

    def _add_query_names(self, url: str) -> None:
        if self._here(url):
            query = urlsplit(urljoin(self.path, url)).query
            self.page.query_names.update(k for k, _v in parse_qsl(query, keep_blank_values=True))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        for attribute in _URL_ATTRIBUTES & a.keys():
            self._add_query_names(a[attribute])
        if tag == "form":
            method = a.get("method", "get").lower()
            if method == "post" and self._here(a.get("action")):
                self._form = Form()
            self._get_form = method == "get" and self._here(a.get("action"))
            return
        if tag == "option" and self._select is not None:
            self._option_text = []
            self._options.append((a.get("value"), "selected" in a))
            return
        name = a.get("name")
        if not name:
            return
        if self._get_form and tag in ("input", "select", "textarea", "button"):
            self.page.query_names.add(name)
        form = self._form
        if form is None:
            return
        if tag == "input":
            kind = a.get("type", "text").lower()
            if kind in ("submit", "image"):
                if form.submit is None:
                    form.submit = (name, a.get("value", ""))
            elif kind in ("checkbox", "radio"):
                form.fields.setdefault(name, [])
                form.kinds[name] = "choice"
                if "checked" in a:
                    form.fields[name].append(a.get("value", "on"))
            elif kind != "file":  # uploads are fuzzed by their own tests
                value = a.get("value", "")
                form.fields.setdefault(name, []).append(value)
                if kind != "hidden":
                    form.plausible.setdefault(name, _plausible(name, kind, len(form.plausible)))
                form.kinds[name] = _kind(kind, form.plausible.get(name, value), value)
        elif tag == "button" and a.get("type", "submit").lower() == "submit":
            if form.submit is None:
                form.submit = (name, a.get("value", ""))
        elif tag == "select":
            self._select = (name, "multiple" in a)
            self._options = []
            form.kinds[name] = "choice"
        elif tag == "textarea":
            self._textarea = name
            self._text = []
            form.kinds[name] = "text"
            form.plausible.setdefault(name, f"Fuzz text {len(form.plausible)}")

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._text.append(data)
        if self._option_text is not None:
            self._option_text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            if self._form is not None:
                self.page.forms.append(self._form)
            self._form = None
            self._get_form = False
        elif tag == "option" and self._option_text is not None and self._options:
            value, selected = self._options[-1]
            if value is None:  # an option without a value sends its text
                self._options[-1] = ("".join(self._option_text).strip(), selected)
            self._option_text = None
        elif tag == "select" and self._select is not None and self._form is not None:
            name, multiple = self._select
            chosen = [v or "" for v, selected in self._options if selected]
            if not chosen and not multiple and self._options:
                chosen = [self._options[0][0] or ""]
            self._form.fields.setdefault(name, []).extend(chosen)
            offered = [v for v, _selected in self._options if v]
            if offered:
                self._form.plausible.setdefault(name, offered[0])
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            if self._form is not None:
                text = "".join(self._text).removeprefix("\n")
                self._form.fields.setdefault(self._textarea, []).append(text)
            self._textarea = None


def _kind(input_type: str, plausible: str, value: str) -> str:
    """What an input holds, from its type, or from the look of its value."""
    if input_type in ("hidden", "number", "date"):
        return input_type
    if input_type in ("datetime-local", "time"):
        return "date"
    if _DATE.match(value or plausible):
        return "date"
    if _NUMBER.fullmatch(value or plausible):
        return "number"
    return "text"


def _plausible(name: str, kind: str, n: int) -> str:
    """A value a person might type into an empty field, from its input type or its name."""
    by_kind = {
        "email": f"fuzz{n}@example.test",
        "url": f"https://fuzz{n}.example",
        "number": "1",
        "date": "2027-01-15",
        "datetime-local": "2027-01-15T10:00",
        "time": "10:00",
        "password": "a fuzzer's pass phrase",
    }
    if kind in by_kind:
        return by_kind[kind]
    if "date" in name or name.endswith("_on"):
        return "2027-01-15"
    if "email" in name:
        return by_kind["email"]
    if "website" in name or name.endswith("url"):
        return by_kind["url"]
    return f"Fuzz {n}"


def read_page(html: str, path: str, context: Any = None) -> Page:
    """The query names and POST forms of the page at `path` (its HTML, and its template context
    when Django's test client captured one)."""
    parser = _Parser(path)
    parser.feed(html)
    parser.close()
    page = parser.page
    changelist = _find(context, "cl")
    if changelist is not None and hasattr(changelist, "filter_specs"):
        for spec in changelist.filter_specs:
            page.query_names.update(spec.expected_parameters())
        if changelist.date_hierarchy:
            hierarchy = changelist.date_hierarchy
            page.query_names.update(f"{hierarchy}__{part}" for part in ("year", "month", "day"))
    return page


def _find(context: Any, key: str) -> Any:
    if context is None:
        return None
    try:
        return context[key]
    except (KeyError, TypeError):
        return None


@contextmanager
def names_read() -> Iterator[set[str]]:
    """The keys looked up in any `QueryDict` (a request's GET or POST) meanwhile."""
    read: set[str] = set()

    def recording(method: str) -> Any:
        original = getattr(QueryDict, method)

        def lookup(self: QueryDict, key: Any, *args: Any, **kwargs: Any) -> Any:
            if isinstance(key, str):
                read.add(key)
            return original(self, key, *args, **kwargs)

        return lookup

    with ExitStack() as stack:
        for method in ("__getitem__", "__contains__", "get", "getlist"):
            stack.enter_context(mock.patch.object(QueryDict, method, recording(method)))
        yield read
