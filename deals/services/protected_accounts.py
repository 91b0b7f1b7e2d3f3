"""Protected accounts (direct accounts, existing customers) from the CRM: a CSV file or the API.

The admin's "Import CSV" page (`deals.admin.accounts.protected_account_import`) calls
`protected_accounts_import` with the uploaded file; the REST API's bulk sync (`deals.api`) sends
its rows straight to `protected_accounts_upsert`, which the import calls too: one row form, one
lock, one duplicate check, one way of writing. A row is keyed on its registered domain: a
domain the program already has updates that account, a new one creates it; a domain may appear
once in a batch. An upsert writes every row or none; `protected_accounts_delete` removes accounts
by domain. `account_normalise` keeps the matching
keys (domain, name core and key) in step for accounts saved one by one in the admin form too.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from prm.audit.services import audit_record
from prm.csvio.importing import (
    MAX_BYTES,
    ImportColumn,
    LookupField,
    Row,
    RowError,
    RowErrors,
    choice_lookup,
    choices_hint,
    read_table,
    validate_rows,
)
from prm.csvio.importing import MAX_ROWS as MAX_CSV_ROWS
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


#: the most rows one upsert takes (the API's CRM sync; a CSV file is capped lower by its size)
MAX_ROWS = 10_000


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

    The file's headings are those of `COLUMNS` (and `ignored` ones, skipped: an export's); its
    rows are numbered as a spreadsheet numbers them and go through `protected_accounts_upsert`.
    Raises `PermissionDenied` unless the actor may manage deal registration, `ValidationError`
    for a problem of the file as a whole (type, size, headings), and `RowErrors` naming every
    row's problems (nothing is written).
    """
    _require_manager(actor)
    rows = read_table(
        upload, columns=COLUMNS, ignored=ignored, max_bytes=MAX_BYTES, max_rows=MAX_CSV_ROWS
    )
    if not rows:
        raise ValidationError(_("The file has no rows below its header."))
    return protected_accounts_upsert(
        actor=actor, rows=rows, source=upload.name or "", check_only=check_only, ip=ip
    )


def protected_accounts_upsert(
    *,
    actor: Membership,
    rows: Sequence[Row],
    source: str,
    check_only: bool = False,
    ip: str | None = None,
) -> ImportPlan:
    """Create or update one protected account per row, keyed on its registered domain, all rows
    or none; with `check_only`, only say what it would do (nothing is written).

    `rows` hold the values as received, by column key (`domain`, `name`, `owner`, `type`), each
    numbered as its sender counts (a file's row, a request's index); every row goes through
    `ProtectedAccountRowForm`, and a domain may appear once. Upserts of one tenant (CSV imports
    and the API's sync) run one at a time (a lock on the tenant row) and the rows are checked
    against the accounts under it. `source` says where the rows came from (a file's name, "the
    REST API"), for the one audit event of the batch.

    Raises `PermissionDenied` unless the actor may manage deal registration, `ValidationError`
    for more than `MAX_ROWS` rows or none, and `RowErrors` naming every row's problems, or (row
    None) an account saved by someone else with one of the domains meanwhile; then nothing is
    written.
    """
    _require_manager(actor)
    if not rows:
        raise ValidationError(_("Send at least one account."))
    if len(rows) > MAX_ROWS:
        raise ValidationError(
            _("Send at most %(max)s accounts at once.") % {"max": f"{MAX_ROWS:,}"}
        )
    tenant = actor.tenant
    clean = account_rows_clean(rows)
    if check_only:
        return _plan(tenant=tenant, rows=clean)
    try:
        with transaction.atomic():
            Tenant.objects.select_for_update(no_key=True).get(pk=tenant.pk)
            plan = _plan(tenant=tenant, rows=clean)
            now = timezone.now()
            by_domain = {
                a.domain: a
                for a in ProtectedAccount.objects.filter(
                    tenant=tenant, domain__in=[r.values["domain"] for r in plan.updated]
                )
            }
            changed = [_apply(by_domain[r.values["domain"]], r.values, now) for r in plan.updated]
            _update_all(tenant, changed, now)
            _insert_all(
                tenant,
                [_apply(ProtectedAccount(tenant=tenant), r.values, now) for r in plan.created],
            )
            audit_record(
                tenant=tenant,
                actor=actor.user,
                action="deals.protectedaccount.imported",
                after={
                    "file": source,
                    "created": len(plan.created),
                    "updated": len(plan.updated),
                },
                ip=ip,
            )
    except IntegrityError as exc:
        # The same domain was saved elsewhere (the admin's form) between the check and the
        # insert: the lock serialises upserts, not single saves.
        raise RowErrors(
            [
                RowError(
                    None,
                    str(LABELS["domain"]),
                    _("An account with one of these domains was just saved: send them again."),
                )
            ]
        ) from exc
    return plan


def account_rows_clean(rows: Sequence[Row]) -> list[Row]:
    """Each row through `ProtectedAccountRowForm`: the cleaned rows, or `RowErrors` naming every
    row's problems (by row number and column label)."""
    kinds = (choice_lookup(ProtectedAccount.Kind), choices_hint(ProtectedAccount.Kind))
    # One form, bound to each row in turn and cleaned at once (`full_clean` starts its errors
    # and cleaned data afresh): a form copies its fields when it is made, which was half the time
    # of a 10,000-row upsert. The fields keep no state between cleans.
    form = ProtectedAccountRowForm({}, kinds=kinds)

    def bound_to(data: dict[str, str]) -> ProtectedAccountRowForm:
        form.data = data
        form.full_clean()
        return form

    clean, errors = validate_rows(rows, bound_to, COLUMNS)
    if errors:
        raise RowErrors(errors)
    return clean


def protected_accounts_delete(*, actor: Membership, domains: Sequence[str], source: str) -> int:
    """Delete the tenant's protected accounts with these domains (as typed: normalised like an
    import's); a domain the program does not have is skipped. Returns how many were deleted.

    Registrations that matched a deleted account keep their status and claim: only the
    candidate match naming it goes (`DealMatch.account` cascades), as the account no longer
    protects anyone. Runs under the tenant's upsert lock; one audit event for the batch. Raises
    `PermissionDenied` unless the actor may manage deal registration, `ValidationError` for more
    than `MAX_ROWS` domains, and `RowErrors` (by position) for values that are not domains.
    """
    _require_manager(actor)
    if len(domains) > MAX_ROWS:
        raise ValidationError(_("Send at most %(max)s domains at once.") % {"max": f"{MAX_ROWS:,}"})
    wanted: set[str] = set()
    errors: list[RowError] = []
    for number, value in enumerate(domains):
        try:
            domain = clean_domain(value)
        except ValidationError as error:
            errors += [RowError(number, str(LABELS["domain"]), m) for m in error.messages]
            continue
        if not domain:
            errors.append(RowError(number, str(LABELS["domain"]), _("Enter a domain.")))
            continue
        wanted.add(domain)
    if errors:
        raise RowErrors(errors)
    tenant = actor.tenant
    with transaction.atomic():
        Tenant.objects.select_for_update(no_key=True).get(pk=tenant.pk)
        _total, by_model = ProtectedAccount.objects.filter(
            tenant=tenant, domain__in=sorted(wanted)
        ).delete()
        deleted = by_model.get(ProtectedAccount._meta.label, 0)
        audit_record(
            tenant=tenant,
            actor=actor.user,
            action="deals.protectedaccount.deleted",
            after={"source": source, "deleted": deleted},
        )
    return deleted


def protected_account_delete(*, actor: Membership, account: ProtectedAccount) -> None:
    """Delete one protected account (see `protected_accounts_delete` for the registrations that
    matched it); audited with the account. Raises `PermissionDenied` unless the actor may manage
    deal registration in the account's tenant."""
    _require_manager(actor)
    if account.tenant_id != actor.tenant_id:
        raise PermissionDenied
    with transaction.atomic():
        audit_record(
            tenant=actor.tenant,
            actor=actor.user,
            action="deals.protectedaccount.removed",
            obj=account,
            before={"domain": account.domain, "name": account.name, "type": account.kind},
        )
        ProtectedAccount.objects.filter(tenant_id=actor.tenant_id, pk=account.pk).delete()


def _require_manager(actor: Membership) -> None:
    if actor.is_partner_user or not actor.can("deals.manage"):
        raise PermissionDenied(_("You may not change protected accounts."))


def _plan(*, tenant: Tenant, rows: Sequence[Row]) -> ImportPlan:
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


# One statement for all new accounts and one for all changed ones, their values sent as arrays:
# `bulk_update` writes a CASE per field and row, which Django takes seconds to build and
# PostgreSQL to evaluate for thousands of rows (40 s for 10,000 in a profile), and `bulk_create`
# spent more time compiling its INSERTs than PostgreSQL running them.
_INSERT = """
INSERT INTO deals_protectedaccount
       (tenant_id, domain, name, name_core, name_key, owner, kind, imported_at)
SELECT %(tenant)s, v.domain, v.name, v.name_core, v.name_key, v.owner, v.kind, %(now)s
  FROM unnest(%(domains)s::text[], %(names)s::text[], %(cores)s::text[], %(keys)s::text[],
              %(owners)s::text[], %(kinds)s::text[])
       AS v(domain, name, name_core, name_key, owner, kind)
"""
_UPDATE = """
UPDATE deals_protectedaccount AS a
   SET name = v.name, name_core = v.name_core, name_key = v.name_key, owner = v.owner,
       kind = v.kind, imported_at = %(now)s
  FROM unnest(%(ids)s::bigint[], %(names)s::text[], %(cores)s::text[], %(keys)s::text[],
              %(owners)s::text[], %(kinds)s::text[])
       AS v(id, name, name_core, name_key, owner, kind)
 WHERE a.id = v.id AND a.tenant_id = %(tenant)s
"""


def _columns(accounts: list[ProtectedAccount]) -> dict[str, list[Any]]:
    return {
        "names": [a.name for a in accounts],
        "cores": [a.name_core for a in accounts],
        "keys": [a.name_key for a in accounts],
        "owners": [a.owner for a in accounts],
        "kinds": [a.kind for a in accounts],
    }


def _insert_all(tenant: Tenant, accounts: list[ProtectedAccount]) -> None:
    if accounts:
        with connection.cursor() as cursor:
            cursor.execute(
                _INSERT,
                {
                    "tenant": tenant.pk,
                    "now": accounts[0].imported_at,
                    "domains": [a.domain for a in accounts],
                    **_columns(accounts),
                },
            )


def _update_all(tenant: Tenant, accounts: list[ProtectedAccount], now: Any) -> None:
    if accounts:
        with connection.cursor() as cursor:
            cursor.execute(
                _UPDATE,
                {"tenant": tenant.pk, "now": now, "ids": [a.pk for a in accounts],
                 **_columns(accounts)},
            )  # fmt: skip


def _apply(account: ProtectedAccount, values: dict[str, Any], now: Any) -> ProtectedAccount:
    account.domain = values["domain"]
    account.name = values["name"]
    account.owner = values["owner"]
    account.kind = values["type"]
    account.imported_at = now
    account_normalise(account)
    return account
