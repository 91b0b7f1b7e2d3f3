"""PSAT surveys in the portal: the member's surveys, the answer page, and the emailed link that
answers one request without signing in (public; the token names the request)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from prm.forms import errors_to_form
from prm.tenancy.decorators import public, requires
from prm.tenancy.requests import TenantRequest, posted

from ..models import SurveyRequest
from ..surveys.forms import SCORES, AnswerForm
from ..surveys.selectors import answered_requests_for, open_requests_for
from ..surveys.services import AlreadyAnswered, survey_answer
from ..surveys.tokens import request_from_token


@requires("portal.access")
def survey_list(request: TenantRequest) -> HttpResponse:
    membership = request.membership
    return render(
        request,
        "partners/survey_list.html",
        {
            "open_requests": list(open_requests_for(membership)),
            "answered": answered_requests_for(membership),
        },
    )


@requires("portal.access")
def survey_answer_page(request: TenantRequest, pk: int) -> HttpResponse:
    """One of the member's own requests (another's answers 404)."""
    membership = request.membership
    found = get_object_or_404(
        SurveyRequest.objects.filter(tenant=request.tenant, membership=membership).select_related(
            "survey"
        ),
        pk=pk,
    )
    return _answer(request, found, signed_in=True)


@public
def survey_answer_link(request: HttpRequest, token: str) -> HttpResponse:
    """The emailed link: the form of that one request, for whoever holds the link. A GET
    records nothing (mail scanners open links); `?score=` only preselects a score."""
    found = request_from_token(token, tenant=request.tenant)  # type: ignore[attr-defined]
    if found is None:
        raise Http404
    return _answer(request, found, signed_in=False)


def _answer(
    request: HttpRequest, survey_request: SurveyRequest, *, signed_in: bool
) -> HttpResponse:
    survey = survey_request.survey
    if survey_request.answered_on is not None:
        return _done(request, "answered", survey_request)
    if not survey.is_active:
        return _done(request, "closed", survey_request)
    initial = {}
    preset = request.GET.get("score", "")
    if preset in dict(SCORES):
        initial["score"] = preset
    form = AnswerForm(
        posted(request),
        initial=initial,
        survey=survey,
        tenant=request.tenant,  # type: ignore[attr-defined]
    )
    if request.method == "POST" and form.is_valid():
        try:
            survey_answer(survey_request=survey_request, answer=form.answer())
        except AlreadyAnswered:
            return _done(request, "answered", survey_request)
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            if signed_in:
                messages.success(request, _("Thank you: your answer is recorded."))
                return redirect("surveys:list")
            return _done(request, "thanks", survey_request)
    return render(
        request,
        "partners/survey_answer.html",
        {
            "survey_request": survey_request,
            "survey": survey,
            "form": form,
            "scores": range(len(SCORES)),
            "signed_in": signed_in,
            "cancel_url": reverse("surveys:list") if signed_in else "",
        },
    )


def _done(request: HttpRequest, state: str, survey_request: SurveyRequest) -> HttpResponse:
    return render(
        request,
        "partners/survey_done.html",
        {"state": state, "survey": survey_request.survey},
    )
