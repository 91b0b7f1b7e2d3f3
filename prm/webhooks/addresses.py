"""Where a webhook may be sent: http(s) URLs whose host resolves only to public addresses.

A webhook's URL is typed by a tenant's member and fetched by our servers, so it must not reach
our own network (server-side request forgery): loopback, private ranges, link-local (the cloud
metadata service at 169.254.169.254), carrier-grade NAT, multicast, reserved and unspecified
addresses, and IPv6 addresses that embed such an IPv4 address, are refused. The check that
counts is at send time (`resolve_public`, then the connection goes to the checked address
itself); the one when an endpoint is saved (`validate_url`) only says early what will fail.

`settings.WEBHOOKS_ALLOW_LOOPBACK` (development and the demo) lets 127.0.0.0/8 and ::1 through,
for a receiver on the developer's machine, and nothing else.
"""

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import SplitResult, urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

#: shared address space (RFC 6598): not private in the RFC 1918 sense, yet not on the internet
CGNAT = ipaddress.ip_network("100.64.0.0/10")
#: IPv4 embedded in IPv6 by translation (RFC 6052, 8215): their IPv4 part is what is reached
NAT64 = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))


class RefusedAddress(Exception):
    """The URL may not be fetched: its host is missing, unresolvable or not public."""


@dataclass(frozen=True)
class Target:
    """A URL taken apart, and the checked address to connect to."""

    scheme: str
    host: str
    port: int
    path: str
    address: str


def _embedded_ipv4(ip: IPAddress) -> ipaddress.IPv4Address | None:
    if not isinstance(ip, ipaddress.IPv6Address):
        return None
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if any(ip in net for net in NAT64):
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def loopback_allowed() -> bool:
    return bool(getattr(settings, "WEBHOOKS_ALLOW_LOOPBACK", False))


def is_public(ip: IPAddress, *, allow_loopback: bool = False) -> bool:
    """Whether `ip` may be connected to (`allow_loopback`: also 127.0.0.0/8 and ::1)."""
    embedded = _embedded_ipv4(ip)
    if embedded is not None:
        return is_public(embedded, allow_loopback=allow_loopback)
    if ip.is_loopback:
        return allow_loopback
    return not (
        ip.is_private
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
        or ip in CGNAT
        or (isinstance(ip, ipaddress.IPv6Address) and ip.is_site_local)
        or not ip.is_global
    )


def _split(url: str) -> SplitResult:
    if not isinstance(url, str) or any(ord(c) < 33 or ord(c) == 127 for c in url):
        raise RefusedAddress(_("Enter a URL without spaces or control characters."))
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise RefusedAddress(_("Use an http:// or https:// URL."))
    if not parts.hostname:
        raise RefusedAddress(_("The URL needs a host name."))
    if parts.username is not None or parts.password is not None:
        raise RefusedAddress(
            _("Leave the user name and password out of the URL: verify the signature instead.")
        )
    try:
        port = parts.port
    except ValueError:
        raise RefusedAddress(_("The port must be a number from 1 to 65535.")) from None
    if port is not None and not 1 <= port <= 65535:
        raise RefusedAddress(_("The port must be a number from 1 to 65535."))
    return parts


def _literal(host: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None


def validate_url(url: str) -> str:
    """The URL as it will be used, or a `ValidationError` saying what is wrong with it.

    Checked without resolving the host (a name's addresses may change before any send): the
    scheme, a host, no credentials, the port, and a host that is an address (or `localhost`)
    must be public. Sending checks the resolved addresses again.
    """
    url = url.strip()
    if len(url) > 2000:
        raise ValidationError(_("Keep the URL under 2,000 characters."))
    try:
        parts = _split(url)
    except RefusedAddress as exc:
        raise ValidationError(str(exc)) from None
    host = parts.hostname or ""
    allow = loopback_allowed()
    ip = _literal(host)
    if ip is not None and not is_public(ip, allow_loopback=allow):
        raise ValidationError(
            _(
                "%(host)s is a private, loopback or reserved address: webhooks go only to "
                "public addresses on the internet."
            )
            % {"host": host}
        )
    if ip is None and not allow and (host == "localhost" or host.endswith(".localhost")):
        raise ValidationError(
            _("%(host)s is this server itself: webhooks go only to public addresses.")
            % {"host": host}
        )
    return url


def resolve_public(url: str) -> Target:
    """Resolve the URL's host and check every address it has; the first is the one to use.

    Every address must be public (not only the first): a name answering with a public and a
    private address could otherwise be reached at the private one by the next lookup. The
    caller connects to `Target.address` itself, so a second lookup (DNS rebinding) cannot
    switch it. Raises `RefusedAddress`.
    """
    parts = _split(url)
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError) as exc:
        raise RefusedAddress(
            _("The host %(host)s could not be resolved (%(error)s).") % {"host": host, "error": exc}
        ) from None
    addresses: list[str] = []
    for _family, _type, _proto, _name, sockaddr in found:
        address = str(sockaddr[0]).split("%", 1)[0]  # an IPv6 zone ("fe80::1%eth0") is refused
        ip = _literal(address)
        if ip is None or not is_public(ip, allow_loopback=loopback_allowed()):
            raise RefusedAddress(
                _("%(host)s resolves to %(address)s, which is not a public address.")
                % {"host": host, "address": address}
            )
        addresses.append(str(sockaddr[0]))
    if not addresses:
        raise RefusedAddress(_("The host %(host)s has no address.") % {"host": host})
    path = parts.path or "/"
    if parts.query:
        path = f"{path}?{parts.query}"
    return Target(parts.scheme, host, port, path, addresses[0])
