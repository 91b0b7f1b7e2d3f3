"""The commissions app's models, a module per sub-domain."""

from .disputes import Dispute, DisputeMessage
from .incentives import Reward, SpifAward, SpifCampaign, TierBonusRule
from .ledger import Line
from .plans import Plan, PlanVersion, ProductOverride, TierUplift, TypeRate
from .settings import CommissionSettings
from .statements import (
    PayoutBatch,
    Statement,
    StatementTotal,
    payout_reference,
    statement_reference,
)

__all__ = [
    "CommissionSettings",
    "Dispute",
    "DisputeMessage",
    "Line",
    "PayoutBatch",
    "Plan",
    "PlanVersion",
    "ProductOverride",
    "Reward",
    "SpifAward",
    "SpifCampaign",
    "Statement",
    "StatementTotal",
    "TierBonusRule",
    "TierUplift",
    "TypeRate",
    "payout_reference",
    "statement_reference",
]
