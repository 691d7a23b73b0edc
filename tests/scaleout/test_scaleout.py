"""Scale-out behind a real load balancer: Debian's nginx in front of two ``portique serve`` instances
sharing PostgreSQL and Redis, with ``portique worker`` processes sharing the outbox.

Run by ``make test`` when ``PORTIQUE_TEST_POSTGRES_URL`` is set; skipped, with the reason, when
nginx, PostgreSQL or Redis is missing. The figures the tests print (``-s``) are the ones quoted in
the operator guide's scaling section.
"""

from __future__ import annotations

import contextlib
import email
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pyotp
import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import create_async_engine

from core.db.base import utcnow
from core.identity.models import UserStatus
from core.identity.users import create_user
from core.mail.models import OutboxMessage
from core.plugins import PluginManager
from core.portal import Portal
from core.settings import Settings
from core.staff.accounts import create_staff
from core.tenancy.registry import REFRESH_SECONDS
from core.tenancy.service import create_tenant
from core.testing import DEFAULT_TENANT, POSTGRES_ENV, csrf_of, run_in_thread
from core.wiring import build_portal
from tests.core.test_metrics import value

ROOT = Path(__file__).resolve().parents[2]
NGINX = Path(os.environ.get("PORTIQUE_TEST_NGINX", "/usr/sbin/nginx"))
REDIS_ENV = "PORTIQUE_TEST_REDIS_URL"
REDIS_DEFAULT = "redis://127.0.0.1:6379/12"
SECRET = "scale-out-test-secret-0123456789abcdef"
PASSWORD = "Scale-Out-2026!"
STAFF_PASSWORD = "staff password 123"
TENANT_BOUND = REFRESH_SECONDS + 3  # seconds: every instance reloads its tenants at least this often

pytestmark = pytest.mark.scaleout


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _missing() -> str:
    """Why the scale-out set-up cannot run here ('' when it can)."""
    if not os.environ.get(POSTGRES_ENV):
        return f"needs PostgreSQL: set {POSTGRES_ENV}"
    if not NGINX.is_file():
        return f"needs nginx at {NGINX} (apt-get install nginx; make test installs it)"
    try:
        import redis

        redis.Redis.from_url(os.environ.get(REDIS_ENV, REDIS_DEFAULT), socket_timeout=2).ping()
    except Exception as exc:  # noqa: BLE001 - any failure means "no Redis here"
        return f"needs Redis at {os.environ.get(REDIS_ENV, REDIS_DEFAULT)} ({type(exc).__name__}); set {REDIS_ENV}"
    return ""


@contextlib.contextmanager
def private_database(prefix: str) -> Iterator[tuple[str, str]]:
    """A new database on the test PostgreSQL server and an emptied Redis: ``(database URL, Redis URL)``.

    The database is dropped when the block ends, whatever the processes left connected.
    """
    import redis

    redis_url = os.environ.get(REDIS_ENV, REDIS_DEFAULT)
    redis.Redis.from_url(redis_url).flushdb()
    server = os.environ[POSTGRES_ENV]
    name = f"{prefix}_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    admin_url = server.rsplit("/", 1)[0] + "/postgres"

    async def admin(statement: str) -> None:
        engine = create_async_engine(admin_url, isolation_level="AUTOCOMMIT")
        async with engine.connect() as conn:
            await conn.execute(text(statement))
        await engine.dispose()

    run_in_thread(admin(f'CREATE DATABASE "{name}"'))
    try:
        yield server.rsplit("/", 1)[0] + "/" + name, redis_url
    finally:
        run_in_thread(admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


class Recorder:
    """The SMTP server the workers deliver to; keeps every message."""

    def __init__(self) -> None:
        self.received: list[email.message.Message] = []
        self.times: list[float] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self.lock:
            self.received.append(email.message_from_bytes(envelope.content))
            self.times.append(time.monotonic())
        return "250 Message accepted for delivery"


@dataclass
class Cluster:
    """nginx on ``url``, instances A and B behind it, and what they share."""

    url: str
    instances: dict[str, str]
    processes: dict[str, subprocess.Popen[bytes]]
    env: dict[str, str]
    smtp: Recorder
    smtp_port: int
    database_url: str
    operator_totp: str
    run: Callable[[Callable[[Portal], Any]], Any]
    workers: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def start_worker(self, metrics_port: int) -> subprocess.Popen[bytes]:
        """A ``portique worker`` on the shared database, delivering to the test's SMTP server."""
        command = [sys.executable, "-m", "core.cli", "worker", "--metrics-port", str(metrics_port)]
        process = subprocess.Popen(command, cwd=ROOT, env=self.env)  # noqa: S603 - our own interpreter
        self.workers.append(process)
        return process


def _stop(process: subprocess.Popen[bytes], sig: int = signal.SIGTERM) -> None:
    if process.poll() is None:
        process.send_signal(sig)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_for(url: str, process: subprocess.Popen[bytes] | None = None, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process is None or process.poll() is None, f"the process behind {url} exited"
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise AssertionError(f"{url} did not answer in time")


def _nginx_conf(folder: Path, port: int, upstreams: list[str]) -> Path:
    servers = "\n".join(f"        server {address} max_fails=1 fail_timeout=5s;" for address in upstreams)
    conf = folder / "nginx.conf"
    conf.write_text(f"""
daemon off;
worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
{"user root;" if os.geteuid() == 0 else ""}
events {{ worker_connections 512; }}
http {{
    access_log off;
    client_body_temp_path {folder}/body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
    upstream portique {{
{servers}
        keepalive 16;
    }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://portique;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_next_upstream error timeout http_502;
            add_header X-Upstream $upstream_addr always;
        }}
    }}
}}
""")
    return conf


def _seed(portal: Portal) -> Any:
    async def seed() -> str:
        async with portal.database.session() as db:
            tenant = await create_tenant(db, portal.plugins, slug="acme", **DEFAULT_TENANT)
            await db.flush()
            staff = await create_staff(
                db, email="operator@scale.test", name="Operator", password=STAFF_PASSWORD, role="operator"
            )
            await db.commit()
        async with portal.database.session(tenant.id) as db:
            await create_user(db, email="ada@example.com", password=PASSWORD, status=UserStatus.ACTIVE)
            await create_user(db, email="bob@example.com", password=PASSWORD, status=UserStatus.ACTIVE)
            await db.commit()
        return str(staff.totp_secret)

    return seed()


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    reason = _missing()
    if reason:
        pytest.skip(reason)
    with private_database("portique_scaleout") as (database_url, redis_url):
        folder = tmp_path_factory.mktemp("scaleout")
        recorder = Recorder()
        smtp_port = _free_port()
        controller = Controller(recorder, hostname="127.0.0.1", port=smtp_port)
        controller.start()
        env = {k: v for k, v in os.environ.items() if not k.startswith(("PORTIQUE_", "PROMETHEUS_"))}
        env.update(
            PORTIQUE_DATABASE_URL=database_url,
            PORTIQUE_REDIS_URL=redis_url,
            PORTIQUE_SECRET_KEY=SECRET,
            PORTIQUE_LOG_JSON="false",
            PORTIQUE_MAIL_BACKEND="smtp",
            PORTIQUE_SMTP_HOST="127.0.0.1",
            PORTIQUE_SMTP_PORT=str(smtp_port),
            PORTIQUE_VAR_DIR=str(folder / "var"),
            PORTIQUE_TRUSTED_PROXIES="127.0.0.1",  # nginx, on this machine, forwards the client address
        )
        processes: dict[str, subprocess.Popen[bytes]] = {}
        workers: list[subprocess.Popen[bytes]] = []
        settings = Settings(database_url=database_url, secret_key=SECRET, var_dir=folder / "var", log_json=False)

        def run(fn: Callable[[Portal], Any]) -> Any:
            portal = build_portal(settings, PluginManager())

            async def main() -> Any:
                portal.activate()
                try:
                    return await fn(portal)
                finally:
                    await portal.database.dispose()

            return run_in_thread(main())

        try:
            subprocess.run([sys.executable, "-m", "core.cli", "db", "upgrade"], cwd=ROOT, env=env, check=True)
            totp = run(_seed)
            instances = {}
            for label in ("A", "B"):
                port = _free_port()
                instance_env = {**env, "PORTIQUE_VAR_DIR": str(folder / f"var-{label}")}  # nothing shared on disk
                processes[label] = subprocess.Popen(  # noqa: S603
                    [sys.executable, "-m", "core.cli", "serve", "--port", str(port), "--no-access-log"],
                    cwd=ROOT,
                    env=instance_env,
                )
                instances[label] = f"127.0.0.1:{port}"
            for label, address in instances.items():
                _wait_for(f"http://{address}/healthz", processes[label])
            nginx_port = _free_port()
            conf = _nginx_conf(folder, nginx_port, list(instances.values()))
            processes["nginx"] = subprocess.Popen([str(NGINX), "-c", str(conf), "-p", str(folder)])  # noqa: S603
            url = f"http://127.0.0.1:{nginx_port}"
            _wait_for(f"{url}/healthz", processes["nginx"])
            made = Cluster(url, instances, processes, env, recorder, smtp_port, database_url, totp, run, workers)
            yield made
        finally:
            for process in [*workers, *processes.values()]:
                _stop(process)
            controller.stop()


def _upstream(response: httpx.Response) -> str:
    return response.headers.get("x-upstream", "").split(",")[-1].strip()


def _sign_in(client: httpx.Client, base: str, login: str, password: str) -> httpx.Response:
    page = client.get(f"{base}/t/acme/login")
    return client.post(
        f"{base}/t/acme/login", data={"csrf_token": csrf_of(page.text), "login": login, "password": password}
    )


def test_a_session_made_on_one_instance_works_on_the_other(cluster: Cluster) -> None:
    a, b = (f"http://{cluster.instances[label]}" for label in ("A", "B"))
    with httpx.Client(timeout=10) as client:
        signed_in = _sign_in(client, a, "ada@example.com", PASSWORD)
        assert signed_in.status_code == 303
        on_b = client.get(f"{b}/t/acme/profile")
        assert on_b.status_code == 200, on_b.status_code
        assert "ada@example.com" in on_b.text
        served_by: set[str] = set()
        for _ in range(10):  # through the balancer: both instances, always signed in
            response = client.get(f"{cluster.url}/t/acme/profile")
            assert response.status_code == 200
            assert "ada@example.com" in response.text
            served_by.add(_upstream(response))
        assert served_by == set(cluster.instances.values())
        signed_out = client.post(
            f"{b}/t/acme/logout", data={"csrf_token": csrf_of(client.get(f"{b}/t/acme/profile").text)}
        )
        assert signed_out.status_code == 303
        assert client.get(f"{a}/t/acme/profile").status_code in (302, 303)  # the session ended everywhere


def test_the_sign_in_throttle_counts_across_instances(cluster: Cluster) -> None:
    a, b = (f"http://{cluster.instances[label]}" for label in ("A", "B"))
    with httpx.Client(timeout=10) as client:
        for base in (a, b, a, b, a):  # the account's allowance, 5 failures in 5 minutes, spread: 3 on A, 2 on B
            assert _sign_in(client, base, "bob@example.com", "not the password").status_code == 200
        refused = [_sign_in(client, base, "bob@example.com", PASSWORD) for base in (b, a, cluster.url)]
    assert [response.status_code for response in refused] == [429, 429, 429]


def _operator_client(cluster: Cluster, base: str) -> httpx.Client:
    client = httpx.Client(timeout=10)
    page = client.get(f"{base}/console/login")
    signed_in = client.post(
        f"{base}/console/login",
        data={
            "csrf_token": csrf_of(page.text),
            "email": "operator@scale.test",
            "password": STAFF_PASSWORD,
            "code": pyotp.TOTP(cluster.operator_totp).now(),
        },
    )
    assert signed_in.status_code == 303, signed_in.text[:500]
    return client


def _tenant_form(client: httpx.Client, url: str, **values: str) -> dict[str, str]:
    return {
        "csrf_token": csrf_of(client.get(url).text),
        "name": "Beta",
        "hostnames": "",
        "plugins": "",
        "theme": "default",
        "locales": "en",
        "default_locale": "en",
        "timezone": "UTC",
        "country": "CA",
        "subdivision": "",
        "ticket_prefix": "BET",
        "settings": "{}",
        "enabled": "1",
        **values,
    }


def _seconds_until(condition: Callable[[], bool], timeout: float) -> float:
    started = time.monotonic()
    while not condition():
        assert time.monotonic() - started < timeout, f"not seen within {timeout} s"
        time.sleep(0.1)
    return time.monotonic() - started


def test_a_tenant_created_or_disabled_on_one_instance_is_seen_by_the_other(cluster: Cluster) -> None:
    a, b = (f"http://{cluster.instances[label]}" for label in ("A", "B"))
    assert httpx.get(f"{b}/t/beta/", timeout=10).status_code == 404
    with contextlib.closing(_operator_client(cluster, a)) as operator:
        created = operator.post(
            f"{a}/console/tenants/new", data=_tenant_form(operator, f"{a}/console/tenants/new", slug="beta")
        )
        assert created.status_code == 303, created.text[:500]
        shown = _seconds_until(lambda: httpx.get(f"{b}/t/beta/", timeout=10).status_code == 200, TENANT_BOUND)
        edit = f"{a}/console/tenants/beta"
        disabled = operator.post(edit, data=_tenant_form(operator, edit, enabled=""))
        assert disabled.status_code == 303
        assert httpx.get(f"{a}/t/beta/", timeout=10).status_code == 404  # at once where it was changed
        hidden = _seconds_until(lambda: httpx.get(f"{b}/t/beta/", timeout=10).status_code == 404, TENANT_BOUND)
    print(f"\ntenant served by B after {shown:.1f} s, refused after {hidden:.1f} s (bound {TENANT_BOUND} s)")


def test_two_workers_deliver_a_backlog_of_500_once_each(cluster: Cluster) -> None:
    async def queue(portal: Portal) -> list[int]:
        async with portal.database.session() as db:
            rows = [
                OutboxMessage(
                    template="test",
                    sender="Portique <no-reply@portals.example>",
                    recipient=f"customer{n}@example.com",
                    subject=f"Backlog {n}",
                    text_body=f"Body {n}",
                    created_at=utcnow(),
                )
                for n in range(500)
            ]
            db.add_all(rows)
            await db.commit()
            return [row.id for row in rows]

    async def queued(portal: Portal) -> int:
        async with portal.database.session() as db:
            return int(await db.scalar(select(func.count()).where(OutboxMessage.status == "queued")) or 0)

    before = len(cluster.smtp.received)
    ids = cluster.run(queue)
    ports = [_free_port(), _free_port()]
    workers = [cluster.start_worker(port) for port in ports]
    _seconds_until(lambda: cluster.run(queued) == 0, 180)
    scrapes = [httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=10).text for port in ports]
    sent_by = [value(scrape, "portique_outbox_deliveries_total", tenant="-", result="sent") for scrape in scrapes]
    assert all(value(scrape, "portique_process_resident_memory_bytes") > 0 for scrape in scrapes)
    for worker in workers:
        _stop(worker)
    elapsed = cluster.smtp.times[-1] - cluster.smtp.times[before]
    assert sum(sent_by) == 500, sent_by
    assert min(sent_by) > 0, sent_by  # both workers took their share
    delivered = Counter(int(message["X-Portique-Id"]) for message in cluster.smtp.received[before:])
    assert set(ids) <= set(delivered), f"{len(set(ids) - set(delivered))} lost"
    twice = {row: n for row, n in delivered.items() if n > 1}
    assert twice == {}, f"sent twice: {twice}"
    print(f"\n500 mails delivered by two workers {sent_by} in {elapsed:.1f} s: {500 / elapsed:.0f}/s")


def test_stopping_an_instance_mid_load_fails_only_the_requests_in_flight(cluster: Cluster) -> None:
    clients = 8
    stop_at = threading.Event()
    outcomes: list[tuple[float, str]] = []
    lock = threading.Lock()

    def load(_: int) -> None:
        with httpx.Client(timeout=10) as client:
            while not stop_at.is_set():
                started = time.monotonic()
                try:
                    response = client.get(f"{cluster.url}/t/acme/login")
                    outcome = "ok" if response.status_code == 200 else str(response.status_code)
                except httpx.TransportError as exc:
                    outcome = type(exc).__name__
                with lock:
                    outcomes.append((started, outcome))

    with ThreadPoolExecutor(max_workers=clients) as pool:
        futures = [pool.submit(load, n) for n in range(clients)]
        time.sleep(2)
        stopped = time.monotonic()
        _stop(cluster.processes["A"])  # SIGTERM, as systemctl stop does: A finishes what it has in flight
        time.sleep(3)
        stop_at.set()
        for future in futures:
            future.result()
    failed = [outcome for _, outcome in outcomes if outcome != "ok"]
    after = [outcome for started, outcome in outcomes if started > stopped + 1]
    print(f"\n{len(outcomes)} requests through nginx while A stopped: {len(failed)} failed {Counter(failed)}")
    assert len(failed) <= clients, Counter(failed)  # at most one in flight per client
    assert after
    assert all(outcome == "ok" for outcome in after)  # then B serves everything
