"""Changing deal registrations: save, submit, decide, close, extend, expire, escalate.

Every service takes the acting membership (None for beat jobs), locks the registration's row,
asks `workflow.require` whether its status allows the action, writes, audits, emits its event
(whose notification rules write in-portal notifications and queued emails in this same
transaction), all inside one `transaction.atomic()`. A refused action raises `ValidationError`
(`TransitionError` for a status that does not allow it) and changes nothing.

The claim on a customer: a submitted, waiting or approved registration holds it
(`Deal.holds_claim`); a unique partial index allows one holder per customer key and a
transaction-level advisory lock per tenant serialises every decision about claims, so two
partners submitting the same customer at the same moment yield one holder and one conflict.
"""

from .beat import deals_escalate, deals_expire, deals_warn_expiring
from .closing import deal_mark_lost, deal_mark_won
from .decisions import deal_approve, deal_reject, deal_request_info
from .protection import extension_decide, extension_request
from .registration import DealInput, deal_save, deal_submit, deal_withdraw

__all__ = [
    "DealInput",
    "deal_approve",
    "deal_mark_lost",
    "deal_mark_won",
    "deal_reject",
    "deal_request_info",
    "deal_save",
    "deal_submit",
    "deal_withdraw",
    "deals_escalate",
    "deals_expire",
    "deals_warn_expiring",
    "extension_decide",
    "extension_request",
]
