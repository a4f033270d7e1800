"""A real local CKAN stack for tests and demos: PostgreSQL, Redis, Apache Solr, CKAN (gunicorn).

Entry point is ``devstack/ckan-stack.sh {up|down|env|status}``; this module does the work and
uses only the standard library, so it runs with the project's Python on a fresh machine.

Everything lives in one state folder (``GDC_DEVSTACK_DIR``, default ``<repo>/.devstack``) and
binds 127.0.0.1 only. Every process is started by us, recorded by PID, checked by PID + working
directory before any signal, and stopped by PID (never by name).
"""

from __future__ import annotations

import contextlib
import fcntl
import glob
import hashlib
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

# ---------------------------------------------------------------------------- settings

REPO = Path(__file__).resolve().parent.parent
DEVSTACK = REPO / "devstack"
STATE = Path(os.environ.get("GDC_DEVSTACK_DIR") or REPO / ".devstack").resolve()

PORTS = {
    "ckan": int(os.environ.get("GDC_CKAN_PORT", "5055")),
    "solr": int(os.environ.get("GDC_SOLR_PORT", "8985")),
    "postgres": int(os.environ.get("GDC_PG_PORT", "54329")),
    "redis": int(os.environ.get("GDC_REDIS_PORT", "63799")),
}
CKAN_WORKERS = int(os.environ.get("GDC_CKAN_WORKERS", "2"))
READY_TIMEOUT = float(os.environ.get("GDC_DEVSTACK_TIMEOUT", "120"))
SOLR_HEAP = os.environ.get("GDC_SOLR_HEAP", "384m")

# What gets installed. Changing any of these re-runs pip / mvn on the next `up`.
CKAN_PIP_SPEC = [
    "ckan[requirements]==2.11.6",
    "ckanext-scheming==3.1.0",
    "ckanext-hierarchy==1.2.0",
    "gunicorn==23.0.0",
]
APT_PACKAGES = ["postgresql", "redis-server", "gcc", "libpq-dev", "python3-dev", "libmagic1"]
CKAN_PLUGINS = "activity scheming_datasets hierarchy_display hierarchy_form"
# The project's own CKAN extension (thai_gdc's validator changes), loaded when present.
PROJECT_EXT_DIR = DEVSTACK / "ckanext-gdc"
PROJECT_EXT_PLUGIN = "gdc_datagoth"
ADMIN_USER = "devstack_admin"
SCHEMA_MODULE = "catalog.profile.scheming"
FALLBACK_SCHEMA = "ckanext.scheming:ckan_dataset.yaml"

REDIS_DIR = STATE / "redis"
SOLR_DIR = STATE / "solr"
CKAN_DIR = STATE / "ckan"
VENV = CKAN_DIR / "venv"
CKAN_INI = CKAN_DIR / "ckan.ini"
TOKEN_FILE = STATE / "ckan_api_token"
SCHEMA_FILE = STATE / "datagoth_scheming.yaml"
M2_REPO = Path(os.environ.get("GDC_DEVSTACK_M2") or STATE / "m2").resolve()


def say(msg: str) -> None:
    print(f"[ckan-stack] {msg}", flush=True)


class StackError(Exception):
    pass


def fail(msg: str, log: Path | None = None, lines: int = 40) -> None:
    if log is not None and log.exists():
        tail = log.read_text(errors="replace").splitlines()[-lines:]
        msg += f"\n--- last {len(tail)} lines of {log} ---\n" + "\n".join(tail)
    raise StackError(msg)


def run(cmd: list[str], *, log: Path | None = None, cwd: Path | None = None,
        env: dict | None = None, check: bool = True, input: str | None = None,
        capture: bool = False) -> subprocess.CompletedProcess:
    """Run a command; output goes to `log` (appended) unless captured. Raises on failure."""
    full_env = dict(os.environ, **(env or {}))
    if capture:
        res = subprocess.run(cmd, cwd=cwd, env=full_env, input=input, text=True,
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    else:
        out = open(log, "a") if log else subprocess.DEVNULL
        try:
            if log:
                out.write(f"\n$ {' '.join(cmd)}\n")
                out.flush()
            res = subprocess.run(cmd, cwd=cwd, env=full_env, input=input, text=True,
                                 stdout=out, stderr=subprocess.STDOUT)
        finally:
            if log:
                out.close()
    if check and res.returncode != 0:
        detail = f"command failed (exit {res.returncode}): {' '.join(cmd[:4])} ..."
        if capture:
            fail(detail + "\n" + res.stdout[-3000:])
        fail(detail, log)
    return res


def write_private(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(text)
    os.chmod(path, 0o600)


def write_if_changed(path: Path, text: str) -> bool:
    if path.exists() and path.read_text() == text:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(text)
    tmp.replace(path)
    return True


def digest(*parts: str | bytes) -> str:
    h = hashlib.sha256()
    for p in parts:
        h.update(p.encode() if isinstance(p, str) else p)
        h.update(b"\0")
    return h.hexdigest()[:16]


# ---------------------------------------------------------------------------- processes

def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # a zombie is not alive
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        return stat.rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def _pid_is_ours(pid: int, workdir: Path) -> bool:
    """A PID from a pidfile only counts if that process still runs in our state folder
    (guards against PID reuse after a reboot or a crash)."""
    if not _pid_alive(pid):
        return False
    try:
        cwd = os.readlink(f"/proc/{pid}/cwd")
    except OSError:
        return False
    return cwd == str(workdir) or cwd.startswith(str(workdir) + "/")


def read_pid(pidfile: Path) -> int | None:
    try:
        return int(pidfile.read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def rss_mb(pid: int) -> float:
    """RSS of a process and all its descendants (gunicorn workers, postgres backends)."""
    total = 0
    pids = [pid]
    seen = set()
    while pids:
        p = pids.pop()
        if p in seen:
            continue
        seen.add(p)
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
            children = Path(f"/proc/{p}/task/{p}/children").read_text().split()
            pids.extend(int(c) for c in children)
        except OSError:
            pass
    return total / 1024


def port_open(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) == 0


def http_get(url: str, headers: dict | None = None, timeout: float = 5) -> tuple[int, bytes]:
    req = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()
    except (urllib.error.URLError, OSError):
        return 0, b""


def wait_until(check, what: str, log: Path, pid_fn=None, timeout: float = READY_TIMEOUT) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        if pid_fn is not None and pid_fn() is None:
            fail(f"{what} exited during start-up", log)
        time.sleep(0.25)
    fail(f"{what} not ready after {timeout:.0f} s", log)


class Service:
    """A process we start in the background and track by pidfile."""

    def __init__(self, name: str, workdir: Path, port: int, cmd_hint: str):
        self.name, self.workdir, self.port, self.cmd_hint = name, workdir, port, cmd_hint
        self.pidfile = workdir / f"{name}.pid"
        self.log = workdir / f"{name}.log"
        self.stamp = workdir / f"{name}.running-config"

    def pid(self) -> int | None:
        pid = read_pid(self.pidfile)
        return pid if pid and _pid_is_ours(pid, self.workdir) else None

    def is_current(self, fingerprint: str, healthy=None) -> bool:
        """True if our process runs with this configuration (and answers, if `healthy` given).
        A process that runs but does not answer is stopped so that it gets restarted."""
        if self.pid() is None or not self.stamp.exists() or self.stamp.read_text() != fingerprint:
            return False
        if healthy is None or healthy(self.port):
            return True
        time.sleep(2)  # may be busy; one more chance before a restart
        if healthy(self.port):
            return True
        say(f"{self.name} (pid {self.pid()}) runs but does not answer on port {self.port}; restarting")
        self.stop()
        return False

    def stray_pids(self) -> list[int]:
        """Leftovers of an earlier run of this service (e.g. gunicorn workers whose master was
        killed): processes running in this service's folder of our state folder whose command
        line names the service's program. Never anything outside the state folder."""
        found = []
        for entry in os.listdir("/proc"):
            if not entry.isdigit() or int(entry) == os.getpid():
                continue
            try:
                if os.readlink(f"/proc/{entry}/cwd") != str(self.workdir):
                    continue
                cmdline = Path(f"/proc/{entry}/cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            if any(self.cmd_hint.encode() in arg for arg in cmdline[:2]) and _pid_alive(int(entry)):
                found.append(int(entry))
        return found

    def reap_strays(self) -> None:
        strays = self.stray_pids()
        if not strays:
            return
        say(f"stopping leftover {self.name} processes {strays}")
        for pid in strays:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + 10
        while any(_pid_alive(p) for p in strays) and time.monotonic() < deadline:
            time.sleep(0.1)
        for pid in strays:
            if _pid_alive(pid):
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)

    def check_port_free(self) -> None:
        if port_open(self.port):
            self.reap_strays()
            time.sleep(0.2)
        if port_open(self.port):
            raise StackError(
                f"port {self.port} (for {self.name}) is already used by a process that is not "
                f"this stack's (state {STATE}). Stop it, or pick another port with "
                f"GDC_{'PG' if self.name == 'postgres' else self.name.upper()}_PORT.")

    def spawn(self, cmd: list[str], env: dict | None = None, write_pid: bool = True) -> int:
        self.check_port_free()
        self.workdir.mkdir(parents=True, exist_ok=True)
        with open(self.log, "a") as out:
            out.write(f"\n==== {time.strftime('%Y-%m-%d %H:%M:%S')} starting {self.name}\n")
            out.flush()
            proc = subprocess.Popen(cmd, cwd=self.workdir, stdin=subprocess.DEVNULL, stdout=out,
                                    stderr=subprocess.STDOUT, start_new_session=True,
                                    env=dict(os.environ, **(env or {})))
        if write_pid:
            self.pidfile.write_text(f"{proc.pid}\n")
        return proc.pid

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 30) -> int | None:
        pid = self.pid()
        if pid is None:
            self.stamp.unlink(missing_ok=True)
            self.reap_strays()
            return None
        os.kill(pid, sig)
        deadline = time.monotonic() + timeout
        while _pid_alive(pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        if _pid_alive(pid):
            say(f"{self.name} (pid {pid}) did not stop in {timeout:.0f} s; sending SIGKILL")
            os.kill(pid, signal.SIGKILL)
            while _pid_alive(pid):
                time.sleep(0.1)
        self.stamp.unlink(missing_ok=True)
        if self.name != "postgres":  # postgres removes its own postmaster.pid
            self.pidfile.unlink(missing_ok=True)
        self.reap_strays()
        return pid


def services() -> dict[str, Service]:
    PG_DIR = pg_dir()
    pg = Service("postgres", PG_DIR / "data", PORTS["postgres"], "postgres")
    pg.pidfile = PG_DIR / "data" / "postmaster.pid"
    pg.log = PG_DIR / "postgres.log"
    pg.stamp = PG_DIR / "postgres.running-config"
    return {
        "postgres": pg,
        "redis": Service("redis", REDIS_DIR, PORTS["redis"], "redis-server"),
        "solr": Service("solr", SOLR_DIR, PORTS["solr"], "java"),
        "ckan": Service("ckan", CKAN_DIR, PORTS["ckan"], str(VENV / "bin")),
    }


# ---------------------------------------------------------------------------- install

def dpkg_missing(packages: list[str]) -> list[str]:
    if not shutil.which("dpkg-query"):
        return []
    missing = []
    for pkg in packages:
        res = subprocess.run(["dpkg-query", "-W", "-f=${Status}", pkg], text=True,
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        if "install ok installed" not in res.stdout:
            missing.append(pkg)
    return missing


def ensure_system_packages() -> None:
    wanted = list(APT_PACKAGES)
    if not shutil.which("java") or not shutil.which("javac"):
        wanted.append("openjdk-17-jdk-headless")
    if not shutil.which("mvn"):
        wanted.append("maven")
    try:  # the CKAN virtualenv needs ensurepip (Debian's python3 splits it into python3-venv)
        subprocess.run([sys.executable, "-c", "import ensurepip, venv"], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    except subprocess.CalledProcessError:
        wanted.append("python3-venv")
    missing = dpkg_missing(wanted)
    if not missing:
        return
    if os.geteuid() != 0:
        raise StackError(f"missing system packages {missing}; install them (needs root): "
                         f"apt-get install -y --no-upgrade {' '.join(missing)}")
    log = STATE / "apt.log"
    env = {"DEBIAN_FRONTEND": "noninteractive"}
    install = ["apt-get", "install", "-y", "--no-upgrade", "--no-install-recommends", *missing]
    lists = glob.glob("/var/lib/apt/lists/*_Packages*")
    if not lists:
        say("apt-get update (first run)")
        run(["apt-get", "update"], log=log, env=env)
    say(f"apt-get install {' '.join(missing)} (first run)")
    if run(install, log=log, env=env, check=False).returncode != 0:
        say("apt-get install failed; apt-get update and retry")
        run(["apt-get", "update"], log=log, env=env)
        run(install, log=log, env=env)


def pg_bin(tool: str) -> str:
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{tool}"),
                        key=lambda p: int(p.split("/")[4]) if p.split("/")[4].isdigit() else 0)
    if candidates:
        return candidates[-1]
    found = shutil.which(tool)
    if not found:
        raise StackError(f"PostgreSQL tool {tool} not found (is the postgresql package installed?)")
    return found


def ckan_bin(tool: str) -> str:
    return str(VENV / "bin" / tool)


def ckan_installed() -> bool:
    stamp = CKAN_DIR / "venv.installed"
    return stamp.exists() and stamp.read_text() == digest(sys.version, *CKAN_PIP_SPEC) and \
        (VENV / "bin" / "ckan").exists()


def install_ckan() -> None:
    """pip-installs CKAN into its own venv unless the stamp says it is done."""
    stamp = CKAN_DIR / "venv.installed"
    want = digest(sys.version, *CKAN_PIP_SPEC)
    if ckan_installed():
        return
    CKAN_DIR.mkdir(parents=True, exist_ok=True)
    log = CKAN_DIR / "install.log"
    what = "requirements changed" if stamp.exists() else "first run, ~1 min"
    say(f"installing CKAN into {VENV} ({what})")
    t0 = time.monotonic()
    python_id = CKAN_DIR / "venv.python"
    if python_id.exists() and python_id.read_text() != sys.version:
        shutil.rmtree(VENV, ignore_errors=True)  # made by another Python: start over
    if not (VENV / "bin" / "python").exists():
        run([sys.executable, "-m", "venv", str(VENV)], log=log)
        python_id.write_text(sys.version)
    run([str(VENV / "bin" / "pip"), "install", "-q", "--disable-pip-version-check", *CKAN_PIP_SPEC],
        log=log)
    stamp.write_text(want)
    say(f"CKAN installed in {time.monotonic() - t0:.0f} s")
    return None


def install_project_extension() -> bool:
    """pip-installs devstack/ckanext-gdc into the CKAN venv (again whenever its files change).
    Returns whether the extension is available."""
    stamp = CKAN_DIR / "ckanext-gdc.installed"
    if not (PROJECT_EXT_DIR / "pyproject.toml").exists():
        if stamp.exists():
            run([str(VENV / "bin" / "pip"), "uninstall", "-y", "-q", "ckanext-gdc-datagoth"],
                log=CKAN_DIR / "install.log", check=False)
            stamp.unlink()
        return False
    files = sorted(f for f in PROJECT_EXT_DIR.rglob("*") if f.is_file() and
                   not ({"build", "__pycache__"} & set(f.relative_to(PROJECT_EXT_DIR).parts))
                   and ".egg-info" not in str(f))
    want = digest(*[x for f in files for x in (str(f.relative_to(PROJECT_EXT_DIR)), f.read_bytes())])
    if stamp.exists() and stamp.read_text() == want:
        return True
    say(f"installing {PROJECT_EXT_DIR.relative_to(REPO)} into the CKAN venv")
    with tempfile.TemporaryDirectory(dir=STATE) as tmp:  # build outside the repo
        src = Path(tmp) / "src"
        shutil.copytree(PROJECT_EXT_DIR, src, ignore=shutil.ignore_patterns(
            "build", "__pycache__", "*.egg-info"))
        run([str(VENV / "bin" / "pip"), "install", "-q", "--no-deps", str(src)],
            log=CKAN_DIR / "install.log")
    stamp.write_text(want)
    return True


def solr_sources_digest() -> str:
    """What the Maven build depends on (pom + Java sources; not the Solr conf files)."""
    root = DEVSTACK / "solr"
    files = [root / "pom.xml", *sorted((root / "src").rglob("*.java"))]
    parts = []
    for f in files:
        parts += [str(f.relative_to(root)), f.read_bytes()]
    return digest(*parts)


def start_solr_build() -> subprocess.Popen | None:
    """Starts the Maven build of the Solr runner in the background if needed."""
    stamp = SOLR_DIR / "build.installed"
    if stamp.exists() and stamp.read_text() == solr_sources_digest() and \
            (SOLR_DIR / "lib").is_dir() and (SOLR_DIR / "devsolr.jar").exists():
        return None
    SOLR_DIR.mkdir(parents=True, exist_ok=True)
    say(f"building Apache Solr runner with Maven into {SOLR_DIR} (first run, ~1 min)")
    shutil.rmtree(SOLR_DIR / "lib", ignore_errors=True)
    log = open(SOLR_DIR / "build.log", "w")
    cmd = ["mvn", "-q", "-B", f"-Dmaven.repo.local={M2_REPO}",
           f"-Ddevstack.build.dir={SOLR_DIR / 'build'}", "-DskipTests",
           "package", "dependency:copy-dependencies", f"-DoutputDirectory={SOLR_DIR / 'lib'}",
           "-DincludeScope=runtime"]
    proc = subprocess.Popen(cmd, cwd=DEVSTACK / "solr", stdout=log, stderr=subprocess.STDOUT,
                            stdin=subprocess.DEVNULL)
    proc.t0 = time.monotonic()  # type: ignore[attr-defined]
    return proc


def finish_solr_build(proc: subprocess.Popen | None) -> None:
    if proc is None:
        return
    rc = proc.wait()
    if rc != 0:
        fail("Maven build of the Solr runner failed", SOLR_DIR / "build.log")
    shutil.copy2(SOLR_DIR / "build" / "devsolr.jar", SOLR_DIR / "devsolr.jar")
    (SOLR_DIR / "build.installed").write_text(solr_sources_digest())
    say(f"Solr runner built in {time.monotonic() - proc.t0:.0f} s")  # type: ignore[attr-defined]


# ---------------------------------------------------------------------------- postgres

def _as_postgres(cmd: list[str]) -> list[str]:
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *cmd]
    return cmd


def pg_dir() -> Path:
    """The PostgreSQL folder: <state>/pg, or where that symlink points (see prepare_pg_dir)."""
    return (STATE / "pg").resolve()


def prepare_pg_dir() -> None:
    """PostgreSQL runs as user postgres, which must be able to reach <state>/pg. When the state
    folder sits under a folder postgres cannot enter (e.g. /root), the cluster goes to postgres's
    home instead and <state>/pg becomes a symlink to it."""
    link = STATE / "pg"
    if link.exists() or link.is_symlink() or os.geteuid() != 0:
        return
    if subprocess.run(["runuser", "-u", "postgres", "--", "test", "-x", str(STATE)],
                      stderr=subprocess.DEVNULL).returncode == 0:
        return
    home = Path(os.path.expanduser("~postgres"))
    target = home / f"gdc-devstack-{digest(str(STATE))[:10]}"
    say(f"user postgres cannot enter {STATE}; keeping the cluster in {target} (symlink {link})")
    target.mkdir(parents=True, exist_ok=True)
    shutil.chown(target, "postgres", "postgres")
    link.symlink_to(target)


def ensure_postgres(svc: Service) -> None:
    prepare_pg_dir()
    PG_DIR = pg_dir()
    svc.workdir = PG_DIR / "data"  # resolved (the symlink case)
    data = PG_DIR / "data"
    run_dir = PG_DIR / "run"
    log = PG_DIR / "postgres.log"
    if not (data / "PG_VERSION").exists():
        say(f"initdb PostgreSQL cluster in {data}")
        PG_DIR.mkdir(parents=True, exist_ok=True)
        shutil.rmtree(data, ignore_errors=True)
        data.mkdir(mode=0o700)
        run_dir.mkdir(exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(data, "postgres", "postgres")
            shutil.chown(run_dir, "postgres", "postgres")
            shutil.chown(PG_DIR, "postgres", "postgres")
        run(_as_postgres([pg_bin("initdb"), "-D", str(data), "-U", "postgres", "--auth=trust",
                          "-E", "UTF8", "--locale=C.UTF-8"]), log=PG_DIR / "initdb.log")
        with open(data / "postgresql.conf", "a") as f:
            f.write("\n# gdc-publisher devstack: local, disposable, fast\n"
                    "listen_addresses = '127.0.0.1'\n"
                    f"unix_socket_directories = '{run_dir}'\n"
                    "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n"
                    "max_connections = 50\nshared_buffers = 32MB\n")
    fingerprint = digest("pg", str(svc.port))
    if svc.is_current(fingerprint):
        return
    if svc.pid() is not None:
        say("restarting PostgreSQL (settings changed)")
        svc.stop(signal.SIGINT)
    svc.check_port_free()
    say(f"starting PostgreSQL on 127.0.0.1:{svc.port}")
    if os.geteuid() == 0:
        Path(log).touch()
        shutil.chown(log, "postgres", "postgres")
    run(_as_postgres([pg_bin("pg_ctl"), "-D", str(data), "-l", str(log), "-w", "-t", "60",
                      "-o", f"-p {svc.port}", "start"]), log=PG_DIR / "pg_ctl.log")
    if svc.pid() is None:
        fail("PostgreSQL did not start", log)
    svc.stamp.write_text(fingerprint)
    psql = [pg_bin("psql"), "-h", "127.0.0.1", "-p", str(svc.port), "-U", "postgres", "-qtA",
            "-v", "ON_ERROR_STOP=1"]
    exists = run([*psql, "-c", "SELECT 1 FROM pg_database WHERE datname='ckan'"],
                 capture=True).stdout.strip()
    if exists != "1":
        run([*psql, "-c", "CREATE ROLE ckan LOGIN"], capture=True, check=False)
        run([*psql, "-c", "CREATE DATABASE ckan OWNER ckan ENCODING 'UTF8' TEMPLATE template0"],
            capture=True)


# ---------------------------------------------------------------------------- redis

def redis_ping(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
            s.sendall(b"PING\r\n")
            return s.recv(64).startswith(b"+PONG")
    except OSError:
        return False


def ensure_redis(svc: Service) -> None:
    server = shutil.which("redis-server") or "/usr/bin/redis-server"
    cmd = [server, "--bind", "127.0.0.1", "--port", str(svc.port), "--daemonize", "no",
           "--pidfile", str(svc.pidfile), "--dir", str(REDIS_DIR), "--save", "",
           "--appendonly", "no", "--protected-mode", "yes", "--maxmemory", "128mb",
           "--logfile", ""]
    fingerprint = digest(*cmd)
    if svc.is_current(fingerprint, redis_ping):
        return
    if svc.pid() is not None:
        svc.stop()
    say(f"starting Redis on 127.0.0.1:{svc.port}")
    pid = svc.spawn(cmd)
    wait_until(lambda: redis_ping(svc.port), "Redis", svc.log,
               pid_fn=lambda: pid if _pid_alive(pid) else None, timeout=30)
    svc.pidfile.write_text(f"{pid}\n")
    svc.stamp.write_text(fingerprint)


# ---------------------------------------------------------------------------- solr

def ensure_solr_home() -> bool:
    """Writes the Solr home (solr.xml + the 'ckan' core with CKAN's own schema.xml).
    Returns True if anything changed."""
    home = SOLR_DIR / "home"
    conf = home / "ckan" / "conf"
    conf.mkdir(parents=True, exist_ok=True)
    schema = VENV / "lib" / f"python{sys.version_info[0]}.{sys.version_info[1]}" / \
        "site-packages" / "ckan" / "config" / "solr" / "schema.xml"
    if not schema.exists():
        found = glob.glob(str(VENV / "lib" / "python3*" / "site-packages" / "ckan" / "config" /
                               "solr" / "schema.xml"))
        if not found:
            raise StackError(f"CKAN's Solr schema not found in {VENV}")
        schema = Path(found[0])
    src = DEVSTACK / "solr" / "conf"
    changed = False
    changed |= write_if_changed(home / "solr.xml", (src / "solr.xml").read_text())
    changed |= write_if_changed(conf / "solrconfig.xml", (src / "solrconfig.xml").read_text())
    changed |= write_if_changed(conf / "schema.xml", schema.read_text())
    for name in ("protwords.txt", "synonyms.txt", "stopwords.txt"):
        changed |= write_if_changed(conf / name, "")
    changed |= write_if_changed(home / "ckan" / "core.properties", "name=ckan\n")
    return changed


def solr_ready(port: int) -> bool:
    code, body = http_get(f"http://127.0.0.1:{port}/solr/ckan/admin/ping?wt=json", timeout=2)
    return code == 200 and b'"OK"' in body


def ensure_solr(svc: Service, wait: bool = True):
    """Starts Solr unless it already runs with this configuration. With wait=False it returns
    a function that waits for readiness, so CKAN's own start-up steps can run meanwhile."""
    ensure_solr_home()
    cp = f"{SOLR_DIR / 'devsolr.jar'}:{SOLR_DIR / 'lib'}/*"
    cmd = ["java", f"-Xmx{SOLR_HEAP}", "-Xms64m", "-XX:+UseSerialGC", "-Xss512k",
           "-XX:TieredStopAtLevel=1", f"-Dsolr.log.dir={SOLR_DIR}",
           f"-Dlog4j2.configurationFile={DEVSTACK / 'solr' / 'conf' / 'log4j2.xml'}",
           "-Dsolr.install.dir=" + str(SOLR_DIR), "-Djava.awt.headless=true",
           "-cp", cp, "th.go.gdc.devstack.DevSolr", str(SOLR_DIR / "home"), str(svc.port)]
    home_digest = digest(*[p.read_bytes() for p in sorted((SOLR_DIR / "home").rglob("*"))
                           if p.is_file() and "data" not in p.relative_to(SOLR_DIR / "home").parts])
    log_conf = (DEVSTACK / "solr" / "conf" / "log4j2.xml").read_bytes()
    fingerprint = digest(*cmd, home_digest, log_conf, (SOLR_DIR / "build.installed").read_text())
    if svc.is_current(fingerprint, solr_ready):
        return lambda: None
    if svc.pid() is not None:
        say("restarting Solr (configuration changed)")
        svc.stop()
    say(f"starting Apache Solr on 127.0.0.1:{svc.port}")
    svc.spawn(cmd)

    def wait_ready() -> None:
        wait_until(lambda: solr_ready(svc.port), "Solr", svc.log, pid_fn=svc.pid)
        svc.stamp.write_text(fingerprint)

    if wait:
        wait_ready()
    return wait_ready


# ---------------------------------------------------------------------------- ckan

def generate_schema() -> str:
    """Regenerates the data.go.th scheming schema with the project's Python if the project
    provides the generator; returns the value for `scheming.dataset_schemas`.
    GDC_SCHEMING_SCHEMA (e.g. ckanext.scheming:ckan_dataset.yaml) overrides both."""
    if os.environ.get("GDC_SCHEMING_SCHEMA"):
        return os.environ["GDC_SCHEMING_SCHEMA"]
    module_file = REPO / Path(*SCHEMA_MODULE.split(".")).with_suffix(".py")
    if not module_file.exists():
        return FALLBACK_SCHEMA
    python = os.environ.get("GDC_PYTHON") or sys.executable
    with tempfile.TemporaryDirectory(dir=STATE) as tmp:
        out = Path(tmp) / SCHEMA_FILE.name
        res = subprocess.run([python, "-m", SCHEMA_MODULE, str(out)], cwd=REPO, text=True,
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        if res.returncode != 0 or not out.exists():
            fail(f"`{python} -m {SCHEMA_MODULE} {out}` failed (exit {res.returncode}):\n"
                 + res.stdout[-3000:])
        if write_if_changed(SCHEMA_FILE, out.read_text()):
            say(f"scheming schema regenerated: {SCHEMA_FILE}")
    return SCHEMA_FILE.as_uri()


def ini_set(text: str, section: str, values: dict[str, str]) -> str:
    """Sets keys inside one [section] of an ini text, keeping everything else as generated."""
    lines = text.splitlines()
    start = next(i for i, l in enumerate(lines) if l.strip() == f"[{section}]")
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("[")), len(lines))
    remaining = dict(values)
    for i in range(start + 1, end):
        m = re.match(r"^\s*#?\s*([A-Za-z0-9_.\-]+)\s*=", lines[i])
        if m and m.group(1) in remaining:
            key = m.group(1)
            lines[i] = f"{key} = {remaining.pop(key)}"
    insert = [f"{k} = {v}" for k, v in remaining.items()]
    lines[end:end] = insert
    return "\n".join(lines) + "\n"


def ensure_ckan_config(schemas: str, plugins: str) -> None:
    log = CKAN_DIR / "bootstrap.log"
    if not CKAN_INI.exists():
        run([ckan_bin("ckan"), "generate", "config", str(CKAN_INI)], log=log, cwd=CKAN_DIR)
    storage = CKAN_DIR / "storage"
    storage.mkdir(exist_ok=True)
    text = ini_set(CKAN_INI.read_text(), "app:main", {
        "sqlalchemy.url": f"postgresql://ckan@127.0.0.1:{PORTS['postgres']}/ckan",
        "ckan.site_url": f"http://127.0.0.1:{PORTS['ckan']}",
        "solr_url": f"http://127.0.0.1:{PORTS['solr']}/solr/ckan",
        "ckan.redis.url": f"redis://127.0.0.1:{PORTS['redis']}/0",
        "ckan.storage_path": str(storage),
        "ckan.plugins": plugins,
        "scheming.dataset_schemas": schemas,
        "scheming.presets": "ckanext.scheming:presets.json",
        "scheming.dataset_fallback": "false",
        "ckan.max_resource_size": "100",
        "ckan.views.default_views": "",
        "ckan.site_title": "gdc-publisher devstack",
    })
    write_if_changed(CKAN_INI, text)
    os.chmod(CKAN_INI, 0o600)  # holds SECRET_KEY


def ckan_cli(*args: str, capture: bool = False, check: bool = True) -> subprocess.CompletedProcess:
    return run([ckan_bin("ckan"), "-c", str(CKAN_INI), *args], log=None if capture else
               CKAN_DIR / "bootstrap.log", capture=capture, check=check, cwd=CKAN_DIR)


def ensure_db() -> None:
    marker = CKAN_DIR / "db.initialised"
    pg_id = (pg_dir() / "data" / "PG_VERSION").stat().st_ino  # changes if the cluster is re-created
    if marker.exists() and marker.read_text() == str(pg_id):
        return
    say("ckan db init")
    ckan_cli("db", "init")
    marker.write_text(str(pg_id))
    TOKEN_FILE.unlink(missing_ok=True)


def ckan_token_valid(port: int, token: str) -> bool:
    url = f"http://127.0.0.1:{port}/api/3/action/api_token_list?user_id={ADMIN_USER}"
    code, _ = http_get(url, headers={"Authorization": token})
    return code == 200


def ensure_admin_token() -> None:
    """Creates the sysadmin and an API token (kept in TOKEN_FILE, mode 600, never printed)."""
    if TOKEN_FILE.exists() and TOKEN_FILE.read_text().strip():
        return
    say(f"creating sysadmin '{ADMIN_USER}' and an API token")
    exists = ckan_cli("user", "show", ADMIN_USER, capture=True)
    if exists.stdout.strip().endswith("User: None"):
        password = secrets.token_urlsafe(18)
        write_private(STATE / "ckan_admin_password", password + "\n")
        ckan_cli("user", "add", ADMIN_USER, "email=devstack-admin@example.org",
                 f"password={password}", capture=True)
    ckan_cli("sysadmin", "add", ADMIN_USER, capture=True)
    # --quiet prints only the token on stdout; logs go to stderr. Never echo stdout here.
    res = subprocess.run([ckan_bin("ckan"), "-c", str(CKAN_INI), "user", "token", "add",
                          "--quiet", ADMIN_USER, f"devstack-{int(time.time())}"],
                         cwd=CKAN_DIR, text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    lines = res.stdout.strip().splitlines()
    token = lines[-1].strip() if lines else ""
    if res.returncode != 0 or not re.fullmatch(r"[A-Za-z0-9._\-]{20,}", token):
        raise StackError("`ckan user token add` failed:\n" + res.stderr[-2000:])
    write_private(TOKEN_FILE, token + "\n")


def ckan_ready(port: int) -> bool:
    code, body = http_get(f"http://127.0.0.1:{port}/api/3/action/status_show", timeout=3)
    return code == 200 and b'"success": true' in body


def ensure_ckan(svc: Service) -> None:
    wsgi = DEVSTACK / "wsgi.py"
    cmd = [ckan_bin("gunicorn"), "--bind", f"127.0.0.1:{svc.port}", "--workers",
           str(CKAN_WORKERS), "--timeout", "120", "--graceful-timeout", "10",
           "--pid", str(svc.pidfile), "--pythonpath", str(DEVSTACK), "--chdir", str(CKAN_DIR),
           "--error-logfile", "-", "--capture-output", "wsgi:application"]
    fingerprint = digest(*cmd, CKAN_INI.read_bytes(), wsgi.read_bytes(),
                         SCHEMA_FILE.read_bytes() if SCHEMA_FILE.exists() else b"",
                         (CKAN_DIR / "venv.installed").read_text(),
                         *[f.read_text() for f in CKAN_DIR.glob("ckanext-*.installed")])
    if svc.is_current(fingerprint, ckan_ready):
        return
    if svc.pid() is not None:
        say("restarting CKAN (configuration or schema changed)")
        svc.stop()
    say(f"starting CKAN (gunicorn, {CKAN_WORKERS} workers) on 127.0.0.1:{svc.port}")
    svc.pidfile.unlink(missing_ok=True)
    pid = svc.spawn(cmd, env={"CKAN_INI": str(CKAN_INI)})
    svc.pidfile.write_text(f"{pid}\n")
    wait_until(lambda: ckan_ready(svc.port), "CKAN", svc.log, pid_fn=svc.pid)
    svc.stamp.write_text(fingerprint)


# ---------------------------------------------------------------------------- commands

@contextlib.contextmanager
def state_lock():
    STATE.mkdir(parents=True, exist_ok=True)
    with open(STATE / ".lock", "w") as f:
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            say("waiting for another ckan-stack.sh run on this state folder ...")
            fcntl.flock(f, fcntl.LOCK_EX)
        yield


def save_runtime() -> None:
    (STATE / "stack.json").write_text(json.dumps({
        "ckan_url": f"http://127.0.0.1:{PORTS['ckan']}", "ports": PORTS,
    }, indent=2) + "\n")


def load_ports() -> dict[str, int]:
    """Ports of the stack as last started (so `env`/`status`/`down` need no env vars)."""
    try:
        return json.loads((STATE / "stack.json").read_text())["ports"]
    except (OSError, ValueError, KeyError):
        return dict(PORTS)


def cmd_up() -> None:
    t0 = time.monotonic()
    with state_lock():
        ensure_system_packages()
        svc = services()
        solr_build = start_solr_build()  # Maven runs while pip installs CKAN (first run only)
        solr_wait = None
        if solr_build is None and ckan_installed():  # warm start: Solr boots meanwhile
            solr_wait = ensure_solr(svc["solr"], wait=False)
        try:
            ensure_postgres(svc["postgres"])
            ensure_redis(svc["redis"])
            install_ckan()
        except BaseException:
            if solr_build is not None:
                solr_build.terminate()
                solr_build.wait()
            raise
        plugins = CKAN_PLUGINS
        if install_project_extension():
            plugins += " " + PROJECT_EXT_PLUGIN
        finish_solr_build(solr_build)
        if solr_wait is None:
            ensure_solr(svc["solr"])
        else:
            solr_wait()
        schemas = generate_schema()
        ensure_ckan_config(schemas, plugins)
        ensure_db()
        new_token = not TOKEN_FILE.exists()
        ensure_admin_token()
        ensure_ckan(svc["ckan"])
        token = TOKEN_FILE.read_text().strip()
        if not new_token and not ckan_token_valid(PORTS["ckan"], token):
            say("stored API token is no longer valid; creating a new one")
            TOKEN_FILE.unlink()
            ensure_admin_token()
            if not ckan_token_valid(PORTS["ckan"], TOKEN_FILE.read_text().strip()):
                raise StackError("freshly created API token is rejected by CKAN")
        save_runtime()
    say(f"CKAN ready at http://127.0.0.1:{PORTS['ckan']} (schema: {schemas}) "
        f"in {time.monotonic() - t0:.1f} s; credentials: `devstack/ckan-stack.sh env`")


def cmd_down() -> None:
    global PORTS
    PORTS = load_ports()
    with state_lock():
        svc = services()
        for name, sig in (("ckan", signal.SIGTERM), ("solr", signal.SIGTERM),
                          ("redis", signal.SIGTERM), ("postgres", signal.SIGINT)):
            pid = svc[name].stop(sig)
            say(f"{name}: stopped (pid {pid})" if pid else f"{name}: was not running")
        still = [n for n, s in svc.items() if s.pid() is not None]
        if still:
            raise StackError(f"still running: {', '.join(still)}")
    say("stack is down")


def cmd_env() -> None:
    ports = load_ports()
    if not TOKEN_FILE.exists():
        raise StackError("no API token yet: run `devstack/ckan-stack.sh up` first")
    token = TOKEN_FILE.read_text().strip()
    if not ckan_ready(ports["ckan"]):
        print("[ckan-stack] warning: CKAN is not running; run `devstack/ckan-stack.sh up`",
              file=sys.stderr)
    print(f"export CKAN_URL=http://127.0.0.1:{ports['ckan']}")
    print(f"export CKAN_API_TOKEN={token}")


def cmd_status() -> int:
    global PORTS
    PORTS = load_ports()
    svc = services()
    checks = {
        "postgres": lambda p: port_open(p), "redis": redis_ping, "solr": solr_ready,
        "ckan": ckan_ready,
    }
    print(f"state folder: {STATE}")
    all_up = True
    for name, s in svc.items():
        pid = s.pid()
        if pid:
            healthy = "ready" if checks[name](s.port) else "NOT RESPONDING"
            all_up &= healthy == "ready"
            print(f"  {name:<9} running  pid {pid:<8} 127.0.0.1:{s.port:<6} "
                  f"{rss_mb(pid):6.0f} MB  {healthy}")
        else:
            all_up = False
            print(f"  {name:<9} stopped                 127.0.0.1:{s.port}")
    if all_up:
        print(f"CKAN: http://127.0.0.1:{PORTS['ckan']}  (eval \"$(devstack/ckan-stack.sh env)\")")
    return 0 if all_up else 3


def main(argv: list[str]) -> int:
    commands = {"up": cmd_up, "down": cmd_down, "env": cmd_env, "status": cmd_status}
    if len(argv) != 1 or argv[0] not in commands:
        print(f"usage: ckan-stack.sh {{{'|'.join(commands)}}}", file=sys.stderr)
        return 2
    try:
        return commands[argv[0]]() or 0
    except StackError as e:
        print(f"[ckan-stack] ERROR: {e}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
