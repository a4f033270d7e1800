"""Fixtures for tests against a real local CKAN (PostgreSQL, Redis, Solr, CKAN + scheming).

The session fixture runs ``devstack/ckan-stack.sh up`` (installs on the first run, a no-op when
the stack already runs) and leaves the stack running so the next run starts in seconds; set
``GDC_DEVSTACK_STOP=1`` to stop it at the end of the session.
"""
from __future__ import annotations

import contextlib
import os
import subprocess
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
STACK = REPO / "devstack" / "ckan-stack.sh"
STATE = Path(os.environ.get("GDC_DEVSTACK_DIR") or REPO / ".devstack")


@dataclass(frozen=True)
class CkanStack:
    url: str
    token: str = field(repr=False)  # never in assertion messages or logs
    state: Path = STATE
    repo: Path = REPO

    def client(self, token: str | None = None):
        import ckanapi

        return ckanapi.RemoteCKAN(self.url, apikey=self.token if token is None else token,
                                  user_agent="gdc-publisher-tests")

    def __getitem__(self, key: str) -> str:  # also usable as a dict: stack["url"]
        return getattr(self, key)


def _uncaptured(config: pytest.Config):
    """Lets the progress lines of a first (slow) `up` reach the terminal."""
    capman = config.pluginmanager.getplugin("capturemanager")
    return capman.global_and_fixture_disabled() if capman else contextlib.nullcontext()


def run_stack(*args: str, timeout: float = 900) -> subprocess.CompletedProcess:
    return subprocess.run([str(STACK), *args], cwd=REPO, capture_output=True, text=True,
                          timeout=timeout)


@pytest.fixture(scope="session")
def stack_cli():
    """Runs devstack/ckan-stack.sh with captured output: stack_cli("status")."""
    return run_stack


@pytest.fixture(scope="session")
def ckan_stack(pytestconfig: pytest.Config):
    with _uncaptured(pytestconfig):
        up = subprocess.run([str(STACK), "up"], cwd=REPO, timeout=1800)
    if up.returncode != 0:
        pytest.fail(f"devstack/ckan-stack.sh up failed (exit {up.returncode}); see its output above",
                    pytrace=False)
    env = run_stack("env")
    if env.returncode != 0:
        pytest.fail(f"devstack/ckan-stack.sh env failed: {env.stderr}", pytrace=False)
    values = {}
    for line in env.stdout.splitlines():
        if line.startswith("export ") and "=" in line:
            key, _, value = line[len("export "):].partition("=")
            values[key] = value
    stack = CkanStack(url=values["CKAN_URL"], token=values["CKAN_API_TOKEN"])
    yield stack
    if os.environ.get("GDC_DEVSTACK_STOP") == "1":
        with _uncaptured(pytestconfig):
            subprocess.run([str(STACK), "down"], cwd=REPO, timeout=300)


@pytest.fixture
def ckan(ckan_stack: CkanStack):
    """A ckanapi.RemoteCKAN client authenticated as the devstack sysadmin."""
    return ckan_stack.client()


@pytest.fixture
def unique() -> str:
    """A short unique suffix for CKAN names, so tests never collide with earlier runs."""
    return uuid.uuid4().hex[:10]


@pytest.fixture
def cleanup(ckan):
    """Register ("dataset" | "organization", id) pairs; they are purged after the test."""
    created: list[tuple[str, str]] = []
    yield created
    for kind, ident in reversed(created):
        with contextlib.suppress(Exception):
            getattr(ckan.action, f"{kind}_purge")(id=ident)
