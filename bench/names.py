"""Invented, pronounceable company names and domains, from a seeded random source.

Words are built from syllables (onset + vowel + optional coda), which gives millions of distinct
words: two generated customers share a name only by a (tracked and refused) accident, so the
conflict check sees no false duplicates a small word list would cause.
"""

import random

ONSETS = [
    "b", "br", "bl", "c", "cr", "cl", "d", "dr", "f", "fr", "fl", "g", "gr", "gl", "h", "j",
    "k", "kr", "l", "m", "n", "p", "pr", "pl", "qu", "r", "s", "st", "sk", "sp", "t", "tr",
    "v", "w", "z", "sh", "ch", "th",
]  # fmt: skip
VOWELS = ["a", "e", "i", "o", "u", "a", "e", "i", "o", "ai", "ea", "ou", "io", "y"]
CODAS = ["", "", "", "", "n", "r", "s", "l", "x", "t", "m", "nd", "rk", "st", "ll"]
#: words that say what a company does (kept in the core unless normalize drops them)
TRADES = [
    "Analytics", "Labs", "Logistics", "Foods", "Health", "Energy", "Robotics", "Media",
    "Capital", "Motors", "Pharma", "Retail", "Networks", "Studio", "Works", "Design",
    "Systems", "Solutions", "Technologies", "Group", "Software", "Consulting", "Services",
]  # fmt: skip
LEGAL = ["Inc", "Inc.", "LLC", "Ltd", "Ltd.", "GmbH", "AG", "S.A.", "SAS", "B.V.", "Oy", "AB",
         "Pty Ltd", "Corp.", "PLC", "S.r.l.", "Co."]  # fmt: skip
TLDS = ["com", "com", "com", "io", "de", "co.uk", "fr", "net", "nl", "com.au", "ch", "se", "es"]
COUNTRIES = ["US", "DE", "GB", "FR", "NL", "AU", "CH", "SE", "ES", "IT", "CA", "JP", "BR", "IN"]
FIRST = ["Alex", "Sam", "Robin", "Jo", "Kim", "Noa", "Lee", "Mika", "Ana", "Theo", "Ines", "Max"]
ROLES = ["CIO", "CTO", "Head of IT", "Procurement", "CFO", "IT Manager", ""]


def word(rng: random.Random, syllables: int | None = None) -> str:
    n = syllables or rng.choice((2, 2, 2, 3, 3))
    parts = [rng.choice(ONSETS) + rng.choice(VOWELS) + rng.choice(CODAS) for _ in range(n)]
    return "".join(parts).capitalize()


def company(rng: random.Random) -> tuple[str, list[str]]:
    """A company name and the invented words in it (for its domain)."""
    words = [word(rng)]
    if rng.random() < 0.35:
        words.append(word(rng))
    name = " ".join(words)
    if rng.random() < 0.45:
        name += " " + rng.choice(TRADES)
    if rng.random() < 0.55:
        name += (", " if rng.random() < 0.2 else " ") + rng.choice(LEGAL)
    return name, [w.lower() for w in words]


def domain_for(rng: random.Random, words: list[str]) -> str:
    stem = rng.choice(("".join(words), "-".join(words))) if len(words) > 1 else words[0]
    return f"{stem}.{rng.choice(TLDS)}"


def website_for(rng: random.Random, domain: str) -> str:
    """How people type a website: bare, with www, with a scheme, sometimes a path."""
    return rng.choice(
        (domain, f"www.{domain}", f"https://www.{domain}", f"https://{domain}/", f"http://{domain}")
    )
