"""The emailed survey link: a signed (request id, nonce). The database alone cannot forge one,
and a link signed for another request or changed by one character opens nothing."""

import secrets

from django.core import signing

from prm.tenancy.models import Tenant

from ..models import SurveyRequest

TOKEN_SALT = "partners.surveys.answer"


def new_nonce() -> str:
    return secrets.token_hex(16)


def survey_token(survey_request: SurveyRequest) -> str:
    return signing.dumps({"r": survey_request.pk, "n": survey_request.nonce}, salt=TOKEN_SALT)


def request_from_token(token: str, *, tenant: Tenant) -> SurveyRequest | None:
    """The tenant's request a link points to (survey, member and partner preloaded); None when
    the link is bad, altered, or another tenant's. Whether it is still open is the caller's."""
    try:
        data = signing.loads(token, salt=TOKEN_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("r"), int):
        return None
    found = (
        SurveyRequest.objects.filter(tenant=tenant, pk=data["r"])
        .select_related("survey", "partner", "membership__user")
        .first()
    )
    if found is None or not secrets.compare_digest(found.nonce, str(data.get("n"))):
        return None
    return found
