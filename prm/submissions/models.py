"""The one-time form tokens that were claimed (see the package's docstring)."""

from typing import ClassVar

from django.db import models


class Submission(models.Model):
    """A form sent with a one-time token: the first request that sent it holds `key`.

    Not tenant-owned: the key already binds the host, the person and the page, and a claim is
    never listed, only looked up by its key.
    """

    #: SHA-256 of host, user, path and token (`tokens.submission_key`)
    key = models.CharField(max_length=64, unique=True)
    #: where the first request sent the browser; a replay goes there too
    redirect_to = models.CharField(max_length=2000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    objects: ClassVar[models.Manager["Submission"]] = models.Manager()

    def __str__(self) -> str:
        return self.key
