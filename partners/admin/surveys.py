"""PSAT surveys in the vendor admin UI: the definitions (partner ops and program leaders), and
each survey's results page with its CSV (every member of staff; a CAM's count only their
partners). The results respect the anonymity threshold (`partners.surveys.selectors`)."""

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import admin
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from prm.charts import Bar, bar_chart, palette_for
from prm.csvio.writing import csv_response, export_filename
from prm.tenancy.decorators import requires
from prm.tenancy.requests import membership_of, tenant_of
from prm.workspace.sites import TenantModelAdmin, tenant_admin_site

from ..models import Survey, SurveyAnswer
from ..surveys import triggers
from ..surveys.selectors import (
    MIN_ANONYMOUS_ANSWERS,
    SurveyResults,
    answer_rows,
    survey_results,
    surveys_for,
)

ANSWERS_PER_PAGE = 50


@admin.register(Survey, site=tenant_admin_site)
class SurveyAdmin(TenantModelAdmin):
    """The tenant's surveys. Not deleted (answers point at them): made inactive instead."""

    capabilities = {
        "view": "partners.surveys.view",
        "add": "partners.surveys.manage",
        "change": "partners.surveys.manage",
    }
    list_display = ["name", "sent_on", "is_anonymous", "is_active", "results"]
    list_filter = ["is_active", "is_anonymous"]
    search_fields = ["name"]
    change_list_template = "admin/partners/survey/change_list.html"
    fieldsets = [
        (None, {"fields": ["name", "trigger", "is_anonymous", "is_active"]}),
        (
            gettext_lazy("Questions"),
            {
                "fields": [
                    "score_question",
                    "question_1",
                    "question_2",
                    "question_3",
                    "comment_prompt",
                ],
                "description": gettext_lazy(
                    "The 0-10 question is always asked and answered; the extra questions "
                    "(short written answers) and the comment are optional for the partner user."
                ),
            },
        ),
    ]

    def formfield_for_dbfield(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "trigger":
            # The triggers apps registered: an unknown value is refused beside the field.
            return forms.ChoiceField(
                label=_("Sent"),
                choices=[("", "---------"), *triggers.choices()],
                help_text=_(
                    "When partner users are asked. Whatever asks, a partner user is asked at "
                    "most once in the number of days set in the partner program settings."
                ),
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    @admin.display(description=gettext_lazy("sent"), ordering="trigger")
    def sent_on(self, obj: Survey) -> str:
        return triggers.label_of(obj.trigger)

    @admin.display(description=gettext_lazy("results"))
    def results(self, obj: Survey) -> str:
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:partners_survey_results", args=[obj.pk]),
            _("Results"),
        )


def _survey(request: HttpRequest, pk: int) -> Survey:
    return get_object_or_404(surveys_for(membership_of(request)), pk=pk)


def _chart(results: SurveyResults, request: HttpRequest) -> str:
    """How many answers gave each score, 0 to 10 (prm.charts)."""
    if not results.distribution:
        return ""
    return bar_chart(
        [
            Bar(label=str(score), value=Decimal(count))
            for score, count in enumerate(results.distribution)
        ],
        title=_("Answers per score"),
        category_title=_("Score"),
        value_title=_("Answers"),
        palette=palette_for(tenant_of(request)),
    )


@requires("partners.surveys.view")
def survey_results_view(request: HttpRequest, pk: int) -> HttpResponse:
    """One survey: answers, average score, the scores' distribution, the partners' figures and
    the answers, within the member's partners and the anonymity threshold."""
    membership = membership_of(request)
    survey = _survey(request, pk)
    results = survey_results(membership, survey)
    page = Paginator(answer_rows(membership, results), ANSWERS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    context = {
        **tenant_admin_site.each_context(request),
        "title": _("Results of %(survey)s") % {"survey": survey.name},
        "opts": Survey._meta,
        "survey": survey,
        "trigger_label": triggers.label_of(survey.trigger),
        "results": results,
        "chart": _chart(results, request),
        "page": page,
        "shown_partner_ids": results.shown_partner_ids,
        "minimum": MIN_ANONYMOUS_ANSWERS,
        "questions": survey.questions,
    }
    return TemplateResponse(request, "admin/partners/survey/results.html", context)


def _answer_line(row: SurveyAnswer, survey: Survey, shown_partner_ids: set[int]) -> list[Any]:
    partner = row.partner.name if row.partner_id in shown_partner_ids else ""
    line: list[Any] = [row.answered_on.isoformat(), partner]
    if not survey.is_anonymous:
        user = row.membership.user if row.membership is not None else None
        line.append(user.email if user is not None else "")
    line.append(row.score)
    line += [getattr(row, f"answer_{n}") for n, _text in survey.questions]
    line.append(row.comment)
    return line


@requires("partners.surveys.view")
def survey_answers_csv(request: HttpRequest, pk: int) -> StreamingHttpResponse:
    """The answers the page lists, every one of them, as a CSV file (the same threshold: an
    anonymous answer's partner only when that partner gave enough answers, never its user)."""
    membership = membership_of(request)
    survey = _survey(request, pk)
    results = survey_results(membership, survey)
    header: list[Any] = [_("Day"), _("Partner")]
    if not survey.is_anonymous:
        header.append(_("Partner user"))
    header.append(_("Score"))
    header += [text for _n, text in survey.questions]
    header.append(_("Comment"))
    shown = results.shown_partner_ids

    def lines() -> Iterator[list[Any]]:
        for row in answer_rows(membership, results).iterator(chunk_size=500):
            yield _answer_line(row, survey, shown)

    return csv_response(
        filename=export_filename(
            tenant_of(request).slug, f"{survey.name} answers", timezone.localdate()
        ),
        header=header,
        rows=lines(),
    )
