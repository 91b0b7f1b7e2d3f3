"""The fuzzer's fixed corpus: the bad values it sends, and the parameter names it always tries.

Fixed rather than generated, so that CI runs the same requests every time and a failure names
the exact value that caused it. Each value stands for a class of input seen to break servers.
"""

#: 100,000 characters: over every length limit of a form or a column
HUGE = "A" * 100_000

#: values for query parameters, each tried on every parameter name the page uses
QUERY_VALUES: tuple[str, ...] = (
    "x",  # not a number where an id is expected
    "1abc",  # int() of it fails; PostgreSQL's cast of it too
    "\x00.com",  # PostgreSQL refuses NUL in text, and aborts the transaction; a domain, so
    # that code normalizing a website does not drop it
    "-1",
    "0",
    "99999999999999999999",  # past bigint
    "\u00b2",  # '²'.isdigit() is True, int('²') raises
    "\u0663",  # int('٣') == 3: a Unicode digit that int() takes
    "9999",  # a year without a following year
    "2026-02-30",
    HUGE,
)

#: the sharpest of them, tried one parameter at a time on the page's own names, and on the
#: common names, which most pages do not read
SHARP_QUERY_VALUES: tuple[str, ...] = ("x", "\x00.com", "\u00b2", "99999999999999999999", "9999")

#: values for form fields on POST, each sent in every field at once
FORM_VALUES: tuple[str, ...] = (
    "\x00",
    "x\x00.com",
    HUGE,
    "-1",
    "99999999999999999999",
    "\u00b2",
    "\u0663",
    "1e400",  # a float overflow; Decimal('1e400') is fine, a float is inf
    "9999-12-31",
    "\u202eevil",  # right-to-left override
    "",
)

#: values tried in one field at a time, the others as the page filled them in, by what the
#: field holds (see pages.Form.kinds): values its own validation may let through to the code
#: behind the form
FIELD_VALUES: dict[str, tuple[str, ...]] = {
    "text": (HUGE, "\u202eevil"),
    "number": ("0", "-1", "99999999999999999999", "1e400", "\u0663"),
    "date": ("9999-12-31", "0001-01-01", "2026-02-30"),
    "choice": ("99999999999999999999", "-1", "x"),
    "hidden": ("x", "\x00"),
}

#: parameter names tried on every page, whether or not it reads them on its plain GET (Django
#: admin's own, `ADMIN_NAMES`, are tried where the page reads them)
COMMON_NAMES: tuple[str, ...] = (
    "partner",
    "status",
    "cam",
    "deal",
    "lead",
    "year",
    "month",
    "day",
    "page",
    "next",
    "token",
    "key",
    "created_at__year",
    "created_at__month",
    "created_at__day",
    "customer_name",
    "customer_website",
)

#: Django admin's own parameters, read by every admin page the same way: tried on each page with
#: every value (the Latin squares), not one at a time, which would cost twenty requests a page
ADMIN_NAMES: frozenset[str] = frozenset(
    {"_changelist_filters", "_popup", "_to_field", "_facets", "_selected_action", "all", "e", "o"}
    | {"p", "q", "action", "index", "select_across"}
)

#: methods no page of the product is written for: 405, or handled, never 500
ODD_METHODS: tuple[str, ...] = ("put", "patch", "delete")
