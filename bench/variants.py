"""How people re-type a company that is already registered: the near-duplicates.

Each function takes the registered name (and website) and returns what another partner might
type for the same company. They know nothing about how the conflict check normalises.
"""

import random
import string

from . import names

KINDS = ("typo", "legal_suffix", "domain_variant", "word_order", "case_punct")


def typo(rng: random.Random, name: str) -> str:
    """One character substituted, dropped, doubled or two neighbours swapped, in a word of
    the name of at least four letters (not in a legal suffix)."""
    words = name.split(" ")
    candidates = [i for i, w in enumerate(words) if len(w) >= 4 and w.isalpha()]
    if not candidates:
        candidates = [0]
    i = rng.choice(candidates)
    w = words[i]
    p = rng.randrange(1, len(w)) if len(w) > 1 else 0
    op = rng.choice(("sub", "drop", "double", "swap"))
    if op == "sub":
        w = w[:p] + rng.choice(string.ascii_lowercase.replace(w[p].lower(), "")) + w[p + 1 :]
    elif op == "drop":
        w = w[:p] + w[p + 1 :]
    elif op == "double":
        w = w[:p] + w[p] + w[p:]
    elif p < len(w) - 1:
        w = w[:p] + w[p + 1] + w[p] + w[p + 2 :]
    else:
        w = w[: p - 1] + w[p] + w[p - 1]
    words[i] = w
    return " ".join(words)


def legal_suffix(rng: random.Random, name: str) -> str:
    """Add, drop or change the legal form (Inc, GmbH, Ltd...)."""
    words = name.replace(",", "").split(" ")
    legal_words = {w.lower().strip(".") for s in names.LEGAL for w in s.split()}
    while len(words) > 1 and words[-1].lower().strip(".") in legal_words:
        words.pop()
    if rng.random() < 0.3 and words != name.split(" "):
        return " ".join(words)  # dropped
    return f"{' '.join(words)}{rng.choice(('', ',', ''))} {rng.choice(names.LEGAL)}"


def domain_variant(rng: random.Random, domain: str) -> str:
    """The same registered domain typed another way: a subdomain, www, scheme, path, case."""
    host = rng.choice((domain, f"www.{domain}", f"shop.{domain}", f"eu.{domain}", f"mail.{domain}"))
    if rng.random() < 0.3:
        host = host.upper()
    return rng.choice(
        (
            host,
            f"https://{host}",
            f"http://{host}/",
            f"https://{host}/contact?ref=1",
            f"{host}/en/",
            f"someone@{domain}",
        )
    )


def word_order(rng: random.Random, name: str) -> str:
    """The words in another order ("Brightwave Analytics" -> "Analytics Brightwave"); for a
    one-word name, the legal form in front instead ("GmbH Brivola")."""
    words = name.replace(",", "").split(" ")
    if len(words) < 2:
        return f"The {name}"
    while True:
        shuffled = words[:]
        rng.shuffle(shuffled)
        if shuffled != words:
            return " ".join(shuffled)


def case_punct(rng: random.Random, name: str) -> str:
    """Other capitalisation and punctuation: BRIVOLA-TENSAR, brivola tensar inc., "Brivola, Inc"."""
    out = rng.choice((name.upper(), name.lower(), name.title(), name.swapcase()))
    trans = rng.choice(((" ", "-"), (" ", "  "), (" ", ". "), (" ", ", "), ("", "")))
    if trans[0]:
        out = out.replace(trans[0], trans[1], 1)
    return out + rng.choice(("", ".", " ", "!", ""))


def vary(rng: random.Random, kind: str, name: str, domain: str) -> tuple[str, str]:
    """(name, website) for a near-duplicate of kind `kind`; website '' means only the name."""
    with_domain = bool(domain) and rng.random() < 0.5
    website = domain_variant(rng, domain) if with_domain else ""
    if kind == "typo":
        return typo(rng, name), website
    if kind == "legal_suffix":
        return legal_suffix(rng, name), website
    if kind == "domain_variant":
        # The point is the domain: it is always given, with the name as registered or close.
        return (name if rng.random() < 0.5 else typo(rng, name)), domain_variant(rng, domain)
    if kind == "word_order":
        return word_order(rng, name), website
    if kind == "case_punct":
        return case_punct(rng, name), website
    raise ValueError(kind)
