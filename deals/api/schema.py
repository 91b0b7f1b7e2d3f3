"""The OpenAPI description of the deals API's answers: every status an operation can give.

Schemathesis checks every answer against the schema, so an operation lists each refusal it can
make, with the shape DRF gives it: 400 messages by field, the others `{"detail": "..."}`.
"""

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse

from .serializers import ProblemSerializer

_PROBLEMS = {
    304: "Not modified: the representation has the ETag sent in `If-None-Match`.",
    401: "No API key, or one that is unknown, revoked or expired here.",
    403: "The key has no scope for this, or for writing.",
    404: "No such object (another tenant's objects are not found either).",
    409: "The object's state does not allow this (the workflow's sentence says why), or an "
    "account with one of the domains was saved meanwhile.",
    412: "`If-Match` names a representation the object no longer has.",
    422: "This `Idempotency-Key` was used with another request.",
    429: "Over the key's rate limit: retry after `Retry-After` seconds.",
}

FIELD_ERRORS = OpenApiResponse(
    response=OpenApiTypes.OBJECT,
    description=(
        'The request is wrong: messages by field, `{"field": ["message"]}` (nested objects '
        'and lists by key and index: `{"accounts": {"12": {"domain": ["..."]}}}`), or '
        '`{"detail": "..."}` for a body that is not JSON.'
    ),
)


def answers(ok: dict[int, Any], *refusals: int) -> dict[int, Any]:
    """The responses of an operation: its successes, then each refusal it can make."""
    described: dict[int, Any] = dict(ok)
    for code in (*refusals, 401, 403, 429):
        if code == 400:
            described[code] = FIELD_ERRORS
        elif code == 304:
            described[code] = OpenApiResponse(description=_PROBLEMS[code])
        else:
            described[code] = OpenApiResponse(
                response=ProblemSerializer, description=_PROBLEMS[code]
            )
    return dict(sorted(described.items()))


IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description=(
        "Any unique string (1 to 255 printable ASCII characters): a retry with the same key and "
        "body gets the first answer, and the change is made once. Kept for a day."
    ),
)

IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description="The ETag a GET gave: the change is made only if the object is still so (412).",
)
