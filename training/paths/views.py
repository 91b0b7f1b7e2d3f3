"""The portal's path pages and certificate downloads (mounted at /learning/paths/, namespace
`training_paths`) and the public verification page (/verify/<code>/, `training_verify`).

A path is found among `paths_for_learner` (published, targeting the member's company), an
award among `awards_seen_by` (the holder; their company's admins): anything else answers 404.
"""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.cache import never_cache

from prm.tenancy.decorators import public, requires
from prm.tenancy.requests import TenantRequest

from ..models import CertificationAward
from ..selectors import learning_rows
from .certificate import certificate_response
from .selectors import award_by_code, awards_seen_by, build_path, path_rows, paths_for_learner


@requires("portal.training")
def path_page(request: TenantRequest, pk: int) -> HttpResponse:
    """A path: its courses in order with the learner's progress, locks and what unlocks them."""
    path = get_object_or_404(paths_for_learner(request.membership), pk=pk)
    rows = path_rows(request.membership, learning_rows(request.membership))
    row = next((r for r in rows if r.path.pk == path.pk), None)
    if row is None:  # a path with no course offered to the member: nothing to follow
        row = build_path(path, [], {})
    return render(request, "training/paths/path.html", {"row": row, "path": path})


@requires("portal.training")
def certificate(request: TenantRequest, pk: int) -> HttpResponse:
    """The award's certificate PDF, to its holder and their company's admins."""
    award = get_object_or_404(
        awards_seen_by(request.membership).select_related(
            "certification", "partner", "membership__user", "tenant"
        ),
        pk=pk,
    )
    return certificate_response(request, award)


@never_cache
@public
def verify(request: HttpRequest, code: str) -> HttpResponse:
    """Anyone holding the link checks an award: who, what, for which company, since when,
    until when, and whether it is valid, expired or revoked. One indexed query; an unknown
    code, or another tenant's, answers 404."""
    tenant = request.tenant  # type: ignore[attr-defined]
    award = award_by_code(tenant.pk, code[:40])
    if award is None:
        raise Http404
    state = award.state_at(timezone.now())
    response = render(
        request,
        "training/paths/verify.html",
        {
            "award": award,
            "state": state,
            "holder": award.membership.user.get_full_name() or award.membership.user.email,
            "states": CertificationAward.State,
        },
    )
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    return response
