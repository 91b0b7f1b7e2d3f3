"""Normalising what people type about companies, so that one company matches itself.

The public suffix list comes from the tldextract package's bundled snapshot: no network access,
the same answer on every machine (update the package to refresh it).
"""

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
