"""The content library: assets partners find under Resources, and what they did with them.

An `Asset` is a file (private storage, served only by a view that runs `visible_assets`) or a
link. Who sees a published asset (`training.library.selectors.visible_assets`):

- no segment and no named partner: every partner;
- else the partners in one of its `segments` (the segments' own rule), and the partners it is
  granted to by name: a django-guardian per-object grant of `training.see_asset` to the
  partner company's group (`training.library.grants`).

Tags are one array of `kind:value` strings (`industry:healthcare`, `region:emea`, `type:12`,
`tier:3`, `product:analytics`) under one GIN index, so any combination of filters is one
`@>` containment test. The search vector is kept by the services (`asset_search_refresh`): the
title weighs A, the description and the tags' words B, in the tenant's language.
"""

import os
import uuid
from typing import ClassVar

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from partners.models import Partner, Segment
from prm.tenancy.models import Membership, TenantOwned
from prm.uploads.private import private_storage


def asset_file_path(instance: "Asset", filename: str) -> str:
    """An asset's file by tenant under a random name (a new one for every upload); the
    uploaded name is kept in `Asset.file_name`."""
    extension = os.path.splitext(filename)[1].lower()[:10]
    return f"library/{instance.tenant_id}/{uuid.uuid4().hex}{extension}"


class AssetType(models.TextChoices):
    PLAYBOOK = "playbook", _("Playbook")
    BATTLE_CARD = "battle_card", _("Battle card")
    CASE_STUDY = "case_study", _("Case study")
    PRESENTATION = "presentation", _("Presentation")
    PRICING_SHEET = "pricing_sheet", _("Pricing sheet")
    WHITE_PAPER = "white_paper", _("White paper")
    VIDEO = "video", _("Video")
    OTHER = "other", _("Other")


class TagKind(models.TextChoices):
    """The kinds of tag an asset carries; a tag is stored as `<kind>:<value>`."""

    INDUSTRY = "industry", _("Industry")
    PARTNER_TYPE = "type", _("Partner type")
    TIER = "tier", _("Tier")
    REGION = "region", _("Region")
    PRODUCT = "product", _("Product")


class Asset(TenantOwned):
    """One piece of sales or marketing content: a file or a link."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), max_length=2000, blank=True)
    type = models.CharField(_("type"), max_length=20, choices=AssetType.choices)
    file = models.FileField(
        _("file"), upload_to=asset_file_path, storage=private_storage, max_length=255, blank=True
    )
    file_name = models.CharField(_("file name"), max_length=200, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveBigIntegerField(_("size"), null=True, blank=True)
    link = models.URLField(_("link"), max_length=500, blank=True)
    #: `kind:value` strings (see the module docstring)
    tags = ArrayField(models.CharField(max_length=120), default=list, blank=True)
    #: the tags' words, for the search vector (kept by the service with `tags`)
    tag_words = models.TextField(blank=True, editable=False)
    segments = models.ManyToManyField(
        Segment,
        blank=True,
        related_name="+",
        verbose_name=_("segments"),
        help_text=_("The partners it is for. None ticked and no named partner: every partner."),
    )
    featured = models.BooleanField(
        _("featured"), default=False, help_text=_("Shown first under Resources.")
    )
    review_by = models.DateField(
        _("review by"),
        null=True,
        blank=True,
        help_text=_("When someone should check it is still right; then it shows as review due."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    search = SearchVectorField(null=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    updated_by = models.ForeignKey(
        Membership,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("updated by"),
    )

    objects: ClassVar[models.Manager["Asset"]] = ScopedManager(tenant="tenant")

    class Meta:
        verbose_name = _("asset")
        verbose_name_plural = _("content library assets")
        ordering = ["-featured", "-updated_at", "-id"]
        permissions = [("see_asset", "See this asset (a partner it is restricted to by name)")]
        indexes = [
            GinIndex(fields=["search"], name="asset_search_idx"),
            GinIndex(fields=["tags"], name="asset_tags_idx"),
            models.Index(
                fields=["tenant", "status", "featured", "updated_at"], name="asset_listing_idx"
            ),
            models.Index(fields=["tenant", "review_by"], name="asset_review_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~(~models.Q(file="") & ~models.Q(link="")),
                name="asset_file_or_link",
                violation_error_message=_("An asset is a file or a link, not both."),
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_file(self) -> bool:
        return bool(self.file)

    @property
    def review_due(self) -> bool:
        return self.review_by is not None and self.review_by <= timezone.localdate()


class AssetEngagement(TenantOwned):
    """A partner's member viewed an asset's page, or downloaded (or opened) it: one row each
    time, written with one INSERT (no counter to lock)."""

    class Kind(models.TextChoices):
        VIEW = "view", _("Viewed")
        DOWNLOAD = "download", _("Downloaded")

    asset = models.ForeignKey(Asset, on_delete=models.CASCADE, related_name="engagements")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="+")
    membership = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)

    objects: ClassVar[models.Manager["AssetEngagement"]] = ScopedManager(tenant="tenant")

    class Meta:
        verbose_name = _("asset engagement")
        verbose_name_plural = _("asset engagement")
        indexes = [
            models.Index(fields=["tenant", "asset", "kind"], name="assetengagement_asset_idx"),
            models.Index(fields=["tenant", "partner", "at"], name="assetengagement_partner_idx"),
        ]
