"""The MDF app's models, a module per sub-domain."""

from .claims import Claim, PaymentBatch, ProofFile, batch_reference, claim_reference
from .funds import Allocation, Fund, FundQuestion, Movement
from .requests import CampaignDeal, MdfRequest, RequestAnswer, request_reference
from .settings import MdfSettings

__all__ = [
    "Allocation",
    "CampaignDeal",
    "Claim",
    "Fund",
    "FundQuestion",
    "MdfRequest",
    "MdfSettings",
    "Movement",
    "PaymentBatch",
    "ProofFile",
    "RequestAnswer",
    "batch_reference",
    "claim_reference",
    "request_reference",
]
