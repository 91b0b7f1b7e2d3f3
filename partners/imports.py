"""Partner companies from a CSV file: the columns, one row's form, the check and the import.

The admin's "Import CSV" page (`prm.csvio.admin.CsvImportMixin`) drives it through
`partner_importer`. Types and tiers are looked up by name among the importing tenant's own; a
name must be new in the program and appear once in the file; the import creates every row's
partner or none.
"""

from typing import Any, cast

from django import forms
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from prm.csvio.importing import (
    CsvImporter,
    ImportColumn,
    LookupField,
    Row,
    RowError,
    RowErrors,
    choice_lookup,
    choices_hint,
    country_lookup,
    names_hint,
)
from prm.forms import Form
from prm.normalize import registered_domain
from prm.notifications.log import log_action
from prm.tenancy.models import Membership, Tenant

from . import events
from .models import Partner, PartnerType, Tier

#: the columns' labels (the headings of the template, and of the export)
LABELS = {
    "name": gettext_lazy("Name"),
    "partner_type": gettext_lazy("Type"),
    "tier": gettext_lazy("Tier"),
    "website": gettext_lazy("Website"),
    "country": gettext_lazy("Country"),
    "region": gettext_lazy("Region"),
    "industry": gettext_lazy("Industry"),
    "size_band": gettext_lazy("Size"),
    "status": gettext_lazy("Status"),
    "joined_on": gettext_lazy("Joined on"),
}


class PartnerRowForm(Form):
    """One row of the file. The lookups (the tenant's types and tiers, the choices) are given
    per import, so the form reads nothing from the database."""

    name = forms.CharField(label=LABELS["name"], max_length=200)
    partner_type = LookupField(label=LABELS["partner_type"])
    tier = LookupField(label=LABELS["tier"])
    website = forms.URLField(
        label=LABELS["website"], required=False, max_length=200, assume_scheme="https"
    )
    country = LookupField(label=LABELS["country"], empty="")
    region = LookupField(label=LABELS["region"], empty="")
    industry = LookupField(label=LABELS["industry"], empty="")
    size_band = LookupField(label=LABELS["size_band"], empty="")
    status = LookupField(label=LABELS["status"], empty=Partner.Status.ONBOARDING)
    joined_on = forms.DateField(label=LABELS["joined_on"], required=False)

    def __init__(self, data: dict[str, str], *, lookups: dict[str, tuple[dict[str, Any], str]]):
        super().__init__(data)
        for name, (lookup, hint) in lookups.items():
            field = cast(LookupField, self.fields[name])
            field.lookup, field.hint = lookup, hint


def _lookups(tenant: Tenant) -> dict[str, tuple[dict[str, Any], str]]:
    """For each looked-up column: accepted text (case-folded) -> value, and the hint."""
    types = list(PartnerType.objects.filter(tenant=tenant))
    tiers = list(Tier.objects.filter(tenant=tenant))
    return {
        "partner_type": ({t.name.casefold(): t for t in types}, names_hint(types)),
        "tier": ({t.name.casefold(): t for t in tiers}, names_hint(tiers)),
        "country": (
            country_lookup(),
            _("Use an ISO code (DE or DEU) or the country's name (Germany)."),
        ),
        "region": (choice_lookup(Partner.Region), choices_hint(Partner.Region)),
        "industry": (choice_lookup(Partner.Industry), choices_hint(Partner.Industry)),
        "size_band": (choice_lookup(Partner.Size), choices_hint(Partner.Size)),
        "status": (choice_lookup(Partner.Status), choices_hint(Partner.Status)),
    }


def _columns(lookups: dict[str, tuple[dict[str, Any], str]]) -> list[ImportColumn]:
    def hint(key: str) -> str:
        return lookups[key][1]

    types = sorted({t.name for t in lookups["partner_type"][0].values()})
    tiers = sorted({t.name for t in lookups["tier"][0].values()})
    return [
        ImportColumn(
            "name",
            LABELS["name"],
            _("The company's name: new in your program, and only once in the file."),
            required=True,
            example="Northwind Solutions",
        ),
        ImportColumn(
            "partner_type",
            LABELS["partner_type"],
            hint("partner_type") or _("Leave empty: the program has no partner types yet."),
            example=types[0] if types else "",
        ),
        ImportColumn(
            "tier",
            LABELS["tier"],
            hint("tier") or _("Leave empty: the program has no tiers yet."),
            example=tiers[0] if tiers else "",
        ),
        ImportColumn(
            "website",
            LABELS["website"],
            _("The company's website; https:// is added when it is missing."),
            example="https://www.northwind.example",
        ),
        ImportColumn("country", LABELS["country"], hint("country"), example="DE"),
        ImportColumn("region", LABELS["region"], hint("region"), example="emea"),
        ImportColumn("industry", LABELS["industry"], hint("industry"), example="software"),
        ImportColumn("size_band", LABELS["size_band"], hint("size_band"), example="51-200"),
        ImportColumn(
            "status",
            LABELS["status"],
            _("%(hint)s Empty: onboarding.") % {"hint": hint("status")},
            example=str(Partner.Status.ACTIVE.label),
        ),
        ImportColumn(
            "joined_on",
            LABELS["joined_on"],
            _("The date the partner joined the program, as YYYY-MM-DD."),
            example="2024-03-01",
        ),
    ]


def partner_importer(*, actor: Membership, ip: str | None = None) -> CsvImporter:
    """The import of partner companies by `actor`, for the admin's import page."""
    tenant = actor.tenant
    lookups = _lookups(tenant)
    return CsvImporter(
        columns=_columns(lookups),
        make_form=lambda data: PartnerRowForm(data, lookups=lookups),
        check=lambda rows: partners_import_check(tenant=tenant, rows=rows),
        save=lambda rows, filename: len(
            partners_import(actor=actor, rows=rows, filename=filename, ip=ip)
        ),
    )


def partners_import_check(*, tenant: Tenant, rows: list[Row]) -> list[RowError]:
    """The problems of cleaned rows taken together: a name already in the program or earlier
    in the file, a type or tier of another program. Reads, never writes."""
    errors: list[RowError] = []
    name_label = str(LABELS["name"])
    first_row: dict[str, int] = {}
    for row in rows:
        key = row.values["name"].lower()
        if key in first_row:
            errors.append(
                RowError(
                    row.number,
                    name_label,
                    _("“%(name)s” is already on row %(row)d.")
                    % {"name": row.values["name"], "row": first_row[key]},
                )
            )
        else:
            first_row[key] = row.number
        for field in ("partner_type", "tier"):
            value = row.values.get(field)
            if value is not None and value.tenant_id != tenant.pk:
                errors.append(
                    RowError(row.number, str(LABELS[field]), _("Choose one of this program's."))
                )
    taken = (
        Partner.objects.filter(tenant=tenant)
        .annotate(key=Lower("name"))
        .filter(key__in=list(first_row))
        .values_list("key", "name")
    )
    errors += [
        RowError(
            first_row[key],
            name_label,
            _("A partner named “%(name)s” already exists.") % {"name": name},
        )
        for key, name in taken
    ]
    return sorted(errors, key=lambda e: e.row or 0)


def partners_import(
    *, actor: Membership, rows: list[Row], filename: str, ip: str | None = None
) -> list[Partner]:
    """Create one partner company per cleaned row (`PartnerRowForm`), all of them or none.

    Imports of one tenant run one at a time (a lock on the tenant row), and the rows are checked
    again under that lock. Raises `PermissionDenied` unless the actor may manage partners, and
    `RowErrors` when a row cannot be imported (nothing is then written). Writes one audit event
    for the file (count, file name, names) and emits `partners.partner.imported`.
    """
    if not actor.can("partners.manage"):
        raise PermissionDenied(_("You may not create partner companies."))
    tenant = actor.tenant
    try:
        with transaction.atomic():
            # FOR NO KEY UPDATE: serialises imports without blocking rows that refer to the tenant.
            Tenant.objects.select_for_update(no_key=True).get(pk=tenant.pk)
            errors = partners_import_check(tenant=tenant, rows=rows)
            if errors:
                raise RowErrors(errors)
            partners = Partner.objects.bulk_create(
                [_partner(tenant, row.values) for row in rows], batch_size=1000
            )
            log_action(
                event=events.PARTNERS_IMPORTED,
                tenant=tenant,
                actor=actor.user,
                after={
                    "count": len(partners),
                    "file": filename,
                    "names": [p.name for p in partners],
                },
                ip=ip,
                data={"count": len(partners), "partner_ids": [p.pk for p in partners]},
            )
    except IntegrityError as exc:
        # A partner of the same name was saved elsewhere between the check and the insert.
        raise RowErrors(
            [
                RowError(
                    None,
                    str(LABELS["name"]),
                    _("A partner of one of these names was just created. Upload the file again."),
                )
            ]
        ) from exc
    return partners


def _partner(tenant: Tenant, values: dict[str, Any]) -> Partner:
    return Partner(
        tenant=tenant,
        name=values["name"],
        partner_type=values["partner_type"],
        tier=values["tier"],
        website=values["website"],
        # bulk_create does not call save(), which keeps the domain in step with the website
        domain=registered_domain(values["website"]),
        country=values["country"],
        region=values["region"],
        industry=values["industry"],
        size_band=values["size_band"],
        status=values["status"],
        joined_on=values["joined_on"],
    )
