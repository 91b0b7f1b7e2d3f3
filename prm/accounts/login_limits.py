"""Sign-in limits: failed attempts count per account and per network address and host.

`LOGIN_RATE_LIMIT` ("10/m/ip,5/5m/key") sets both. `key`: failures for one account (the email
typed), from anywhere. `ip`: failures from one network address (`client_ip.client_network`)
on one host, that is one tenant or the platform host; never across tenants. The rules:

- An account with too many recent failures is refused before its password is checked, even
  with the right one: it is under attack. Its owner waits, or resets the password (which clears
  the count, `forget_account`).
- A correct password for an account that is not itself locked always gets in, however many
  failures other people had from the same address (an office behind one NAT, a reseller's staff
  signing in to several vendors' portals). The address count only changes what a *failed*
  attempt is told: "too many attempts from your network".
- Nothing is counted before the password is checked, and the check before it only reads, so
  simultaneous correct sign-ins never wait for or refuse each other.

The authentication backend (`prm.accounts.backends`) calls `refuse_locked_account` and
`record_failure`; every sign-in page goes through it (allauth's on tenant hosts, the operator's
admin login on the platform host). allauth's own per-IP limits on signing in are switched off in
the settings, as they span every tenant. Counts live in the shared cache: the database cache,
across web processes, without Redis on the request path.
"""

import hashlib
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from prm.security.client_ip import client_network

ACCOUNT = "key"
ADDRESS = "ip"
UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}

ACCOUNT_LOCKED = _("Too many failed login attempts. Try again later.")
ADDRESS_LIMITED = _("Too many failed sign-in attempts from your network. Try again later.")

#: how long recording a failure waits for another request recording one for the same key
LOCK_WAIT_SECONDS = 1.0


@dataclass(frozen=True)
class Rate:
    """At most `amount` failures within `seconds`, counted per `per` (ACCOUNT or ADDRESS)."""

    amount: int
    seconds: int
    per: str


def parse_rates(spec: str) -> list[Rate]:
    """Read "10/m/ip,5/5m/key" (amount / [count]unit of s, m, h, d / ip or key)."""
    rates = []
    for part in filter(None, (p.strip() for p in spec.split(","))):
        try:
            amount, duration, per = part.split("/")
            seconds = int(duration[:-1] or 1) * UNITS[duration[-1]]
            rate = Rate(int(amount), seconds, per)
        except (ValueError, KeyError, IndexError):
            rate = None
        if rate is None or rate.per not in (ACCOUNT, ADDRESS) or rate.amount < 1:
            raise ImproperlyConfigured(
                f"LOGIN_RATE_LIMIT: cannot read {part!r}; write e.g. 10/m/ip,5/5m/key"
            )
        rates.append(rate)
    return rates


def login_of(credentials: dict[str, object]) -> str:
    """The account a sign-in attempt names (allauth sends `email`, Django's admin `username`)."""
    return str(credentials.get("email") or credentials.get("username") or "").strip().lower()


def refuse_locked_account(request: HttpRequest | None, login: str) -> None:
    """Raise `ValidationError` (ACCOUNT_LOCKED) when the account had too many recent failures.

    Only reads: a sign-in of an account that is not locked never waits here.
    """
    now = time.time()
    for rate in _rates(ACCOUNT):
        if len(_recent(_key(rate, request, login), rate, now)) >= rate.amount:
            raise ValidationError(ACCOUNT_LOCKED, code="too_many_login_attempts")


def record_failure(request: HttpRequest | None, login: str) -> None:
    """Count a failed attempt for the account and for the address on this host.

    Raises `ValidationError` (ADDRESS_LIMITED) when the address already had its allowance of
    failures on this host: the attempt failed either way, and the person is told to slow down.
    """
    now = time.time()
    address_over = False
    for rate in _rates():
        key = _key(rate, request, login)
        with _lock(key):
            history = _recent(key, rate, now)
            address_over |= rate.per == ADDRESS and len(history) >= rate.amount
            # The newest `amount` failures are all a sliding window needs.
            cache.set(key, [*history, now][-rate.amount :], rate.seconds)
    if address_over:
        raise ValidationError(ADDRESS_LIMITED, code="too_many_login_attempts")


def forget_account(login: str) -> None:
    """Clear an account's failures (its password was just reset by its owner)."""
    for rate in _rates(ACCOUNT):
        cache.delete(_key(rate, None, login))


def _rates(per: str | None = None) -> list[Rate]:
    return [r for r in parse_rates(settings.LOGIN_RATE_LIMIT) if per is None or r.per == per]


def _key(rate: Rate, request: HttpRequest | None, login: str) -> str:
    if rate.per == ACCOUNT:
        subject = f"account:{login}"
    else:
        tenant = getattr(request, "tenant", None)
        host = f"tenant:{tenant.pk}" if tenant is not None else "platform"
        address = client_network(request) if request is not None else ""
        subject = f"address:{host}:{address}"
    digest = hashlib.sha256(subject.encode()).hexdigest()
    return f"prm:signin:{rate.amount}/{rate.seconds}/{rate.per}:{digest}"


def _recent(key: str, rate: Rate, now: float) -> list[float]:
    return [t for t in cache.get(key) or [] if t > now - rate.seconds]


@contextmanager
def _lock(key: str) -> Iterator[None]:
    """Serialise the read-append-write of one key between requests (the cache has no atomic
    append). After LOCK_WAIT_SECONDS the failure is written anyway: a count that may lose a
    concurrent entry is better than a failure not counted at all."""
    lock = f"{key}:lock"
    deadline = time.monotonic() + LOCK_WAIT_SECONDS
    acquired = cache.add(lock, 1, timeout=10)
    while not acquired and time.monotonic() < deadline:
        time.sleep(0.01)
        acquired = cache.add(lock, 1, timeout=10)
    try:
        yield
    finally:
        if acquired:
            cache.delete(lock)
