"""PSAT surveys: what a tenant asks (`Survey`), whom it asked (`SurveyRequest`) and what came
back (`SurveyAnswer`).

An anonymous survey's answer holds no link to its user or its request, and only the day it was
given: its key is random (a serial key would follow the order of the requests' answers), and
the request keeps only the day it was answered too. See `partners/surveys/__init__.py`.
"""

import uuid
from typing import ClassVar

from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from prm.tenancy.models import Membership, Tenant, TenantOwned

from .companies import Partner

#: the highest score of the 0-10 question
MAX_SCORE = 10
#: how many optional extra questions a survey may ask
EXTRA_QUESTIONS = 3


class Survey(TenantOwned):
    """A survey the tenant sends when its trigger fires (`partners.surveys.triggers`)."""

    name = models.CharField(_("name"), max_length=120)
    trigger = models.CharField(_("sent"), max_length=60)
    is_anonymous = models.BooleanField(
        _("anonymous"),
        default=False,
        help_text=_(
            "Answers keep no link to who gave them, and a partner's results appear only once "
            "it has given at least 5 answers."
        ),
    )
    is_active = models.BooleanField(
        _("active"), default=True, help_text=_("An inactive survey is not sent.")
    )
    score_question = models.CharField(
        _("score question (0-10)"),
        max_length=300,
        blank=True,
        help_text=_(
            "Empty: “How likely are you to recommend working with <your program> to a peer?”"
        ),
    )
    question_1 = models.CharField(_("extra question 1"), max_length=300, blank=True)
    question_2 = models.CharField(_("extra question 2"), max_length=300, blank=True)
    question_3 = models.CharField(_("extra question 3"), max_length=300, blank=True)
    comment_prompt = models.CharField(
        _("comment prompt"),
        max_length=300,
        blank=True,
        help_text=_("Empty: no comment box."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects: ClassVar[models.Manager["Survey"]] = ScopedManager(tenant="tenant")

    class Meta:
        verbose_name = _("PSAT survey")
        verbose_name_plural = _("PSAT surveys")
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "name"], name="survey_name_unique"),
        ]

    def __str__(self) -> str:
        return self.name

    def score_text(self, tenant: Tenant) -> str:
        """The 0-10 question as asked: the survey's own, or the default naming the program."""
        return self.score_question or gettext(
            "How likely are you to recommend working with %(vendor)s to a peer?"
        ) % {"vendor": tenant.name}

    @property
    def questions(self) -> list[tuple[int, str]]:
        """The extra questions asked: (number 1-3, text), empty ones left out."""
        texts = [self.question_1, self.question_2, self.question_3]
        return [(i, text) for i, text in enumerate(texts, start=1) if text.strip()]


class SurveyRequest(TenantOwned):
    """One partner user asked one survey, once. `nonce` makes the emailed link unguessable
    from the database's ids; `answered_on` (a day, never a moment: see the module) is set once,
    by a conditional update, so that two submissions record one answer."""

    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="requests")
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="+")
    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="+")
    #: what asked it: "<event name>:<subject id>", "quarter:<first day>" (unique per survey and
    #: member, so a repeated event or a second run of the quarterly job asks nobody twice)
    occasion = models.CharField(max_length=120)
    nonce = models.CharField(max_length=32, editable=False)
    asked_at = models.DateTimeField(_("asked"))
    answered_on = models.DateField(_("answered"), null=True, blank=True)

    objects: ClassVar[models.Manager["SurveyRequest"]] = ScopedManager(tenant="tenant")

    class Meta:
        verbose_name = _("survey request")
        verbose_name_plural = _("survey requests")
        ordering = ["-asked_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "survey", "membership", "occasion"],
                name="surveyrequest_once_per_occasion",
            ),
        ]
        indexes = [
            # the fatigue rule's "asked lately?" and the portal's open requests
            models.Index(fields=["tenant", "membership", "-asked_at"], name="surveyreq_member_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.survey} → {self.membership_id}"


class SurveyAnswer(TenantOwned):
    """One answer. For an anonymous survey `membership` and `request` stay empty and only the
    day is kept; `partner` stays, since results are per partner (shown from 5 answers)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="answers")
    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="+")
    answered_on = models.DateField(_("answered"))
    score = models.PositiveSmallIntegerField(_("score"), validators=[MaxValueValidator(MAX_SCORE)])
    answer_1 = models.TextField(_("answer 1"), max_length=2000, blank=True)
    answer_2 = models.TextField(_("answer 2"), max_length=2000, blank=True)
    answer_3 = models.TextField(_("answer 3"), max_length=2000, blank=True)
    comment = models.TextField(_("comment"), max_length=4000, blank=True)
    #: named surveys only
    membership = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    request = models.OneToOneField(
        SurveyRequest, on_delete=models.SET_NULL, null=True, blank=True, related_name="answer"
    )

    objects: ClassVar[models.Manager["SurveyAnswer"]] = ScopedManager(tenant="tenant")

    class Meta:
        verbose_name = _("survey answer")
        verbose_name_plural = _("survey answers")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(score__gte=0, score__lte=MAX_SCORE), name="surveyanswer_score"
            ),
        ]
        indexes = [
            models.Index(
                fields=["tenant", "survey", "partner", "answered_on"], name="surveyanswer_idx"
            ),
            models.Index(fields=["tenant", "partner", "answered_on"], name="surveyanswer_day_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.survey}: {self.score}"
