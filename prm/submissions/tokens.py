"""The one-time token a form carries, and the key it is claimed under."""

import hashlib
import re
import secrets
from typing import Any

from django import forms
from django.http import HttpRequest

#: the name of the hidden field (and of the POST parameter the middleware reads)
FIELD = "form_token"
_SHAPE = re.compile(r"^[A-Za-z0-9_-]{20,64}$")


def new_token() -> str:
    return secrets.token_urlsafe(24)


def token_of(request: HttpRequest) -> str | None:
    """The well-formed one-time token a POST carries, or None (a form without one, a GET)."""
    if request.method != "POST":
        return None
    token = request.POST.get(FIELD, "")
    return token if _SHAPE.match(token) else None


def submission_key(request: HttpRequest, token: str) -> str:
    """The claim's key: the same token sent by someone else, to another page or on another
    host is another claim, so a token copied from a page leads nowhere but to its own form."""
    user = getattr(request, "user", None)
    user_id = user.pk if user is not None and user.is_authenticated else ""
    raw = "\n".join([request.get_host(), str(user_id), request.path, token])
    return hashlib.sha256(raw.encode()).hexdigest()


class TokenField(forms.CharField):
    """The hidden one-time token: a new one each time the form is shown, the posted one when it
    comes back with errors. Never "changed" (the admin's history would list it)."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(required=False, initial=new_token, max_length=64, **kwargs)

    def has_changed(self, initial: Any, data: Any) -> bool:
        return False
