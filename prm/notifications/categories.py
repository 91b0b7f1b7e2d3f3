"""Notification categories: what a member chooses the delivery of (at once, digest, portal only)."""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

_CATEGORIES: dict[str, str | Promise] = {}


def declare_category(key: str, label: str | Promise) -> None:
    _CATEGORIES[key] = label


def categories() -> dict[str, str | Promise]:
    return dict(_CATEGORIES)


def label(key: str) -> str:
    return str(_CATEGORIES.get(key, key))


declare_category("account", _("Your account and team"))
