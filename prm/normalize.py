"""Normalising what people type about companies, so that one company matches itself.

The public suffix list comes from the tldextract package's bundled snapshot: no network access,
the same answer on every machine (update the package to refresh it).
"""

import tldextract

_EXTRACT = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


def registered_domain(value: str) -> str:
    """The registrable domain of a URL, host or email address; '' when there is none.

    `https://www.shop.acme.co.uk/x` and `someone@acme.co.uk` both give `acme.co.uk`.
    """
    text = (value or "").strip().lower()
    if "@" in text and "/" not in text:
        text = text.rsplit("@", 1)[1]
    return _EXTRACT(text).top_domain_under_public_suffix
