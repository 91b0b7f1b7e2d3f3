"""Normalising what people type about companies, so that one company matches itself.

The public suffix list comes from the tldextract package's bundled snapshot: no network access,
the same answer on every machine (update the package to refresh it).
"""

import re
import unicodedata

import tldextract

_EXTRACT = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


def registered_domain(value: str) -> str:
    """The registrable domain of a URL, host or email address; '' when there is none.

    `https://www.shop.acme.co.uk/x` and `someone@acme.co.uk` both give `acme.co.uk`. A host
    under a private or reserved top-level domain (`intranet.corp`, `northwind.test`) gives its
    last two labels; a bare name or an IP address gives ''.
    """
    text = (value or "").strip().lower()
    if "@" in text and "/" not in text:
        text = text.rsplit("@", 1)[1]
    parts = _EXTRACT(text)
    if parts.top_domain_under_public_suffix:
        return parts.top_domain_under_public_suffix
    if parts.suffix or not parts.subdomain or parts.ipv4 or parts.ipv6:
        return ""
    return f"{parts.subdomain.rsplit('.', 1)[-1]}.{parts.domain}"


#: legal-form words, dropped from the end of a name ("Acme Widgets GmbH" -> "acme widgets")
LEGAL_SUFFIXES = frozenset(
    [
        "inc",
        "incorporated",
        "llc",
        "llp",
        "lp",
        "pllc",
        "ltd",
        "limited",
        "plc",
        "co",
        "corp",
        "corporation",
        "company",
        "cie",
        "gmbh",
        "mbh",
        "ag",
        "kg",
        "ohg",
        "ug",
        "ev",
        "sa",
        "sas",
        "sasu",
        "sarl",
        "sl",
        "slu",
        "srl",
        "spa",
        "sro",
        "bv",
        "nv",
        "oy",
        "oyj",
        "ab",
        "as",
        "asa",
        "aps",
        "pty",
        "pte",
        "kk",
        "kft",
        "zrt",
        "doo",
        "ooo",
        "zoo",
        "sp",
    ]
)
#: generic words that say what a company does, not which company it is; dropped anywhere
GENERIC_WORDS = frozenset(
    [
        "the",
        "and",
        "of",
        "solutions",
        "solution",
        "systems",
        "system",
        "technologies",
        "technology",
        "tech",
        "group",
        "holding",
        "holdings",
        "international",
        "intl",
        "global",
        "services",
        "service",
        "software",
        "consulting",
        "consultants",
        "enterprises",
        "enterprise",
        "industries",
        "partners",
        "worldwide",
        "com",
    ]
)
_SINGLE_LETTER_DOT = re.compile(r"(?<=\b\w)\.")
_NON_WORD = re.compile(r"[\W_]+")


def _tokens(name: str) -> list[str]:
    text = unicodedata.normalize("NFKD", name or "")
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    text = text.replace("&", " and ").replace("'", "")
    text = _SINGLE_LETTER_DOT.sub("", text)  # "S.A." -> "SA", but "acme.com" -> "acme com"
    return [t for t in _NON_WORD.split(text) if t]


def _core_step(tokens: list[str]) -> list[str]:
    trimmed = list(tokens)
    while trimmed and trimmed[-1] in LEGAL_SUFFIXES:
        trimmed.pop()
    specific = [t for t in trimmed if t not in GENERIC_WORDS]
    # A name made only of generic words ("Global Systems Inc") keeps them: it is its identity.
    return specific or trimmed or tokens


def company_core(name: str) -> str:
    """The part of a company name that identifies the company, for matching.

    Lower case, accents and punctuation gone, legal suffixes (Inc, LLC, GmbH, Ltd...) dropped
    from the end and generic words (Solutions, Systems, Technologies...) dropped anywhere:
    `"  Contoso Solutions, Ltd."` and `"CONTOSO"` both give `"contoso"`. Idempotent.
    """
    tokens = _tokens(name)
    # Repeat until nothing changes, so that the core of a core is itself.
    while (step := _core_step(tokens)) != tokens:
        tokens = step
    return " ".join(tokens)


def company_key(name: str) -> str:
    """The core with its words sorted: "Brightwave Analytics" and "Analytics Brightwave" agree."""
    return " ".join(sorted(company_core(name).split()))
