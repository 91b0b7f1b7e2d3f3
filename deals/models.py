"""Deal registrations, the accounts the vendor protects, leads, and each tenant's rules for them."""

import os
import uuid
from typing import ClassVar

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Cast
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from django_scopes import ScopedManager

from partners.models import Partner
from prm.api.sync import updated_at_field
from prm.filters import parse_id
from prm.tenancy.models import CURRENCIES, Membership, TenantOwned
from prm.uploads.private import private_storage

#: the statuses in which a registration holds its claim on the customer (see Deal.holds_claim)
CLAIM_STATUSES = ("submitted", "info_requested", "approved")


class DealSettings(TenantOwned):
    """A tenant's rules of engagement for deal registration (one row per tenant)."""

    class Engagement(models.TextChoices):
        FIRST_WINS = "first_wins", _("First valid registration wins")
        CAM_DECIDES = "cam_decides", _("A channel account manager decides every match")

    engagement_rule = models.CharField(
        _("rules of engagement"),
        max_length=20,
        choices=Engagement.choices,
        default=Engagement.FIRST_WINS,
        help_text=_(
            "First wins: a registration for a customer another partner already registered is a "
            "conflict and cannot be approved while the first one stands. CAM decides: the CAM "
            "may award the customer to the later registration instead."
        ),
    )
    protection_days = models.PositiveSmallIntegerField(
        _("protection window (days)"),
        default=90,
        validators=[MinValueValidator(7), MaxValueValidator(730)],
        help_text=_("How long an approved registration protects the partner's claim."),
    )
    sla_hours = models.PositiveSmallIntegerField(
        _("decision target (business hours)"),
        default=48,
        validators=[MinValueValidator(1), MaxValueValidator(720)],
        help_text=_(
            "Time a CAM has to decide a submitted registration. Business hours are the hours of "
            "Monday to Friday in the program's time zone."
        ),
    )
    escalation_hours = models.PositiveSmallIntegerField(
        _("escalate to program leaders after (business hours past the target)"),
        default=24,
        validators=[MinValueValidator(1), MaxValueValidator(720)],
    )
    expiry_warning_days = models.PositiveSmallIntegerField(
        _("warn partners before expiry (days)"),
        default=14,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
    )
    max_extension_days = models.PositiveSmallIntegerField(
        _("longest extension (days)"),
        default=60,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
    )
    lead_response_days = models.PositiveSmallIntegerField(
        _("days a partner has to answer a lead"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )

    class PartnerExit(models.TextChoices):
        RELEASE = "release", _("Release them: the registrations are withdrawn")
        FREEZE = "freeze", _("Keep them frozen until a channel account manager decides each")

    on_partner_exit = models.CharField(
        _("when a partner is deactivated or offboarded, its open registrations"),
        max_length=10,
        choices=PartnerExit.choices,
        default=PartnerExit.RELEASE,
        help_text=_(
            "Released: the customers are free for other partners at once. Frozen: the "
            "registrations keep their claims (the partner can no longer act on them) until a "
            "CAM approves or rejects them, or their protection expires."
        ),
    )

    objects: ClassVar[models.Manager["DealSettings"]] = ScopedManager(tenant="tenant")

    class Meta:
        verbose_name = _("deal registration settings")
        verbose_name_plural = _("deal registration settings")
        constraints = [
            models.UniqueConstraint(fields=["tenant"], name="dealsettings_one_per_tenant")
        ]

    def __str__(self) -> str:
        return str(_("Deal registration settings"))


class Product(TenantOwned):
    """Something the vendor sells that a partner can register a deal for."""

    name = models.CharField(_("name"), max_length=120)
    sku = models.CharField(_("SKU"), max_length=60, blank=True)
    is_active = models.BooleanField(
        _("offered"), default=True, help_text=_("Only offered products can be registered.")
    )

    objects: ClassVar[models.Manager["Product"]] = ScopedManager(tenant="tenant")

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "name"], name="product_name_unique_in_tenant")
        ]

    def __str__(self) -> str:
        return self.name


class RejectReason(TenantOwned):
    """One of the tenant's standard reasons for rejecting a registration."""

    label = models.CharField(_("reason"), max_length=120)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("offered"), default=True)

    objects: ClassVar[models.Manager["RejectReason"]] = ScopedManager(tenant="tenant")

    class Meta:
        verbose_name = _("rejection reason")
        verbose_name_plural = _("rejection reasons")
        ordering = ["position", "label"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "label"], name="rejectreason_unique_in_tenant"
            )
        ]

    def __str__(self) -> str:
        return self.label


class ProtectedAccount(TenantOwned):
    """A company the vendor sells to directly, or already sells to, imported from the CRM."""

    class Kind(models.TextChoices):
        DIRECT = "direct", _("Direct account")
        CUSTOMER = "customer", _("Existing customer")

    name = models.CharField(_("company name"), max_length=200)
    domain = models.CharField(_("domain"), max_length=253, blank=True)
    name_core = models.CharField(max_length=200, editable=False)
    name_key = models.CharField(max_length=200, editable=False)
    owner = models.CharField(
        _("account owner"), max_length=200, blank=True, help_text=_("Who owns it in the CRM.")
    )
    kind = models.CharField(_("type"), max_length=10, choices=Kind.choices, default=Kind.DIRECT)
    imported_at = models.DateTimeField(_("imported"), auto_now=True)
    #: kept by the database on every write, for the API's incremental sync (prm.api.sync)
    updated_at = updated_at_field()

    objects: ClassVar[models.Manager["ProtectedAccount"]] = ScopedManager(tenant="tenant")

    class Meta:
        verbose_name = _("protected account")
        verbose_name_plural = _("protected accounts")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "domain"],
                condition=~models.Q(domain=""),
                name="protectedaccount_domain_unique_in_tenant",
            )
        ]
        indexes = [
            models.Index(fields=["tenant", "domain"], name="protectedaccount_domain_idx"),
            # The API's sync pages (prm.api.pagination): keyset over (updated_at, id).
            models.Index(fields=["tenant", "updated_at", "id"], name="protacct_sync_idx"),
            # The tenant leads (btree_gin), cast to integer: see TENANT_INT in deals/conflicts.py.
            GinIndex(
                Cast("tenant", models.IntegerField()),
                OpClass("name_core", name="gin_trgm_ops"),
                name="protacct_tenant_core_trgm",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class DealCounter(TenantOwned):
    """The last registration number a tenant gave out (one row per tenant).

    Numbers are given by the database, not by Python: a trigger on `deals_deal`
    (`deals_deal_number`, migration 0004) increments this row with `INSERT ... ON CONFLICT DO
    UPDATE ... RETURNING` for each new registration. The update holds the row's lock until the
    registering transaction ends, so two registrations of one tenant at the same moment get two
    numbers, one after the other, and a registration rolled back gives its number back (no gaps);
    registrations of different tenants never wait for each other. Every way of inserting a
    registration (a service, a factory, the benchmark's COPY) is numbered the same way, at no
    extra query: the number comes back with the INSERT.
    """

    last_number = models.PositiveIntegerField(default=0)

    objects: ClassVar[models.Manager["DealCounter"]] = ScopedManager(tenant="tenant")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant"], name="dealcounter_one_per_tenant")
        ]

    def __str__(self) -> str:
        return f"{self.tenant_id}: {self.last_number}"


class Deal(TenantOwned):
    """A partner's registration of an opportunity with a customer."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        INFO_REQUESTED = "info_requested", _("More information requested")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        WON = "won", _("Won")
        LOST = "lost", _("Lost")
        EXPIRED = "expired", _("Expired")

    class Type(models.TextChoices):
        NEW = "new", _("New business")
        UPSELL = "upsell", _("Upsell")
        RENEWAL = "renewal", _("Renewal")

    #: the tenant's own running number (DR-000001 is each vendor's first): given by the database
    #: on INSERT (see `DealCounter`) and read back with it
    number = models.PositiveIntegerField(_("number"), db_default=0, editable=False)
    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="deals")
    #: the partner user who registered it (a rep sees their own deals)
    owner = models.ForeignKey(
        Membership, on_delete=models.PROTECT, related_name="+", verbose_name=_("registered by")
    )
    customer_name = models.CharField(_("customer company"), max_length=200)
    customer_website = models.CharField(_("customer website or domain"), max_length=253, blank=True)
    customer_domain = models.CharField(max_length=253, blank=True, editable=False)
    customer_core = models.CharField(max_length=200, editable=False)
    #: the customer's identity for the one-claim constraint: its domain, else its name's key
    customer_key = models.CharField(max_length=260, editable=False)
    country = CountryField(_("customer country"))
    contact_name = models.CharField(_("contact name"), max_length=150)
    contact_email = models.EmailField(_("contact email"))
    contact_role = models.CharField(_("contact role"), max_length=120, blank=True)
    products = models.ManyToManyField(Product, related_name="deals", verbose_name=_("products"))
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3, choices=CURRENCIES)
    expected_close_on = models.DateField(_("expected close date"))
    deal_type = models.CharField(
        _("deal type"), max_length=10, choices=Type.choices, default=Type.NEW
    )
    notes = models.TextField(_("notes"), max_length=4000, blank=True)

    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    holds_claim = models.BooleanField(default=False, editable=False)
    #: the registration that held this customer when this one was submitted
    conflict_with = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="conflicts"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    sla_due_at = models.DateTimeField(_("decision due"), null=True, blank=True)
    #: 0 none, 1 the CAMs were told the decision is overdue, 2 the program leaders too
    escalation_level = models.PositiveSmallIntegerField(default=0)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    #: business hours from (last) submission to the decision, for reporting
    decision_hours = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    reject_reason = models.ForeignKey(
        RejectReason, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    #: what the CAM wrote with their last decision (shown to the partner)
    decision_note = models.TextField(_("message from the CAM"), blank=True)
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    expires_at = models.DateTimeField(_("protected until"), null=True, blank=True)
    expiry_warned_at = models.DateTimeField(null=True, blank=True)
    won_amount = models.DecimalField(
        _("final amount"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    closed_on = models.DateField(_("close date"), null=True, blank=True)
    #: how many times the deal's outcome was recorded or corrected (won, amount changed,
    #: reopened, lost after being won): each `deals.deal.won` carries it, so a handler can tell
    #: a repeated event (same revision) from a new outcome
    close_revision = models.PositiveIntegerField(default=0, editable=False)
    lost_reason = models.TextField(_("why it was lost"), blank=True)
    #: kept by the database on every write, for the API's incremental sync (prm.api.sync)
    updated_at = updated_at_field()

    objects: ClassVar[models.Manager["Deal"]] = ScopedManager(tenant="tenant")

    class Meta:
        verbose_name = _("deal registration")
        verbose_name_plural = _("deal registrations")
        ordering = ["-created_at", "-id"]
        constraints = [
            # Two partners can never both hold the same customer, whatever races in Python.
            models.UniqueConstraint(
                fields=["tenant", "customer_key"],
                condition=models.Q(holds_claim=True),
                name="deal_one_claim_per_customer",
            ),
            models.CheckConstraint(
                condition=models.Q(holds_claim=False) | models.Q(status__in=CLAIM_STATUSES),
                name="deal_claim_only_while_open",
            ),
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="deal_amount_positive"),
            models.UniqueConstraint(
                fields=["tenant", "number"], name="deal_number_unique_in_tenant"
            ),
        ]
        indexes = [
            # The conflict check looks only at registrations holding a claim: partial indexes.
            models.Index(
                fields=["tenant", "customer_domain"],
                condition=models.Q(holds_claim=True),
                name="deal_claim_domain_idx",
            ),
            GinIndex(
                Cast("tenant", models.IntegerField()),
                OpClass("customer_core", name="gin_trgm_ops"),
                condition=models.Q(holds_claim=True),
                name="deal_claim_tenant_trgm",
            ),
            models.Index(fields=["tenant", "partner", "-created_at"], name="deal_partner_idx"),
            # The API's sync pages (prm.api.pagination): keyset over (updated_at, id).
            models.Index(fields=["tenant", "updated_at", "id"], name="deal_sync_idx"),
            models.Index(fields=["tenant", "owner", "-created_at"], name="deal_owner_idx"),
            # Time to first deal: "no earlier registration of the partner" is one index probe
            # per registration of the period (8.7 s → 0.46 s for a quarter at scale M).
            models.Index(
                fields=["tenant", "partner", "submitted_at"], name="deal_partner_submitted_idx"
            ),
            models.Index(fields=["tenant", "status", "sla_due_at"], name="deal_queue_idx"),
            # A CAM's queue: the page's keys of their partners' waiting registrations, read from
            # the index alone (no table rows) and sorted by decision target, however deep the
            # page (prm/pagination.py reads the page's rows afterwards).
            models.Index(
                fields=["tenant", "status", "partner"],
                include=["sla_due_at", "id"],
                name="deal_status_partner_cover",
            ),
            models.Index(
                fields=["tenant", "expires_at"],
                condition=models.Q(status="approved"),
                name="deal_expiry_idx",
            ),
            # "Contested" (`selectors.contested_by_later`, on every list row): the later
            # registrations still competing, a few among the tenant's waiting ones. PostgreSQL
            # reads that subquery whole once per page (a hashed subplan): without this index it
            # scanned every waiting registration of the tenant (57 ms of a 139 ms page at M).
            models.Index(
                fields=["tenant", "conflict_with"],
                condition=models.Q(holds_claim=False, status__in=["submitted", "info_requested"]),
                name="deal_competing_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.customer_name}"

    @property
    def reference(self) -> str:
        return reference_of(self.number) if self.pk else "DR-new"

    @property
    def is_conflict(self) -> bool:
        return self.conflict_with_id is not None and not self.holds_claim


def reference_of(number: int) -> str:
    """How people name a registration: DR- and the tenant's number, six digits at least."""
    return f"DR-{number:06d}"


def number_in(reference: str) -> int | None:
    """The number in a reference as a person types it ("DR-000042", "dr-42", "DR 42"), or None."""
    text = reference.strip().upper().replace(" ", "-")
    if not text.startswith("DR-"):
        return None
    # ASCII digits only ("DR-²" is no reference), within the column's integer range
    number = parse_id(text[3:])
    return number if number is not None and number <= NUMBER_MAX else None


#: the largest registration number (`Deal.number` is a PostgreSQL integer)
NUMBER_MAX = 2**31 - 1


class DealMatch(TenantOwned):
    """A candidate match found when the registration was submitted, for the CAM to weigh."""

    class Kind(models.TextChoices):
        REGISTRATION = "registration", _("Another partner's registration")
        OWN = "own", _("The same partner's registration")
        DIRECT = "direct", _("Direct account")
        CUSTOMER = "customer", _("Existing customer")

    deal = models.ForeignKey(Deal, on_delete=models.CASCADE, related_name="matches")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    matched_deal = models.ForeignKey(
        Deal, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    account = models.ForeignKey(
        ProtectedAccount, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    score = models.DecimalField(max_digits=4, decimal_places=3)
    on_domain = models.BooleanField(default=False)
    is_strong = models.BooleanField(default=False)

    objects: ClassVar[models.Manager["DealMatch"]] = ScopedManager(tenant="tenant")

    class Meta:
        ordering = ["-score", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.score})"


class DealExtension(TenantOwned):
    """A partner's request to protect an approved registration for longer."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for a decision")
        APPROVED = "approved", _("Approved")
        DECLINED = "declined", _("Declined")

    deal = models.ForeignKey(Deal, on_delete=models.CASCADE, related_name="extensions")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    days = models.PositiveSmallIntegerField(_("extra days"))
    reason = models.TextField(_("why"), max_length=2000)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(_("message to the partner"), blank=True)

    objects: ClassVar[models.Manager["DealExtension"]] = ScopedManager(tenant="tenant")

    class Meta:
        verbose_name = _("extension request")
        verbose_name_plural = _("extension requests")
        ordering = ["-requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["deal"],
                condition=models.Q(status="pending"),
                name="dealextension_one_pending",
            )
        ]

    def __str__(self) -> str:
        return f"+{self.days} d ({self.get_status_display()})"


class Lead(TenantOwned):
    """A prospect the vendor hands to a partner to work."""

    class Status(models.TextChoices):
        NEW = "new", _("In the queue")
        ASSIGNED = "assigned", _("Assigned")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")

    class DeclineReason(models.TextChoices):
        CONTACTED = "contacted", _("Already in contact with them")
        NOT_INTERESTED = "not_interested", _("Not interested")
        SPAM = "spam", _("Spam or not a real prospect")
        OTHER = "other", _("Other")

    customer_name = models.CharField(_("customer company"), max_length=200)
    customer_website = models.CharField(_("customer website or domain"), max_length=253, blank=True)
    country = CountryField(_("country"))
    contact_name = models.CharField(_("contact name"), max_length=150)
    contact_email = models.EmailField(_("contact email"))
    contact_role = models.CharField(_("contact role"), max_length=120, blank=True)
    notes = models.TextField(_("notes"), max_length=4000, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.NEW
    )
    partner = models.ForeignKey(
        Partner,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="leads",
        verbose_name=_("partner"),
    )
    assigned_at = models.DateTimeField(_("assigned"), null=True, blank=True)
    respond_by = models.DateTimeField(_("answer by"), null=True, blank=True)
    opened_at = models.DateTimeField(_("opened"), null=True, blank=True)
    decline_reason = models.CharField(
        _("decline reason"), max_length=20, choices=DeclineReason.choices, blank=True
    )
    decline_note = models.TextField(_("decline note"), blank=True)
    #: how many partners let it run out or declined it (re-routing history is in the audit log)
    returned_count = models.PositiveSmallIntegerField(_("times returned"), default=0)
    deal = models.OneToOneField(
        Deal, on_delete=models.SET_NULL, null=True, blank=True, related_name="lead"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    #: kept by the database on every write, for the API's incremental sync (prm.api.sync)
    updated_at = updated_at_field()

    objects: ClassVar[models.Manager["Lead"]] = ScopedManager(tenant="tenant")

    class Meta:
        verbose_name = _("lead")
        verbose_name_plural = _("leads")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="new") | models.Q(partner__isnull=False),
                name="lead_partner_unless_new",
            )
        ]
        indexes = [
            models.Index(fields=["tenant", "partner", "status"], name="lead_partner_idx"),
            # The API's sync pages (prm.api.pagination): keyset over (updated_at, id).
            models.Index(fields=["tenant", "updated_at", "id"], name="lead_sync_idx"),
        ]

    def __str__(self) -> str:
        return self.customer_name


def attachment_path(instance: "DealAttachment", filename: str) -> str:
    """Where an attachment is stored: by tenant and registration, under a random name (what the
    uploader named it is kept in `DealAttachment.name`, never in a path)."""
    extension = os.path.splitext(filename)[1].lower()[:10]
    return f"deals/{instance.tenant_id}/{instance.deal_id}/{uuid.uuid4().hex}{extension}"


class DealAttachment(TenantOwned):
    """A file the partner attached to a registration (a quote, a purchase order), stored
    privately: served only to who may see the registration (`deals/views/attachments.py`)."""

    class Kind(models.TextChoices):
        QUOTE = "quote", _("Quote")
        PURCHASE_ORDER = "purchase_order", _("Purchase order")
        PROPOSAL = "proposal", _("Proposal")
        OTHER = "other", _("Other document")

    deal = models.ForeignKey(Deal, on_delete=models.CASCADE, related_name="attachments")
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices, default=Kind.QUOTE)
    label = models.CharField(_("description"), max_length=120, blank=True)
    file = models.FileField(
        _("file"), upload_to=attachment_path, storage=private_storage, max_length=255
    )
    #: the name it was uploaded under (cleaned), shown and used for the download
    name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField(_("size"))
    uploaded_by = models.ForeignKey(
        Membership, on_delete=models.PROTECT, related_name="+", verbose_name=_("uploaded by")
    )
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    objects: ClassVar[models.Manager["DealAttachment"]] = ScopedManager(tenant="tenant")

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["tenant", "deal", "created_at"], name="dealattachment_deal_idx")
        ]

    def __str__(self) -> str:
        return self.name


class DealComment(TenantOwned):
    """One message of the thread between the partner's users and the vendor's staff about a
    registration."""

    deal = models.ForeignKey(Deal, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        Membership, on_delete=models.PROTECT, related_name="+", verbose_name=_("author")
    )
    body = models.TextField(_("comment"), max_length=4000)
    created_at = models.DateTimeField(_("posted"), auto_now_add=True)

    objects: ClassVar[models.Manager["DealComment"]] = ScopedManager(tenant="tenant")

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["tenant", "deal", "created_at"], name="dealcomment_deal_idx")
        ]

    def __str__(self) -> str:
        return self.body[:60]

    @property
    def from_vendor(self) -> bool:
        return self.author.partner_id is None
