"""Sending one signed webhook request: the signature, the pinned connection, the limits.

The signature (the same scheme as Stripe's): the header

    PRM-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>

where the body is the raw bytes received (compact JSON, UTF-8) and the secret the endpoint's
(`whsec_…`, the whole string is the key). A receiver recomputes the HMAC over the timestamp, a
dot and the raw body, compares it in constant time with `v1`, and refuses a timestamp too far
from its clock (five minutes, say) so that a captured request cannot be replayed later. Other
headers: `PRM-Event` (the event's name), `PRM-Delivery` (the delivery id, the same on every
attempt: a receiver keeps the ids it processed and drops a duplicate), `User-Agent:
PRM-Webhooks/1`, `Content-Type: application/json`.

The request goes only to the address `addresses.resolve_public` checked: the connection is made
to that address, with the URL's host in the `Host` header and, for https, in TLS's SNI and the
certificate check. Redirects are not followed (a 3xx is a failure). Connecting may take
`CONNECT_TIMEOUT` seconds, the whole request `TOTAL_TIMEOUT`; at most `MAX_RESPONSE` bytes of
the answer are read and `KEEP_RESPONSE` kept.
"""

import hashlib
import hmac
import http.client
import socket
import ssl
import time
from dataclasses import dataclass, field
from typing import Any

from .addresses import RefusedAddress, Target, resolve_public

CONNECT_TIMEOUT = 5.0
TOTAL_TIMEOUT = 10.0
MAX_REQUEST = 256 * 1024
MAX_RESPONSE = 64 * 1024
KEEP_RESPONSE = 4 * 1024
USER_AGENT = "PRM-Webhooks/1"


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The `PRM-Signature` header's value for `body` sent at `timestamp`."""
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={digest.hexdigest()}"


def verify(secret: str, header: str, body: bytes, *, tolerance: int = 300) -> bool:
    """What a receiver does (and the tests): the signature matches and is recent enough."""
    parts = dict(p.split("=", 1) for p in header.split(",") if "=" in p)
    try:
        timestamp = int(parts["t"])
    except (KeyError, ValueError):
        return False
    if abs(time.time() - timestamp) > tolerance:
        return False
    expected = sign(secret, timestamp, body).split("v1=", 1)[1]
    return hmac.compare_digest(expected, parts.get("v1", ""))


@dataclass
class Result:
    """What one attempt sent and got back."""

    request_headers: dict[str, str]
    status: int | None = None
    headers: dict[str, str] = field(default_factory=dict)
    body: str = ""
    error: str = ""
    duration_ms: int = 0

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300 and not self.error


class _Deadline:
    def __init__(self, seconds: float) -> None:
        self.end = time.monotonic() + seconds

    def left(self) -> float:
        left = self.end - time.monotonic()
        if left <= 0:
            raise TimeoutError(f"the whole request took longer than {TOTAL_TIMEOUT:g} s")
        return left


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """An HTTP connection to a checked address, whatever the host name resolves to now."""

    def __init__(self, target: Target, **kwargs: Any) -> None:
        super().__init__(target.host, target.port, **kwargs)
        self._address = target.address

    def _open(self) -> socket.socket:
        return socket.create_connection((self._address, self.port), self.timeout)

    def connect(self) -> None:
        self.sock = self._open()
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


class _PinnedHTTPSConnection(_PinnedHTTPConnection):
    """The same over TLS: SNI and the certificate check use the URL's host name."""

    default_port = http.client.HTTPS_PORT

    def __init__(self, target: Target, **kwargs: Any) -> None:
        super().__init__(target, **kwargs)
        self._context = ssl.create_default_context()

    def connect(self) -> None:
        sock = self._open()
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def post(url: str, *, body: bytes, headers: dict[str, str], secret: str) -> Result:
    """POST `body` to `url` (checked, pinned, signed now); never raises for the network."""
    timestamp = int(time.time())
    sent = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        **headers,
        "PRM-Signature": sign(secret, timestamp, body),
    }
    result = Result(request_headers=sent)
    started = time.monotonic()
    try:
        if len(body) > MAX_REQUEST:
            raise RefusedAddress(
                f"The payload is {len(body)} bytes, more than the {MAX_REQUEST} a webhook may "
                "carry: not sent."
            )
        target = resolve_public(url)
        _send(target, body, sent, result)
    except RefusedAddress as exc:
        result.error = str(exc)
    except (OSError, http.client.HTTPException, ssl.SSLError) as exc:
        result.error = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    result.duration_ms = int((time.monotonic() - started) * 1000)
    return result


def _send(target: Target, body: bytes, headers: dict[str, str], result: Result) -> None:
    deadline = _Deadline(TOTAL_TIMEOUT)
    cls = _PinnedHTTPSConnection if target.scheme == "https" else _PinnedHTTPConnection
    connection = cls(target, timeout=min(CONNECT_TIMEOUT, deadline.left()))
    try:
        connection.connect()
        # Kept: once the answer says "Connection: close", http.client lets go of its socket.
        sock = connection.sock
        assert sock is not None
        sock.settimeout(deadline.left())
        connection.request("POST", target.path, body=body, headers=headers)
        sock.settimeout(deadline.left())
        response = connection.getresponse()
        result.status = response.status
        result.headers = {k: v[:1000] for k, v in list(response.getheaders())[:100]}
        read = b""
        while len(read) < MAX_RESPONSE:
            sock.settimeout(deadline.left())
            chunk = response.read1(min(8192, MAX_RESPONSE - len(read)))
            if not chunk:
                break
            read += chunk
        result.body = read[:KEEP_RESPONSE].decode("utf-8", errors="replace")
    finally:
        connection.close()


def deliver(url: str, *, body: bytes, event: str, delivery_id: str, secret: str) -> Result:
    """Send one delivery (`post` with the event's and the delivery's headers)."""
    return post(
        url,
        body=body,
        secret=secret,
        headers={"PRM-Event": event, "PRM-Delivery": delivery_id},
    )
