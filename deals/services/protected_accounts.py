"""Protected accounts (direct accounts, existing customers) from a CSV file exported from the CRM.

The admin's "Import CSV" page (`deals.admin.accounts.protected_account_import`) calls
`protected_accounts_import` with the uploaded file. A row is keyed on its registered domain: a
domain the program already has updates that account, a new one creates it; a domain may appear
once in the file. The import writes every row or none. `account_normalise` keeps the matching
keys (domain, name core and key) in step for accounts saved one by one in the admin form too.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from prm.audit.services import audit_record
from prm.csvio.importing import (
    ImportColumn,
    LookupField,
    Row,
    RowError,
    RowErrors,
    choice_lookup,
    choices_hint,
    read_rows,
)
from prm.forms import Form
from prm.normalize import company_core, company_key, registered_domain
from prm.tenancy.models import Membership, Tenant

from ..models import ProtectedAccount

#: the columns' labels: the headings of the template, and of the list's export
LABELS = {
    "domain": gettext_lazy("Domain"),
    "name": gettext_lazy("Company name"),
    "owner": gettext_lazy("Account owner"),
    "type": gettext_lazy("Type"),
}


def account_normalise(account: ProtectedAccount) -> None:
    """Store the registered domain and the name's core and key the conflict check compares."""
    account.domain = registered_domain(account.domain) if account.domain else ""
    account.name_core = company_core(account.name)
    account.name_key = company_key(account.name)


def clean_domain(value: str) -> str:
    """The registrable domain of what was typed (a URL, host or email address), or an error."""
    text = (value or "").strip()
    domain = registered_domain(text)
    if text and not domain:
        raise ValidationError(
            _("“%(value)s” is not a domain. Write it like acme.com or https://www.acme.com.")
            % {"value": text},
            code="invalid_domain",
        )
    return domain


def clean_company(value: str) -> str:
    name = (value or "").strip()
    if name and not company_core(name):
        raise ValidationError(
            _("“%(value)s” is not a company name.") % {"value": name},
            code="invalid_name",
        )
    return name


class ProtectedAccountRowForm(Form):
    """One row of the file; reads nothing from the database."""

    domain = forms.CharField(label=LABELS["domain"], max_length=253)
    name = forms.CharField(label=LABELS["name"], max_length=200)
    owner = forms.CharField(label=LABELS["owner"], max_length=200, required=False)
    type = LookupField(label=LABELS["type"], empty=ProtectedAccount.Kind.DIRECT)

    def __init__(self, data: dict[str, str], *, kinds: tuple[dict[str, Any], str]) -> None:
        super().__init__(data)
        field = self.fields["type"]
        assert isinstance(field, LookupField)
        field.lookup, field.hint = kinds

    def clean_domain(self) -> str:
        return clean_domain(self.cleaned_data["domain"])

    def clean_name(self) -> str:
        return clean_company(self.cleaned_data["name"])


COLUMNS = [
    ImportColumn(
        "domain",
        LABELS["domain"],
        gettext_lazy(
            "The company's website or domain (https://www.acme.com, acme.com); it identifies "
            "the account: a domain you already have updates that account. Once per file."
        ),
        required=True,
        example="acme.com",
    ),
    ImportColumn(
        "name",
        LABELS["name"],
        gettext_lazy("The company's name as your CRM has it."),
        required=True,
        example="Acme Widgets Inc.",
    ),
    ImportColumn(
        "owner",
        LABELS["owner"],
        gettext_lazy("Who owns the account in your CRM (a name or an email address)."),
        example="jane.doe@vendor.example",
    ),
    ImportColumn(
        "type",
        LABELS["type"],
        gettext_lazy(
            "direct: the vendor sells to it directly; customer: it already buys from you. "
            "Empty: direct."
        ),
        example="direct",
    ),
]


@dataclass
class ImportPlan:
    """What an import does, row by row: the domains it creates and those it updates."""

    created: list[Row] = field(default_factory=list)
    updated: list[Row] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return len(self.created) + len(self.updated)


def protected_accounts_import(
    *,
    actor: Membership,
    upload: UploadedFile,
    ignored: Iterable[str] = (),
    check_only: bool = False,
    ip: str | None = None,
) -> ImportPlan:
    """Create or update one protected account per row of a CRM file, all of them or none; with
    `check_only`, only say what the import would do (nothing is written).

    The file's headings are those of `COLUMNS` (and `ignored` ones, skipped: an export's). Imports
    of one tenant run one at a time (a lock on the tenant row) and the rows are checked under it.
    Raises `PermissionDenied` unless the actor may manage deal registration, `ValidationError`
    for a problem of the file as a whole (type, size, headings), and `RowErrors` naming every
    row's problems (nothing is written). One audit event for the file.
    """
    if actor.is_partner_user or not actor.can("deals.manage"):
        raise PermissionDenied(_("You may not import protected accounts."))
    tenant = actor.tenant
    kinds = (choice_lookup(ProtectedAccount.Kind), choices_hint(ProtectedAccount.Kind))
    rows = read_rows(
        upload,
        columns=COLUMNS,
        make_form=lambda data: ProtectedAccountRowForm(data, kinds=kinds),
        ignored=ignored,
    )
    if check_only:
        return _plan(tenant=tenant, rows=rows)
    try:
        with transaction.atomic():
            Tenant.objects.select_for_update(no_key=True).get(pk=tenant.pk)
            plan = _plan(tenant=tenant, rows=rows)
            now = timezone.now()
            by_domain = {
                a.domain: a
                for a in ProtectedAccount.objects.filter(
                    tenant=tenant, domain__in=[r.values["domain"] for r in plan.updated]
                )
            }
            changed = [_apply(by_domain[r.values["domain"]], r.values, now) for r in plan.updated]
            ProtectedAccount.objects.bulk_update(
                changed, ["name", "name_core", "name_key", "owner", "kind", "imported_at"]
            )
            ProtectedAccount.objects.bulk_create(
                [_apply(ProtectedAccount(tenant=tenant), r.values, now) for r in plan.created],
                batch_size=1000,
            )
            audit_record(
                tenant=tenant,
                actor=actor.user,
                action="deals.protectedaccount.imported",
                after={
                    "file": upload.name,
                    "created": len(plan.created),
                    "updated": len(plan.updated),
                },
                ip=ip,
            )
    except IntegrityError as exc:
        # The same domain was saved elsewhere between the check and the insert.
        raise RowErrors(
            [
                RowError(
                    None,
                    str(LABELS["domain"]),
                    _("An account with one of these domains was just saved: upload again."),
                )
            ]
        ) from exc
    return plan


def _plan(*, tenant: Tenant, rows: list[Row]) -> ImportPlan:
    """What the import of cleaned rows does; `RowErrors` for the problems of the rows taken
    together (a domain twice in the file). Reads, never writes."""
    errors: list[RowError] = []
    first_row: dict[str, int] = {}
    label = str(LABELS["domain"])
    for row in rows:
        domain = row.values["domain"]
        if domain in first_row:
            errors.append(
                RowError(
                    row.number,
                    label,
                    _("%(domain)s is already on row %(row)d.")
                    % {"domain": domain, "row": first_row[domain]},
                )
            )
        else:
            first_row[domain] = row.number
    if errors:
        raise RowErrors(errors)
    existing = set(
        ProtectedAccount.objects.filter(tenant=tenant, domain__in=list(first_row)).values_list(
            "domain", flat=True
        )
    )
    plan = ImportPlan()
    for row in rows:
        (plan.updated if row.values["domain"] in existing else plan.created).append(row)
    return plan


def _apply(account: ProtectedAccount, values: dict[str, Any], now: Any) -> ProtectedAccount:
    account.domain = values["domain"]
    account.name = values["name"]
    account.owner = values["owner"]
    account.kind = values["type"]
    account.imported_at = now
    account_normalise(account)
    return account
