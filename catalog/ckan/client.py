"""The one boundary to CKAN: ckanapi plus retries, backoff, write counting and secrecy.

Everything that talks to CKAN goes through :class:`CkanClient`, so retry policy, the count of
write calls (the idempotency proof: a no-change publish makes zero) and the rule that the API
token never appears in any message live in one place.

ckanapi turns an HTTP error into an exception without the status or headers, so a response
hook keeps the last response of each thread: that is how 429 ``Retry-After`` is honoured.
A 5xx on a write is "maybe done" (CKAN may have committed before failing, e.g. while indexing),
so writes are never blindly retried here: the caller re-reads and decides (see apply.py).
"""
from __future__ import annotations

import random
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Callable

import ckanapi
import requests

from catalog import __version__

READ_ACTIONS = {
    "package_search", "package_show", "organization_show", "organization_list", "status_show",
    "resource_show", "group_list", "license_list", "user_show",
}
RETRY_STATUSES = {429, 500, 502, 503, 504}


class CkanError(Exception):
    """A CKAN call failed for good; the text is safe to show (no token)."""

    def __init__(self, action: str, message: str, status: int | None = None, errors: Any = None):
        super().__init__(f"{action}: {message}")
        self.action, self.status, self.errors = action, status, errors


class MaybeDone(CkanError):
    """A write failed in a way that may have been applied (5xx, dropped connection)."""


@dataclass
class Stats:
    reads: int = 0
    writes: int = 0
    retries: int = 0
    by_action: dict[str, int] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def count(self, action: str) -> None:
        with self.lock:
            self.by_action[action] = self.by_action.get(action, 0) + 1
            if action in READ_ACTIONS:
                self.reads += 1
            else:
                self.writes += 1


class CkanClient:
    def __init__(self, url: str, token: str | None = None, *, retries: int = 5, backoff: float = 0.5,
                 max_backoff: float = 30.0, timeout: float = 120.0,
                 sleep: Callable[[float], None] = time.sleep):
        self.url = url.rstrip("/")
        self._token = token
        self.retries, self.backoff, self.max_backoff, self.timeout = retries, backoff, max_backoff, timeout
        self.sleep = sleep
        self.stats = Stats()
        self._local = threading.local()

    # -- plumbing -------------------------------------------------------------------------
    def _remote(self) -> ckanapi.RemoteCKAN:
        remote = getattr(self._local, "remote", None)
        if remote is None:
            session = requests.Session()
            session.hooks["response"].append(self._remember)
            remote = ckanapi.RemoteCKAN(self.url, apikey=self._token, session=session,
                                        user_agent=f"gdc-publisher/{__version__}")
            self._local.remote = remote
        return remote

    def _remember(self, response: requests.Response, *args: Any, **kwargs: Any) -> None:
        self._local.last = (response.status_code, response.headers.get("Retry-After"))

    def redact(self, text: str) -> str:
        return text.replace(self._token, "***") if self._token else text

    def _delay(self, attempt: int, retry_after: str | None) -> float:
        if retry_after:
            try:
                return min(float(retry_after), self.max_backoff)
            except ValueError:
                pass
        base = min(self.backoff * (2 ** attempt), self.max_backoff)
        return base / 2 + random.uniform(0, base / 2)  # "equal jitter": spread, never zero

    # -- the call -------------------------------------------------------------------------
    def call(self, action: str, data: dict[str, Any] | None = None, files: dict[str, Any] | None = None) -> Any:
        """Call ``action``; reads are retried, writes raise MaybeDone when the outcome is unknown."""
        is_read = action in READ_ACTIONS
        for attempt in range(self.retries + 1):
            self._local.last = (None, None)
            self.stats.count(action)
            try:
                if files:
                    for handle in files.values():
                        handle.seek(0)
                return self._remote().call_action(action, data or {}, files=files,
                                                  requests_kwargs={"timeout": self.timeout})
            except ckanapi.ValidationError as exc:
                raise CkanError(action, self.redact(_validation_text(exc.error_dict)), 409,
                                exc.error_dict) from None
            except ckanapi.NotFound as exc:
                raise CkanError(action, self.redact(f"not found {exc}"), 404) from None
            except ckanapi.NotAuthorized:
                raise CkanError(action, "not authorized: check CKAN_API_TOKEN and its user's rights", 403) from None
            except (requests.ConnectionError, requests.Timeout, ckanapi.CKANAPIError) as exc:
                status, retry_after = self._local.last
                retriable = status is None or status in RETRY_STATUSES
                unknown_outcome = status is None or status >= 500
                if not is_read and unknown_outcome:
                    raise MaybeDone(action, self.redact(_short(exc, status)), status) from None
                if not retriable or attempt == self.retries:
                    raise CkanError(action, self.redact(_short(exc, status)), status) from None
                with self.stats.lock:
                    self.stats.retries += 1
                self.sleep(self._delay(attempt, retry_after))
        raise AssertionError("unreachable")  # pragma: no cover

    def write_with_retry(self, action: str, data: dict[str, Any], *, done: Callable[[], Any | None],
                         files: dict[str, Any] | None = None) -> Any:
        """A write whose failure is re-checked: ``done()`` re-reads CKAN and returns the result
        if the write did happen. Retried with backoff until it succeeds or is seen done."""
        for attempt in range(self.retries + 1):
            try:
                return self.call(action, data, files=files)
            except MaybeDone as exc:
                status, retry_after = self._local.last
                self.sleep(self._delay(attempt, retry_after))
                result = done()
                if result is not None:
                    return result
                if attempt == self.retries:
                    raise CkanError(action, str(exc), exc.status) from None
                with self.stats.lock:
                    self.stats.retries += 1
        raise AssertionError("unreachable")  # pragma: no cover


def _short(exc: Exception, status: int | None) -> str:
    text = str(exc)
    if len(text) > 300:
        text = text[:300] + "…"
    return f"HTTP {status}: {text}" if status else f"connection failed: {text}"


def _validation_text(errors: Any) -> str:
    if not isinstance(errors, dict):
        return str(errors)
    parts = []
    for key, value in errors.items():
        if key == "__type":
            continue
        parts.append(f"{key}: {value}")
    return "validation error: " + "; ".join(parts)
