"""Requests for funds: what the partner plans, what it asks for, and what was decided."""

from decimal import Decimal
from typing import ClassVar

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from deals.models import Deal
from partners.models import Partner
from prm.api import sync
from prm.tenancy.models import CURRENCIES, Membership, TenantOwned

from .funds import Allocation, Fund, FundQuestion


def request_reference(number: int) -> str:
    """How people name a request: MDF- and the tenant's number, six digits at least."""
    return f"MDF-{number:06d}"


class MdfRequest(TenantOwned):
    """A partner's request for money from a fund for one marketing activity."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        INFO_REQUESTED = "info_requested", _("More information requested")
        #: approved by the CAM (money committed), waiting for a program leader
        SECOND_APPROVAL = "second_approval", _("Waiting for a second approval")
        APPROVED = "approved", _("Approved")
        #: may be fixed and submitted again
        REJECTED = "rejected", _("Rejected")
        #: final
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    class Activity(models.TextChoices):
        EVENT = "event", _("Event")
        DIGITAL = "digital", _("Digital campaign")
        SYNDICATION = "syndication", _("Content syndication")
        TRADE_SHOW = "trade_show", _("Trade show")
        WEBINAR = "webinar", _("Webinar")
        OTHER = "other", _("Other")

    number = models.PositiveIntegerField(_("number"), editable=False)
    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="requests")
    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="mdf_requests")
    allocation = models.ForeignKey(Allocation, on_delete=models.PROTECT, related_name="requests")
    #: the partner user who filed it (a rep sees their own requests)
    owner = models.ForeignKey(
        Membership, on_delete=models.PROTECT, related_name="+", verbose_name=_("requested by")
    )
    activity_type = models.CharField(
        _("activity type"), max_length=20, choices=Activity.choices, default=Activity.EVENT
    )
    title = models.CharField(_("campaign title"), max_length=200)
    description = models.TextField(_("description"), max_length=4000, blank=True)
    audience = models.TextField(
        _("target audience"),
        max_length=2000,
        blank=True,
        help_text=_("Who is the campaign for: industries, roles, company sizes, regions."),
    )
    activities = models.TextField(
        _("activities and channels"),
        max_length=2000,
        blank=True,
        help_text=_("What the campaign entails: platforms, media formats, events, mailings."),
    )
    starts_on = models.DateField(_("activity starts"), null=True, blank=True)
    ends_on = models.DateField(_("activity ends"), null=True, blank=True)
    expected_leads = models.PositiveIntegerField(_("expected leads"), null=True, blank=True)
    expected_pipeline = models.DecimalField(
        _("expected pipeline"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    cofunded = models.BooleanField(
        _("other vendors co-fund it"),
        default=False,
        help_text=_("Will you request funds from other vendors for this campaign?"),
    )
    cofunders = models.CharField(_("co-funding vendors"), max_length=300, blank=True)
    cofunded_share = models.DecimalField(
        _("their share (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("99.99"))],
    )
    amount = models.DecimalField(
        _("amount requested"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    currency = models.CharField(_("currency"), max_length=3, choices=CURRENCIES)

    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    #: kept by a database trigger on every write (prm.api.sync): what the API's sync pages follow
    updated_at = sync.updated_at_field()
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    #: when the CAM's decision is due (the SLA clock; for a request collected ahead, counted
    #: from the day its fund's period starts)
    sla_due_at = models.DateTimeField(_("decision due"), null=True, blank=True)
    #: 0 none, 1 the CAMs were told the decision is overdue, 2 the program leaders too
    escalation_level = models.PositiveSmallIntegerField(default=0, editable=False)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    #: business hours from (last) submission to the CAM's decision, for reporting
    decision_hours = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    #: the CAM who approved a request that needs a second approval
    first_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    approved_amount = models.DecimalField(
        _("approved amount"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    #: what the decider wrote with the last decision (shown to the partner)
    decision_reason = models.TextField(_("reason"), blank=True)
    #: the question the CAM asked when sending it back for more information
    info_question = models.TextField(_("information requested"), blank=True)
    #: the last day a claim may be filed (the activity's end plus the fund's claim days, or
    #: later if a CAM extended it)
    claim_due_on = models.DateField(_("claim due"), null=True, blank=True)
    claim_extension_reason = models.CharField(max_length=500, blank=True)
    #: 0 none, 1 told "due in 14 days", 2 told "due in 3 days", 3 told it is overdue
    claim_reminders = models.PositiveSmallIntegerField(default=0, editable=False)

    objects: ClassVar[models.Manager["MdfRequest"]] = ScopedManager(tenant="tenant")

    class Meta:
        verbose_name = _("MDF request")
        verbose_name_plural = _("MDF requests")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "number"], name="mdf_request_number_unique_in_tenant"
            ),
            models.CheckConstraint(
                condition=models.Q(amount__isnull=True) | models.Q(amount__gt=0),
                name="mdf_request_amount_positive",
            ),
            models.CheckConstraint(
                condition=models.Q(approved_amount__isnull=True)
                | models.Q(approved_amount__gt=0, approved_amount__lte=models.F("amount")),
                name="mdf_request_approved_within_requested",
            ),
        ]
        indexes = [
            # The API's sync pages: (updated_at, id) > cursor, within the tenant.
            models.Index(fields=["tenant", "updated_at", "id"], name="mdf_request_sync_idx"),
            models.Index(
                fields=["tenant", "partner", "-created_at"], name="mdf_request_partner_idx"
            ),
            models.Index(fields=["tenant", "owner", "-created_at"], name="mdf_request_owner_idx"),
            # The review queue: waiting requests of the CAM's partners, by decision target.
            models.Index(
                fields=["tenant", "status", "partner"],
                include=["sla_due_at", "id"],
                name="mdf_request_queue_cover",
            ),
            models.Index(fields=["tenant", "fund", "status"], name="mdf_request_fund_idx"),
            models.Index(
                fields=["tenant", "claim_due_on"],
                condition=models.Q(status="approved"),
                name="mdf_request_claim_due_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    @property
    def reference(self) -> str:
        return request_reference(self.number) if self.number else "MDF-new"


class RequestAnswer(TenantOwned):
    """A request's answer to one of its fund's own questions (as text, whatever the kind)."""

    request = models.ForeignKey(MdfRequest, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(FundQuestion, on_delete=models.CASCADE, related_name="answers")
    value = models.TextField(_("answer"), max_length=4000, blank=True)

    objects: ClassVar[models.Manager["RequestAnswer"]] = ScopedManager(tenant="tenant")

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "request", "question"], name="mdf_answer_one_per_question"
            )
        ]

    def __str__(self) -> str:
        return self.value[:60]


class CampaignDeal(TenantOwned):
    """A registration the partner says came from a funded campaign (for its ROI)."""

    request = models.ForeignKey(MdfRequest, on_delete=models.CASCADE, related_name="campaign_deals")
    deal = models.ForeignKey(Deal, on_delete=models.CASCADE, related_name="mdf_campaigns")

    objects: ClassVar[models.Manager["CampaignDeal"]] = ScopedManager(tenant="tenant")

    class Meta:
        verbose_name = _("deal from a campaign")
        verbose_name_plural = _("deals from campaigns")
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "request", "deal"], name="mdf_campaign_deal_once"
            )
        ]
        indexes = [models.Index(fields=["tenant", "deal"], name="mdf_campaign_deal_idx")]

    def __str__(self) -> str:
        return f"{self.request_id} → {self.deal_id}"
