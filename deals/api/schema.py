"""The OpenAPI description of the deals API's own refusals.

The answers every operation may give (a refused key, a missing scope, the rate limit, bad input,
a missing object, a reused Idempotency-Key) are added to every operation by the core
(`prm.api.schema.add_common_answers`); an operation here names only those it adds: a workflow's
refusal (409) and a stale `If-Match` (412).
"""

from typing import Any

from drf_spectacular.utils import OpenApiResponse

from .serializers import ProblemSerializer

_OWN = {
    409: "The object's state does not allow this (the workflow's sentence says why), or an "
    "account with one of the domains was saved by someone else meanwhile.",
    412: "`If-Match` names a representation the object no longer has.",
}


def answers(ok: dict[int, Any], *refusals: int) -> dict[int, Any]:
    """The responses of an operation: its successes, then the refusals of its own."""
    own = {
        code: OpenApiResponse(response=ProblemSerializer, description=_OWN[code])
        for code in refusals
    }
    return {**ok, **own}
