"""What a key may do: its scope for the viewset's resource ("read", or "write" which includes
reading), and the capability its membership holds."""

from typing import Any

from django.utils.translation import gettext as _
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request

from .models import ApiKey
from .registry import WRITE


class HasScope(BasePermission):
    def has_permission(self, request: Request, view: Any) -> bool:
        key = request.auth
        if not isinstance(key, ApiKey) or not key.membership.can("api.access"):
            return False
        resource = view.resource
        level = key.level(resource)
        needed = "read" if request.method in SAFE_METHODS else WRITE
        if level is None or (needed == WRITE and level != WRITE):
            self.message = _("This key has no “%(level)s” scope for %(resource)s.") % {
                "level": needed,
                "resource": resource,
            }
            return False
        return True
