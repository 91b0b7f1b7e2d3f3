"""Stop storing an uploaded file as soon as it is larger than its field allows.

Django stores every uploaded file in full (in memory, or in a temporary file past
`FILE_UPLOAD_MAX_MEMORY_SIZE`) before any form sees it, and `DATA_UPLOAD_MAX_MEMORY_SIZE` does
not count files. `UploadLimitHandler`, first in `FILE_UPLOAD_HANDLERS`, counts each file's
bytes as they arrive and, past the limit, hands nothing more to the handlers that store; the
form then receives a `RefusedUpload` in the file's place, which `UploadField` refuses with a
message beside the field, and the rest of the form arrives as usual.

The limit of a field comes from the view, since the body is parsed before the view runs (the
CSRF middleware reads the POST data): a view declares the forms (or `field=bytes`) it accepts
with `accepts_uploads`, a model admin's page uses its admin's `form`; any other file gets
`settings.UPLOAD_MAX_BYTES`. The rest of the request is still read (and dropped) so that the
answer is the form with its message, not a connection reset; the reverse proxy bounds the whole
request (`client_max_body_size`, see the README's deploy section).
"""

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler
from django.forms import BaseForm
from django.http import HttpRequest

from .checks import RefusedUpload
from .fields import upload_limits_of

View = TypeVar("View", bound=Callable[..., Any])


def accepts_uploads(*form_classes: type[BaseForm], **limits: int) -> Callable[[View], View]:
    """Declare the uploads a view accepts: the `UploadField`s of `form_classes`, and
    `field_name=max_bytes` for others. Apply it to a function (a view, or the wrapper
    `admin_site.admin_view` returns)."""
    declared: dict[str, int] = {}
    for form_class in form_classes:
        declared.update(upload_limits_of(form_class))
    declared.update(limits)

    def decorate(view: View) -> View:
        view.upload_limits = {**getattr(view, "upload_limits", {}), **declared}  # type: ignore[attr-defined]
        return view

    return decorate


def declared_limits(request: HttpRequest) -> Mapping[str, int]:
    """The upload limits the requested view declares, by field name."""
    match = getattr(request, "resolver_match", None)
    view = match.func if match is not None else None
    limits = getattr(view, "upload_limits", None)
    if limits is None:
        # Django's model admin pages carry their admin; its `form` is the change form's base.
        form_class = getattr(getattr(view, "model_admin", None), "form", None)
        if isinstance(form_class, type) and issubclass(form_class, BaseForm):
            limits = upload_limits_of(form_class)
    return limits or {}


def limit_for(request: HttpRequest, field_name: str) -> int:
    """The most bytes the file posted as `field_name` may have (a formset's `form-0-file`
    counts as `file`)."""
    limits = declared_limits(request)
    name = field_name if field_name in limits else field_name.rsplit("-", 1)[-1]
    return limits.get(name, settings.UPLOAD_MAX_BYTES)


class UploadLimitHandler(FileUploadHandler):
    """The first upload handler: passes each file's chunks on to the storing handlers until
    the file is larger than its limit, then none, and returns a `RefusedUpload` for it."""

    limit = 0
    received = 0
    refused = False

    def new_file(self, field_name: str, *args: Any, **kwargs: Any) -> None:
        super().new_file(field_name, *args, **kwargs)
        self.limit = limit_for(self.request, field_name)  # type: ignore[arg-type]
        self.received = 0
        self.refused = False

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self.received += len(raw_data)
        if self.received > self.limit:
            # None: the handlers after this one get nothing more of this file.
            self.refused = True
            return None
        return raw_data

    def file_complete(self, file_size: int) -> RefusedUpload | None:
        if not self.refused:
            return None  # the storing handler after this one returns the file
        # Free what the storing handler kept of it (a temporary file is deleted on close).
        for handler in self.request.upload_handlers:  # type: ignore[union-attr]
            if handler is not self and hasattr(handler, "file"):
                handler.file.close()
        return RefusedUpload(
            name=self.file_name or "", content_type=self.content_type or "", limit=self.limit
        )
