"""The partner agreement: its published versions and the partners' acceptances."""

from typing import ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from prm.tenancy.models import TenantOwned

from .companies import Partner


class AgreementVersion(TenantOwned):
    """One published version of the tenant's partner agreement (sanitized HTML, never edited)."""

    version = models.PositiveIntegerField(_("version"))
    title = models.CharField(_("title"), max_length=200)
    body_html = models.TextField(_("text"))
    published_at = models.DateTimeField(_("published"), auto_now_add=True)
    published_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, related_name="+"
    )

    objects: ClassVar[models.Manager["AgreementVersion"]] = ScopedManager(tenant="tenant")

    class Meta:
        verbose_name = _("agreement version")
        verbose_name_plural = _("agreement versions")
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "version"], name="agreement_unique_version")
        ]

    def __str__(self) -> str:
        return f"{self.title} (v{self.version})"


class AgreementAcceptance(TenantOwned):
    """A partner company accepted one version: who, when, from which address."""

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="acceptances")
    agreement = models.ForeignKey(
        AgreementVersion, on_delete=models.PROTECT, related_name="acceptances"
    )
    accepted_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    accepted_by_label = models.CharField(_("accepted by"), max_length=254)
    accepted_at = models.DateTimeField(_("accepted"), auto_now_add=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    objects: ClassVar[models.Manager["AgreementAcceptance"]] = ScopedManager(tenant="tenant")

    class Meta:
        verbose_name = _("agreement acceptance")
        verbose_name_plural = _("agreement acceptances")
        ordering = ["-accepted_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "agreement"], name="acceptance_once_per_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.partner} accepted {self.agreement}"
