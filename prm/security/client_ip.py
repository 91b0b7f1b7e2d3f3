"""The client's network address, as the proxy in front of the web processes saw it.

One reading for everything that limits or records by address (sign-in limits, the partner
application limit, audit records): allauth's, configured by `ALLAUTH_TRUSTED_PROXY_COUNT` (the
number of proxies we run, counted from the right of X-Forwarded-For, so that a client cannot
choose its own address by sending the header) or `ALLAUTH_TRUSTED_CLIENT_IP_HEADER`. Production
trusts the one TLS proxy (`TRUSTED_PROXY_COUNT`); without it every visitor would have the proxy's
address, and share one sign-in limit.
"""

import ipaddress

from allauth.account.adapter import get_adapter
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.http import HttpRequest

#: IPv6 clients get a whole /64 each: limits count per network, not per address
IPV6_PREFIX = 64


def client_ip(request: HttpRequest) -> str | None:
    """The client's address, or None when there is none."""
    try:
        return str(get_adapter(request).get_client_ip(request))
    except (PermissionDenied, ImproperlyConfigured):
        # No address, or fewer forwarded hops than proxies configured (a request that did not
        # come through the proxy): the direct peer is all that is known.
        return request.META.get("REMOTE_ADDR") or None


def client_network(request: HttpRequest) -> str:
    """What limits count per: the client's IPv4 address or IPv6 /64 network ("" if unknown)."""
    ip = client_ip(request) or ""
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return ip
    if isinstance(address, ipaddress.IPv6Address):
        return str(ipaddress.IPv6Network(f"{address}/{IPV6_PREFIX}", strict=False).network_address)
    return ip
