"""Files only some members may see: stored where no URL reaches them, served by a view that
checked who asks.

`private_storage` is the storage of every such file (deal attachments; MDF proof of
performance, course files and generated statements to come): `STORAGES["private"]`, a
directory outside `MEDIA_ROOT` in development and a private bucket in production, never served
by the web server or under `MEDIA_URL`. A model names it as a callable
(`FileField(storage=private_storage)`) so that migrations do not record the settings.

`private_file_response` is how a view hands one out once it has found the row through a
selector that narrows to what the member may see: always as a download under the name it was
uploaded with, never rendered by the browser in the product's origin (a file is sandboxed even
if a browser ignored the disposition), and never kept in a shared cache.
"""

from django.core.files.storage import Storage, storages
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404


def private_storage() -> Storage:
    """The storage of files served only through a view that checks who asks."""
    return storages["private"]


def stored_image_response(file: FieldFile, *, content_type: str = "image/png") -> FileResponse:
    """A stored image (a logo, re-encoded when it was uploaded) shown inline; 404 when there is
    none or the storage lost it. The caller found the row through a selector that checks."""
    return FileResponse(_open_or_404(file), content_type=content_type)


def private_file_response(file: FieldFile, *, name: str, content_type: str) -> FileResponse:
    """`file` as a download named `name`, of `content_type` (what the upload check found)."""
    response = FileResponse(
        _open_or_404(file), as_attachment=True, filename=name, content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response["Cache-Control"] = "private, no-store"
    return response


def _open_or_404(file: FieldFile) -> object:
    if not file:
        raise Http404
    try:
        return file.open("rb")
    except FileNotFoundError as exc:
        # Deleted between finding its row and opening it (a concurrent delete), or lost by
        # the storage: as if there were none, never a server error.
        raise Http404 from exc
