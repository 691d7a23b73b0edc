"""What a scenario runs on: a fresh migrated and seeded database, and a uvicorn server in a subprocess."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
PORTIQUE = str(Path(PYTHON).with_name("portique"))
DEFAULT_POSTGRES = "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"


def free_port() -> int:
    """A free TCP port on the loopback interface."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Database:
    """A throw-away database: its URL, private ``var/`` folder and what the seeding produced."""

    kind: str
    url: str
    var_dir: Path
    seed: dict[str, Any] = field(default_factory=dict)

    @property
    def env(self) -> dict[str, str]:
        """The environment a Portique process needs to use this database."""
        return {
            **os.environ,
            "PORTIQUE_DATABASE_URL": self.url,
            "PORTIQUE_VAR_DIR": str(self.var_dir),
            "PORTIQUE_SECRET_KEY": "bench-secret-key-0123456789abcdef",
            "PORTIQUE_LOG_JSON": "true",
        }


def _postgres_admin(server_url: str, statement: str) -> None:
    import asyncio

    import asyncpg

    dsn = server_url.replace("postgresql+asyncpg://", "postgresql://")

    async def run() -> None:
        conn = await asyncpg.connect(dsn)
        try:
            await conn.execute(statement)
        finally:
            await conn.close()

    asyncio.run(run())


def postgres_available(server_url: str) -> bool:
    """The PostgreSQL server answers."""
    try:
        _postgres_admin(server_url, "SELECT 1")
    except Exception:  # noqa: BLE001 - any failure means "skip the PostgreSQL scenarios"
        return False
    return True


@contextlib.contextmanager
def database(
    kind: str, tenants: int, postgres_server: str = DEFAULT_POSTGRES, *, tickets: int = 0
) -> Iterator[Database]:
    """A new SQLite file or PostgreSQL database, migrated with ``portique db upgrade`` and seeded; dropped after."""
    tmp = Path(tempfile.mkdtemp(prefix="portique-bench-"))
    pg_name = ""
    try:
        if kind == "sqlite":
            url = f"sqlite+aiosqlite:///{tmp / 'portique.db'}"
        else:
            pg_name = f"portique_bench_{os.getpid()}_{uuid.uuid4().hex[:6]}"
            _postgres_admin(postgres_server, f'CREATE DATABASE "{pg_name}"')
            url = postgres_server.rsplit("/", 1)[0] + "/" + pg_name
        db = Database(kind=kind, url=url, var_dir=tmp / "var")
        _check([PORTIQUE, "db", "upgrade"], db)
        seeded = _check([PYTHON, "-m", "bench.seed", "--tenants", str(tenants), "--tickets", str(tickets)], db)
        db.seed = json.loads(seeded.strip().splitlines()[-1])
        yield db
    finally:
        if pg_name:
            _postgres_admin(postgres_server, f'DROP DATABASE IF EXISTS "{pg_name}" WITH (FORCE)')
        shutil.rmtree(tmp, ignore_errors=True)


def _check(argv: list[str], db: Database) -> str:
    done = subprocess.run(argv, env=db.env, cwd=ROOT, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(argv[-3:])} failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return done.stdout


def children_of(pid: int) -> list[int]:
    """Direct child processes of ``pid`` (from /proc)."""
    found: list[int] = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # pid (comm) state ppid …; comm may contain spaces and parentheses
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        if ppid == pid:
            found.append(int(entry.name))
    return sorted(found)


def cpu_seconds(pid: int) -> float:
    """utime + stime of a process (all its threads), from /proc/<pid>/stat."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _is_helper(pid: int) -> bool:
    """multiprocessing's resource tracker, not a worker."""
    try:
        return b"resource_tracker" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return True


def rss_mb(pid: int) -> float | None:
    """Resident set size of a process in MiB (``VmRSS`` of /proc/<pid>/status)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


@dataclass
class Server:
    """One uvicorn server process (and its workers) started by the bench."""

    process: subprocess.Popen[bytes]
    port: int
    workers: int
    log: Path

    @property
    def url(self) -> str:
        """Base URL on the loopback interface."""
        return f"http://127.0.0.1:{self.port}"

    def worker_pids(self) -> list[int]:
        """The processes that serve requests: the server itself with one worker, else its children."""
        if self.workers == 1:
            return [self.process.pid]
        return [pid for pid in children_of(self.process.pid) if rss_mb(pid) is not None and not _is_helper(pid)]

    def cpu_seconds(self) -> float:
        """CPU time (user + system, every thread) used so far by the server and its workers."""
        return sum(cpu_seconds(pid) for pid in {self.process.pid, *self.worker_pids()})

    def worker_rss_mb(self) -> list[float]:
        """RSS of each worker, in MiB."""
        return [value for pid in self.worker_pids() if (value := rss_mb(pid)) is not None]


def _wait_ready(server: Server, host: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"server exited with {server.process.returncode}: {server.log.read_text()[-2000:]}")
        request = urllib.request.Request(f"{server.url}/healthz", headers={"Host": host})  # noqa: S310 - loopback
        try:
            with urllib.request.urlopen(request, timeout=2) as response:  # noqa: S310 - loopback
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.1)
    raise RuntimeError(f"server not ready after {timeout:.0f} s: {server.log.read_text()[-2000:]}")


@contextlib.contextmanager
def server(
    db: Database | None,
    *,
    app: str = "bench.apps:portique_app",
    workers: int = 1,
    loop: str | None = None,
    profile: Path | None = None,
    command: list[str] | None = None,
) -> Iterator[Server]:
    """Start uvicorn (``python -m bench.serve``, or ``command``) on a free port; stop it and its workers after.

    ``loop`` names the event loop (``bench.serve --loop``); by default the one ``portique serve`` uses.
    """
    port = free_port()
    argv = command or [PYTHON, "-m", "bench.serve", "--app", app, "--workers", str(workers)]
    argv = [*argv, "--port", str(port)]
    if loop is not None:
        argv += ["--loop", loop]
    if profile is not None:
        argv += ["--profile", str(profile)]
    log = Path(tempfile.mkstemp(prefix="portique-bench-server-", suffix=".log")[1])
    env = db.env if db is not None else dict(os.environ)
    with log.open("wb") as out:
        process = subprocess.Popen(
            argv, env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    srv = Server(process=process, port=port, workers=workers, log=log)
    try:
        _wait_ready(srv, "localhost")
        if workers > 1:
            deadline = time.monotonic() + 30
            while len(srv.worker_pids()) < workers and time.monotonic() < deadline:
                time.sleep(0.1)
        yield srv
    finally:
        _stop(process)
        log.unlink(missing_ok=True)


def _stop(process: subprocess.Popen[bytes]) -> None:
    """SIGINT (graceful: lets the profiler write), then SIGTERM, then SIGKILL to the process group we created."""
    if process.poll() is not None:
        return
    for sig, wait in ((signal.SIGINT, 20.0), (signal.SIGTERM, 5.0), (signal.SIGKILL, 5.0)):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, sig)
        try:
            process.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue
