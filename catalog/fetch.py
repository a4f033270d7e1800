"""Download a remote resource (``url:``) for validation, only when asked (``--fetch``).

Fetching runs on CI machines that can reach internal networks, so a manifest must not be a
way to make them request internal addresses: every hop (redirects are followed by hand) is
resolved and refused when it is private, loopback, link-local or reserved, unless the user
allows it. Size and time are capped; the body streams to a temporary file.
"""
from __future__ import annotations

import ipaddress
import socket
import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin, urlparse

import requests

from catalog import __version__

MAX_REDIRECTS = 5


@dataclass(frozen=True)
class FetchOptions:
    allow_private: bool = False
    max_bytes: int = 100 * 1024 * 1024
    timeout: float = 30.0


class FetchError(Exception):
    """Why a URL was not fetched: ``code`` names the finding, ``params`` fill its words."""

    def __init__(self, code: str, **params):
        super().__init__(code)
        self.code, self.params = code, params


def _check_host(url: str, options: FetchOptions) -> None:
    parsed = urlparse(url)
    if parsed.scheme not in ("http", "https") or not parsed.hostname:
        raise FetchError("FETCH_SCHEME", url=url)
    if options.allow_private:
        return
    try:
        infos = socket.getaddrinfo(parsed.hostname, parsed.port or (443 if parsed.scheme == "https" else 80))
    except socket.gaierror as exc:
        raise FetchError("FETCH_FAILED", url=url, reason=f"cannot resolve {parsed.hostname}: {exc}") from None
    for info in infos:
        address = ipaddress.ip_address(info[4][0].split("%")[0])
        if not address.is_global:
            raise FetchError("FETCH_PRIVATE_ADDRESS", url=url, host=parsed.hostname, address=str(address))


def download(url: str, options: FetchOptions, suffix: str = "") -> Path:
    """The body of ``url`` in a temporary file (the caller deletes it)."""
    session = requests.Session()
    headers = {"User-Agent": f"gdc-publisher/{__version__} (validation)"}
    for _ in range(MAX_REDIRECTS + 1):
        _check_host(url, options)
        try:
            response = session.get(url, headers=headers, stream=True, timeout=options.timeout,
                                   allow_redirects=False)
        except requests.RequestException as exc:
            raise FetchError("FETCH_FAILED", url=url, reason=str(exc)[:200]) from None
        if response.is_redirect:
            url = urljoin(url, response.headers.get("Location", ""))
            response.close()
            continue
        if response.status_code >= 400:
            raise FetchError("FETCH_FAILED", url=url, reason=f"HTTP {response.status_code}")
        return _save(response, url, options, suffix)
    raise FetchError("FETCH_FAILED", url=url, reason=f"more than {MAX_REDIRECTS} redirects")


def _save(response: requests.Response, url: str, options: FetchOptions, suffix: str) -> Path:
    declared = int(response.headers.get("Content-Length") or 0)
    if declared > options.max_bytes:
        raise FetchError("FETCH_TOO_LARGE", url=url, size=declared, limit=options.max_bytes)
    handle = tempfile.NamedTemporaryFile(prefix="gdc-fetch-", suffix=suffix, delete=False)
    size = 0
    with handle, response:
        for chunk in response.iter_content(1 << 16):
            size += len(chunk)
            if size > options.max_bytes:
                Path(handle.name).unlink(missing_ok=True)
                raise FetchError("FETCH_TOO_LARGE", url=url, size=size, limit=options.max_bytes)
            handle.write(chunk)
    return Path(handle.name)
