"""Where a webhook may be sent: http or https to a host whose every address is public.

The check runs at registration and again before every delivery, and the delivery connects to
the very address that was checked (the request keeps the URL's host in `Host` and, over TLS, in
SNI and the certificate check), so a name that resolves elsewhere by the time of sending (DNS
rebinding) cannot reach an internal service.
"""

import ipaddress
import socket
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as LookupTimeout
from dataclasses import dataclass

import httpx

RESOLVE_SECONDS = 2.0
_resolver = ThreadPoolExecutor(max_workers=4, thread_name_prefix="webhook-dns")


class TargetRefused(Exception):
    """The URL is not one webhooks may be sent to; the message says why."""


@dataclass(frozen=True)
class Target:
    """A URL and the checked address to connect to for it."""

    url: httpx.URL
    address: str

    def request_url(self) -> httpx.URL:
        """The URL with the checked address in place of the host name."""
        return self.url.copy_with(host=self.address)

    def request_headers(self) -> dict[str, str]:
        default_port = {"http": 80, "https": 443}[self.url.scheme]
        port = self.url.port
        host = self.url.host if ":" not in self.url.host else f"[{self.url.host}]"
        return {"Host": host if port in (None, default_port) else f"{host}:{port}"}

    def extensions(self) -> dict[str, str]:
        return {"sni_hostname": self.url.host} if self.url.scheme == "https" else {}


def check_url(url: str) -> httpx.URL:
    """An absolute http or https URL with a host and without credentials."""
    try:
        parsed = httpx.URL(url)
    except httpx.InvalidURL as error:
        raise TargetRefused(f"not a valid URL: {error}") from error
    if parsed.scheme not in ("http", "https"):
        raise TargetRefused("only http and https URLs can receive webhooks")
    if not parsed.host:
        raise TargetRefused("the URL has no host")
    if parsed.userinfo:
        raise TargetRefused("the URL must not carry a user name or password")
    return parsed


def is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def _addresses(host: str, port: int) -> list[str]:
    """Every address the host resolves to, within `RESOLVE_SECONDS`."""
    lookup = _resolver.submit(socket.getaddrinfo, host, port, type=socket.SOCK_STREAM)
    try:
        infos = lookup.result(timeout=RESOLVE_SECONDS)
    except LookupTimeout as error:
        raise TargetRefused(f"the host '{host}' did not resolve in time") from error
    except OSError as error:
        raise TargetRefused(f"the host '{host}' does not resolve") from error
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def resolve(url: str, *, allow_private: bool) -> Target:
    """The URL's target, or `TargetRefused` when it is malformed, does not resolve, or resolves
    to any private, loopback, link-local or otherwise non-public address (unless allowed)."""
    parsed = check_url(url)
    port = parsed.port or {"http": 80, "https": 443}[parsed.scheme]
    addresses = _addresses(parsed.host, port)
    if not addresses:
        raise TargetRefused(f"the host '{parsed.host}' does not resolve")
    if not allow_private:
        private = [address for address in addresses if not is_public(address)]
        if private:
            raise TargetRefused(
                f"the host '{parsed.host}' resolves to a private, loopback or link-local"
                f" address ({private[0]}); webhooks go to public addresses only"
            )
    return Target(parsed, addresses[0])
