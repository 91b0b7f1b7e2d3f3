"""Changing deal registrations, leads and protected accounts.

- `registration`: a partner saves, submits and withdraws a registration;
- `decisions`: a CAM approves, rejects or asks for more information;
- `closing`: an approved deal is marked won or lost;
- `protection`: a partner asks for more time, a CAM decides;
- `beat`: expire registrations, warn before expiry, escalate overdue decisions;
- `leads`: leads the vendor hands to partners;
- `protected_accounts`: the vendor's direct accounts and customers, from the CRM (CSV, API);
- `attachments`: the files a partner attaches to a registration (a quote, a PO);
- `comments`: the thread between the partner and the vendor on a registration;
- `access`: who may act on a registration or a lead; `locks`: the tenant's claim lock.

Every service takes the acting membership (None for beat jobs) and runs in one
`transaction.atomic()`. A change of status goes through the app's state machines
(`deals.workflow`: `DEALS.transition`, `LEADS.transition`), which lock the row, check the
status allows the action, write, audit and emit the event (whose notification rules write
in-portal notifications and queued emails in this same transaction). A refused action raises
`ValidationError` (`TransitionError` for a status that does not allow it) and changes nothing.

The claim on a customer: a submitted, waiting or approved registration holds it
(`Deal.holds_claim`); a unique partial index allows one holder per customer key and a
lock on the tenant's settings row (`locks.lock_claims`) serialises every decision
about claims, so two partners submitting the same customer at the same moment yield one holder
and one conflict.
"""

from .attachments import attachment_add, attachment_delete
from .beat import deals_escalate, deals_expire, deals_warn_expiring
from .closing import deal_change_amount, deal_mark_lost, deal_mark_won, deal_reopen
from .comments import comment_post
from .decisions import deal_approve, deal_reject, deal_request_info
from .leads import (
    LeadInput,
    lead_accept,
    lead_assign,
    lead_create,
    lead_decline,
    lead_open,
    leads_expire,
)
from .protected_accounts import (
    ImportPlan,
    protected_account_delete,
    protected_accounts_delete,
    protected_accounts_import,
    protected_accounts_upsert,
)
from .protection import extension_decide, extension_request
from .registration import DealInput, deal_save, deal_submit, deal_withdraw

__all__ = [
    "DealInput",
    "ImportPlan",
    "LeadInput",
    "attachment_add",
    "attachment_delete",
    "comment_post",
    "deal_approve",
    "deal_change_amount",
    "deal_mark_lost",
    "deal_mark_won",
    "deal_reject",
    "deal_reopen",
    "deal_request_info",
    "deal_save",
    "deal_submit",
    "deal_withdraw",
    "deals_escalate",
    "deals_expire",
    "deals_warn_expiring",
    "extension_decide",
    "extension_request",
    "lead_accept",
    "lead_assign",
    "lead_create",
    "lead_decline",
    "lead_open",
    "leads_expire",
    "protected_account_delete",
    "protected_accounts_delete",
    "protected_accounts_import",
    "protected_accounts_upsert",
]
