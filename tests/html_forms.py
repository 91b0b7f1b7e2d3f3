"""Read a page's form as a browser would send it, so a test can change one value and post it.

Admin pages carry management forms, hidden tokens and defaults that a test would otherwise have
to spell out; `form_values(html, containing="name")` returns what submitting the first POST form
that has a field `name` sends, unchanged (text inputs, hidden inputs, ticked boxes, selected
options, text areas; no submit buttons).
"""

from html.parser import HTMLParser


class _FormReader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[dict[str, list[str]]] = []
        self._form: dict[str, list[str]] | None = None
        self._select: str | None = None
        self._select_first: str | None = None
        self._select_chosen = False
        self._textarea: str | None = None
        self._text: list[str] = []

    def _add(self, name: str, value: str) -> None:
        assert self._form is not None
        self._form.setdefault(name, []).append(value)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and a.get("method", "get").lower() == "post":
            self._form = {}
            self.forms.append(self._form)
        if self._form is None:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text").lower()
            if kind in ("submit", "button", "image", "reset", "file"):
                return
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            self._add(name, a.get("value", "on" if kind in ("checkbox", "radio") else ""))
        elif tag == "select" and name:
            self._select, self._select_first, self._select_chosen = name, None, False
        elif tag == "option" and self._select:
            value = a.get("value", "")
            if self._select_first is None:
                self._select_first = value
            if "selected" in a:
                self._add(self._select, value)
                self._select_chosen = True
        elif tag == "textarea" and name:
            self._textarea, self._text = name, []

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select" and self._select:
            if (
                not self._select_chosen
                and self._select_first is not None
                and self._form is not None
            ):
                self._add(self._select, self._select_first)  # a browser sends the first option
            self._select = None
        elif tag == "textarea" and self._textarea:
            text = "".join(self._text)
            self._add(self._textarea, text[1:] if text.startswith("\n") else text)
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self._text.append(data)


def form_values(html: str, *, containing: str) -> dict[str, list[str]]:
    """What the first POST form of `html` with a field named `containing` would send."""
    reader = _FormReader()
    reader.feed(html)
    for form in reader.forms:
        if containing in form:
            return form
    raise AssertionError(f"no POST form with a field {containing!r} on the page")
