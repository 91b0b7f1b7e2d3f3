"""Channel-conflict detection: who else already claims the customer a partner registers.

A customer is matched against the tenant's registrations that hold a claim (submitted, waiting
for information, approved) and its protected accounts (direct accounts, existing customers):
exactly on the registered domain, and by trigram similarity of the company-name core (pg_trgm,
through GIN indexes), then re-scored here. The partner is told only an outcome (`Verdict`); the
candidates with their scores are for the CAM.
"""

from dataclasses import dataclass, field
from datetime import datetime
from difflib import SequenceMatcher
from typing import Any

from django.contrib.postgres.search import TrigramSimilarity
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import Cast

from prm.normalize import company_core, company_key, registered_domain
from prm.tenancy.models import Tenant

from .models import Deal, DealMatch, ProtectedAccount

#: a name scoring at least this is a possible match, shown to the CAM (see `_name_score`)
FLAG_SCORE = 0.75
#: a word one typo away from a word of the other name (see `_word_score`)
TYPO_SCORE = 0.9
#: the most a word two or more edits away can score
OTHER_WORD_SCORE = 0.7
#: what the trigram indexes lead with (see `_in_tenant`)
TENANT_INT = Cast("tenant", IntegerField())
#: candidates fetched per source before re-scoring
CANDIDATES = 10


@dataclass(frozen=True)
class Customer:
    """A customer as typed, normalised once."""

    name: str
    domain: str
    core: str
    key: str

    @classmethod
    def of(cls, name: str, website: str) -> "Customer":
        domain = registered_domain(website)
        return cls(name=name, domain=domain, core=company_core(name), key=company_key(name))

    @property
    def claim_key(self) -> str:
        """What the one-claim-per-customer constraint compares: the domain, else the name."""
        return self.domain or f"name:{self.key}"


@dataclass(frozen=True)
class Candidate:
    kind: str  # a DealMatch.Kind value
    score: float
    on_domain: bool
    is_strong: bool
    deal: Deal | None = None
    account: ProtectedAccount | None = None

    @property
    def name(self) -> str:
        if self.deal is not None:
            return self.deal.customer_name
        assert self.account is not None
        return self.account.name


class Outcome:
    CLEAR = "clear"
    PROTECTED = "protected"  # another partner's approved registration
    PENDING = "pending"  # another partner's registration waiting for a decision
    DIRECT = "direct"
    CUSTOMER = "customer"
    OWN = "own"  # the partner's own company already registered it
    POSSIBLE = "possible"


@dataclass(frozen=True)
class Verdict:
    """What the partner may know. Never another partner's name, deal or amount."""

    outcome: str
    protected_until: datetime | None = None
    own_deal: Deal | None = None
    candidates: list[Candidate] = field(default_factory=list)

    @property
    def holder(self) -> Deal | None:
        """Another partner's registration that holds this customer (for the service)."""
        for c in self.candidates:
            if c.kind == DealMatch.Kind.REGISTRATION and c.is_strong:
                return c.deal
        return None


def _edits(a: str, b: str) -> int:
    """0 when equal, 1 when one edit apart (a letter changed, added, dropped, or two
    neighbours swapped), else 2 (meaning two or more). Linear time."""
    if a == b:
        return 0
    if abs(len(a) - len(b)) > 1:
        return 2
    i = 0
    while i < min(len(a), len(b)) and a[i] == b[i]:
        i += 1
    if len(a) == len(b):
        if a[i + 1 :] == b[i + 1 :]:
            return 1  # changed
        swapped = i + 1 < len(a) and a[i] == b[i + 1] and a[i + 1] == b[i]
        return 1 if swapped and a[i + 2 :] == b[i + 2 :] else 2
    longer, shorter = (a, b) if len(a) > len(b) else (b, a)
    return 1 if longer[i + 1 :] == shorter[i:] else 2


def _word_score(a: str, b: str) -> float:
    """1 for the same word, TYPO_SCORE one typo apart (words of four letters or more), else
    their sequence ratio, capped below FLAG_SCORE: two typos make another word."""
    edits = _edits(a, b)
    if edits == 0:
        return 1.0
    if edits == 1 and min(len(a), len(b)) >= 4:
        return TYPO_SCORE
    return min(SequenceMatcher(None, a, b).ratio(), OTHER_WORD_SCORE)


def _cover(fewer: list[str], more: list[str]) -> float:
    """How well every word of `fewer` is matched by some word of `more`: the worst match."""
    return min(max(_word_score(word, other) for other in more) for word in fewer)


def _name_score(customer: Customer, core: str, similarity: float) -> float:
    """How alike two name cores are, 0..1, word by word.

    Each word of the name with fewer words must match a word of the other, whatever the
    order, either exactly or but for one typo (TYPO_SCORE): "brivola" ~ "brivloa". A word two
    or more edits away is another word ("prearquo" ~ "trearquol"), scored below FLAG_SCORE:
    among tens of thousands of registered names, whole-string ratios and trigram
    similarities find such near neighbours for a quarter of all new companies, and words
    shared by many names ("robotics") made unrelated companies look alike. Extra words on
    the longer side cost nothing ("Acme" ~ "Acme Widgets"); words run together or split
    ("BrivolaTensar") are compared without spaces too. The trigram similarity only selects
    the candidates (see `_ranked`).
    """
    typed, theirs = customer.core.split(), core.split()
    if not typed or not theirs:
        return 0.0
    if len(typed) < len(theirs):
        words = _cover(typed, theirs)
    elif len(typed) > len(theirs):
        words = _cover(theirs, typed)
    else:
        words = max(_cover(typed, theirs), _cover(theirs, typed))
    glued = _word_score(customer.core.replace(" ", ""), core.replace(" ", ""))
    return max(words, glued)


def _rank(
    customer: Customer, domain: str, core: str, similarity: float
) -> tuple[float, bool, bool]:
    """(score, matched on domain, strong) for one candidate."""
    if customer.domain and domain == customer.domain:
        return 1.0, True, True
    score = _name_score(customer, core, similarity)
    same_name = " ".join(sorted(core.split())) == customer.key
    # The same name under two different domains is two companies until a CAM says otherwise.
    different_sites = bool(customer.domain and domain and domain != customer.domain)
    return score, False, same_name and not different_sites


def _matching(customer: Customer, domain_field: str, core_field: str) -> Q:
    wanted = Q(pk__in=[])
    if customer.domain:
        wanted |= Q(**{domain_field: customer.domain})
    if customer.core:
        wanted |= Q(**{f"{core_field}__trigram_similar": customer.core})
    return wanted


def _ranked(queryset: QuerySet[Any], customer: Customer, domain_field: str, core_field: str) -> Any:
    exact = Case(
        When(**{domain_field: customer.domain or None}, then=Value(1)),
        default=Value(0),
        output_field=IntegerField(),
    )
    return (
        queryset.filter(_matching(customer, domain_field, core_field))
        .annotate(similarity=TrigramSimilarity(core_field, customer.core), exact=exact)
        .order_by("-exact", "-similarity")[:CANDIDATES]
    )


def _in_tenant(queryset: QuerySet[Any], tenant: Tenant) -> QuerySet[Any]:
    """The tenant condition the trigram indexes can use.

    They lead with `tenant_id::integer` (btree_gin), so that a name search reads only this
    tenant's entries. Not `tenant_id` itself: the scoped manager's `tenant_id = <id>` reaches
    PostgreSQL as an integer constant, and btree_gin's bigint operator class cannot compare a
    bigint column with an integer, so an index on the bare column would be searched for the
    name in every tenant (4.5 times the heap rechecks with 50 tenants; see bench/).
    """
    return queryset.alias(tenant_int=TENANT_INT).filter(tenant_int=tenant.pk)


def find_candidates(
    *,
    tenant: Tenant,
    customer: Customer,
    partner_id: int | None,
    exclude_deal_id: int | None = None,
) -> list[Candidate]:
    """Every claim and protected account that may be this customer, best first (two queries)."""
    if not customer.domain and not customer.core:
        return []
    claims = _in_tenant(Deal.objects.filter(tenant=tenant, holds_claim=True), tenant)
    if exclude_deal_id is not None:
        claims = claims.exclude(pk=exclude_deal_id)
    found: list[Candidate] = []
    for deal in _ranked(
        claims.only("id", "tenant_id", "partner_id", "customer_name", "customer_domain",
                    "customer_core", "status", "expires_at", "submitted_at"),
        customer, "customer_domain", "customer_core",
    ):  # fmt: skip
        score, on_domain, strong = _rank(
            customer, deal.customer_domain, deal.customer_core, deal.similarity
        )
        own = partner_id is not None and deal.partner_id == partner_id
        kind = DealMatch.Kind.OWN if own else DealMatch.Kind.REGISTRATION
        found.append(Candidate(kind, score, on_domain, strong, deal=deal))
    accounts = _in_tenant(ProtectedAccount.objects.filter(tenant=tenant), tenant)
    for account in _ranked(accounts, customer, "domain", "name_core"):
        score, on_domain, strong = _rank(
            customer, account.domain, account.name_core, account.similarity
        )
        found.append(Candidate(account.kind, score, on_domain, strong, account=account))
    found = [c for c in found if c.is_strong or c.score >= FLAG_SCORE]
    return sorted(found, key=lambda c: (not c.is_strong, -c.score))


def verdict_for(candidates: list[Candidate]) -> Verdict:
    """The one outcome the partner is shown, most serious first."""
    strong = [c for c in candidates if c.is_strong]

    def first(kind: str, among: list[Candidate]) -> Candidate | None:
        return next((c for c in among if c.kind == kind), None)

    if first(DealMatch.Kind.DIRECT, strong):
        return Verdict(Outcome.DIRECT, candidates=candidates)
    holder = first(DealMatch.Kind.REGISTRATION, strong)
    if holder is not None and holder.deal is not None:
        if holder.deal.status == Deal.Status.APPROVED:
            return Verdict(
                Outcome.PROTECTED, protected_until=holder.deal.expires_at, candidates=candidates
            )
        return Verdict(Outcome.PENDING, candidates=candidates)
    own = first(DealMatch.Kind.OWN, strong)
    if own is not None:
        return Verdict(Outcome.OWN, own_deal=own.deal, candidates=candidates)
    if first(DealMatch.Kind.CUSTOMER, strong):
        return Verdict(Outcome.CUSTOMER, candidates=candidates)
    if candidates:
        return Verdict(Outcome.POSSIBLE, candidates=candidates)
    return Verdict(Outcome.CLEAR)


def precheck(
    *, tenant: Tenant, name: str, website: str, partner_id: int, exclude_deal_id: int | None = None
) -> Verdict:
    """The conflict pre-check for a partner typing a registration."""
    customer = Customer.of(name, website)
    return verdict_for(
        find_candidates(
            tenant=tenant, customer=customer, partner_id=partner_id, exclude_deal_id=exclude_deal_id
        )
    )
