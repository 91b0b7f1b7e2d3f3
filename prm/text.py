"""Names inside sentences and headers: "an Acme Cloud partner", "Contoso Systems' deals", and a
name on one line.

Sentences are translated whole; these helpers only choose between the forms a sentence needs
around a name that is data (a vendor's or a partner's name), in the active language.
"""

import re
import unicodedata

from django.utils import translation
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe

#: English words that start with a vowel letter but not a vowel sound ("a unified", "a one-off")
#: or with a silent h ("an hour")
_VOWEL_LETTER_CONSONANT_SOUND = re.compile(r"^(uni|use|usa|usu|ura|uro|eu|ewe|one|once|ubi)", re.I)
_SILENT_H = re.compile(r"^(hour|honest|honou?r|heir)", re.I)


def takes_an(name: str) -> bool:
    """Whether English writes "an" before `name`: "an Acme Cloud partner", "a Globex partner",
    "an NTT partner" (read "en-tee-tee"), "a Unisys partner"."""
    word = name.strip()
    if not word:
        return False
    if _SILENT_H.match(word):
        return True
    if _VOWEL_LETTER_CONSONANT_SOUND.match(word):
        return False
    first = word.split()[0]
    # An initialism is read letter by letter: "an NTT", "an SAP", "a CDW".
    if first.isupper() and len(first) > 1 and first.isalpha():
        return first[0] in "AEFHILMNORSX"
    return word[0].lower() in "aeiou"


def possessive(name: str, *, language: str | None = None) -> str:
    """`name` as the owner in the active language: "Contoso Systems'" and "Northwind's" in
    English, "Contoso Systems'" and "Northwinds" in German. Languages that say it another way
    ("les affaires de Contoso") get the name as it is: their translation builds the phrase."""
    name = name.strip()
    code = (language or translation.get_language() or "en").split("-")[0]
    if code == "en":
        return f"{name}'" if name.lower().endswith("s") else f"{name}'s"
    if code == "de":
        return f"{name}'" if re.search(r"(s|ss|ß|x|z|tz|ce)$", name, re.I) else f"{name}s"
    return name


#: Unicode categories that are never part of a header's text: control characters (line breaks,
#: NUL, ...) and the line and paragraph separators.
_BREAKING = frozenset({"Cc", "Zl", "Zp"})


def one_line(text: str) -> str:
    """`text` on one line: control characters and line breaks become spaces, runs of spaces
    one space, and the ends are trimmed (for mail headers: subjects, a sender's name; see
    `prm.notifications.subjects`)."""
    spaced = "".join(" " if unicodedata.category(c) in _BREAKING else c for c in text)
    return " ".join(spaced.split())


#: a reference people quote (DR-000001, and the numbers later apps give: letters, a hyphen,
#: digits): browsers may break a line after its hyphen, which splits it in two
REFERENCE = re.compile(r"\b[A-Z]{2,6}-\d{3,}\b")


def reference_html(reference: str) -> SafeString:
    """One reference that never breaks at its hyphen, as HTML (`<span class="ref">`, styled in
    static/css/portal.css; the text stays a plain hyphen, so copying it finds it again)."""
    return format_html('<span class="ref">{}</span>', reference)


def references_kept_whole(text: str) -> SafeString:
    """`text`, escaped, with every reference in it kept whole (`reference_html`): for sentences
    that name one, such as a notification's title ("Approved: Fourth Coffee (DR-000005)")."""
    escaped = str(conditional_escape(text))
    return mark_safe(REFERENCE.sub(lambda m: str(reference_html(m.group(0))), escaped))  # noqa: S308
