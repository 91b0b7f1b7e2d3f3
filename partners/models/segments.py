"""Segments: named groups of partners that later apps target content, courses and forms at."""

from typing import ClassVar

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from prm.tenancy.models import TenantOwned

from .companies import Partner, PartnerType


class Segment(TenantOwned):
    """A named group of partners by type, region, industry and size; apps target content,
    courses and forms at segments. An empty criterion accepts every partner."""

    name = models.CharField(_("name"), max_length=120)
    description = models.CharField(_("description"), max_length=300, blank=True)
    partner_types = models.ManyToManyField(
        PartnerType, blank=True, related_name="segments", verbose_name=_("partner types")
    )
    regions = ArrayField(
        models.CharField(max_length=10, choices=Partner.Region.choices),
        default=list,
        blank=True,
        verbose_name=_("regions"),
    )
    industries = ArrayField(
        models.CharField(max_length=20, choices=Partner.Industry.choices),
        default=list,
        blank=True,
        verbose_name=_("industries"),
    )
    size_bands = ArrayField(
        models.CharField(max_length=10, choices=Partner.Size.choices),
        default=list,
        blank=True,
        verbose_name=_("sizes"),
    )

    objects: ClassVar[models.Manager["Segment"]] = ScopedManager(tenant="tenant")

    class Meta:
        verbose_name = _("segment")
        verbose_name_plural = _("segments")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "name"], name="segment_unique_name")
        ]

    def __str__(self) -> str:
        return self.name
