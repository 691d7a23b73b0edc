"""The shipped nginx site (``deploy/nginx``) in front of ``portique serve``: TLS, the client address,
static files from disk, and ``/metrics`` closed on tenant hosts.

The site file is used as shipped; only its ports, paths and certificate are replaced for the test.
Marked ``scaleout`` and skipped, with the reason, where nginx, PostgreSQL or Redis is missing.
"""

from __future__ import annotations

import os
import shutil
import ssl
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import create_async_engine

from core.audit.models import AuditEvent
from core.plugins import PluginManager
from core.portal import Portal
from core.settings import Settings
from core.tenancy.service import create_tenant
from core.testing import DEFAULT_TENANT, csrf_of, run_in_thread
from core.wiring import build_portal
from tests.scaleout.test_scaleout import NGINX, ROOT, _free_port, _missing, _stop, _wait_for, private_database

pytestmark = pytest.mark.scaleout

DOMAIN = "portals.example.com"  # the site's own example domain: the test sends these Host headers
SITE = ROOT / "deploy" / "nginx"
SECRET = "nginx-site-test-secret-0123456789abcdef"


@dataclass
class Site:
    """nginx with the shipped site on ``port`` (TLS), in front of one ``portique serve``."""

    port: int
    http_port: int
    cert: Path
    static: Path
    database_url: str

    def client(self, source: str = "127.0.0.1") -> httpx.Client:
        """A client that connects from ``source`` (any 127.x address is this machine)."""
        context = ssl.create_default_context(cafile=str(self.cert))
        context.check_hostname = False  # the URL says 127.0.0.1; the Host header names the portal
        transport = httpx.HTTPTransport(verify=context, local_address=source)
        return httpx.Client(transport=transport, timeout=15)

    def get(self, client: httpx.Client, host: str, path: str, **kwargs: object) -> httpx.Response:
        """``path`` on ``host`` through nginx."""
        headers = {"Host": host, **kwargs.pop("headers", {})}  # type: ignore[dict-item]
        return client.get(f"https://127.0.0.1:{self.port}{path}", headers=headers, **kwargs)  # type: ignore[arg-type]


def _certificate(folder: Path) -> tuple[Path, Path]:
    cert, key = folder / "fullchain.pem", folder / "privkey.pem"
    subprocess.run(  # noqa: S603 - fixed arguments
        [
            "/usr/bin/openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
            "-subj", f"/CN={DOMAIN}", "-addext", f"subjectAltName=DNS:{DOMAIN},DNS:*.{DOMAIN}",
            "-keyout", str(key), "-out", str(cert),
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return cert, key


def _site(folder: Path, *, http_port: int, https_port: int, app_port: int, cert: Path, key: Path, static: Path) -> Path:
    """The shipped site with this machine's ports, paths and certificate; the nginx.conf around it."""
    proxy = folder / "portique-proxy.conf"
    shutil.copy(SITE / "portique-proxy.conf", proxy)
    site = (SITE / "portique.conf").read_text(encoding="utf-8")
    for shipped, here in (
        ("127.0.0.1:8000", f"127.0.0.1:{app_port}"),
        ("listen 80;", f"listen 127.0.0.1:{http_port};"),
        ("listen [::]:80;", ""),
        ("listen 443 ssl http2;", f"listen 127.0.0.1:{https_port} ssl http2;"),
        ("listen [::]:443 ssl http2;", ""),
        ("/etc/ssl/portique/fullchain.pem", str(cert)),
        ("/etc/ssl/portique/privkey.pem", str(key)),
        ("/var/lib/portique/static/", f"{static}/"),
        ("/etc/nginx/portique-proxy.conf", str(proxy)),
    ):
        assert shipped in site, shipped
        site = site.replace(shipped, here)
    (folder / "portique.conf").write_text(site, encoding="utf-8")
    conf = folder / "nginx.conf"
    conf.write_text(f"""
daemon off;
worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
{"user root;" if os.geteuid() == 0 else ""}
events {{ worker_connections 256; }}
http {{
    access_log off;
    client_body_temp_path {folder}/body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
    types {{ text/css css; application/javascript js; text/plain txt; }}
    include {folder}/portique.conf;
}}
""")
    return conf


def _wait_for_tls(site: Site, nginx: subprocess.Popen[bytes], timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    with site.client() as client:
        while time.monotonic() < deadline:
            assert nginx.poll() is None, "nginx exited"
            try:
                if site.get(client, DOMAIN, "/healthz").status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.1)
    raise AssertionError("nginx did not answer over TLS in time")


async def _seed(portal: Portal) -> None:
    async with portal.database.session() as db:
        await create_tenant(db, portal.plugins, slug="acme", **DEFAULT_TENANT)
        await db.commit()


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    reason = _missing()
    if reason:
        pytest.skip(reason)
    with private_database("portique_nginx") as (database_url, redis_url):
        folder = tmp_path_factory.mktemp("nginx-site")
        env = {k: v for k, v in os.environ.items() if not k.startswith(("PORTIQUE_", "PROMETHEUS_"))}
        env.update(
            PORTIQUE_DATABASE_URL=database_url,
            PORTIQUE_REDIS_URL=redis_url,
            PORTIQUE_SECRET_KEY=SECRET,
            PORTIQUE_LOG_JSON="false",
            PORTIQUE_VAR_DIR=str(folder / "var"),
            PORTIQUE_BASE_DOMAIN=DOMAIN,
            PORTIQUE_PUBLIC_URL=f"https://{DOMAIN}",
            PORTIQUE_HTTPS="true",
            PORTIQUE_TRUSTED_PROXIES="127.0.0.1",  # the documented setting for nginx on the same machine
        )
        processes: list[subprocess.Popen[bytes]] = []
        try:
            cli = [sys.executable, "-m", "core.cli"]
            subprocess.run([*cli, "db", "upgrade"], cwd=ROOT, env=env, check=True)  # noqa: S603
            settings = Settings(database_url=database_url, secret_key=SECRET, var_dir=folder / "var", log_json=False)
            portal = build_portal(settings, PluginManager())

            async def seed() -> None:
                portal.activate()
                try:
                    await _seed(portal)
                finally:
                    await portal.database.dispose()

            run_in_thread(seed())
            static = folder / "static"
            subprocess.run([*cli, "static", "collect", str(static)], cwd=ROOT, env=env, check=True)  # noqa: S603
            (static / "core" / "collected-only.txt").write_text("served from disk by nginx\n")
            app_port, http_port, https_port = _free_port(), _free_port(), _free_port()
            processes.append(
                subprocess.Popen([*cli, "serve", "--port", str(app_port), "--no-access-log"], cwd=ROOT, env=env)  # noqa: S603
            )
            _wait_for(f"http://127.0.0.1:{app_port}/healthz", processes[0])
            cert, key = _certificate(folder)
            conf = _site(
                folder, http_port=http_port, https_port=https_port, app_port=app_port, cert=cert, key=key, static=static
            )
            checked = subprocess.run([str(NGINX), "-t", "-c", str(conf), "-p", str(folder)], capture_output=True)  # noqa: S603
            assert checked.returncode == 0, checked.stderr.decode()
            processes.append(subprocess.Popen([str(NGINX), "-c", str(conf), "-p", str(folder)]))  # noqa: S603
            made = Site(https_port, http_port, cert, static, database_url)
            _wait_for_tls(made, processes[1])
            yield made
        finally:
            for process in reversed(processes):
                _stop(process)


def _audit_ips(database_url: str, action: str) -> list[str]:
    async def read() -> list[str]:
        engine = create_async_engine(database_url)
        async with engine.connect() as conn:
            rows = await conn.execute(select(AuditEvent.ip).where(AuditEvent.action == action))
            found = [row[0] for row in rows]
        await engine.dispose()
        return found

    return run_in_thread(read())


def test_a_tenant_page_over_tls_and_plain_http_redirected(site: Site) -> None:
    with site.client() as client:
        page = site.get(client, f"acme.{DOMAIN}", "/login")
        assert page.status_code == 200
        assert "Test portal" in page.text
        assert page.headers.get("strict-transport-security")  # Portique knows it is served over TLS
        assert "__Host-" in page.headers.get("set-cookie", "")
    plain = httpx.get(f"http://127.0.0.1:{site.http_port}/login", headers={"Host": f"acme.{DOMAIN}"})
    assert plain.status_code == 301
    assert plain.headers["location"] == f"https://acme.{DOMAIN}/login"


def test_the_client_address_reaches_audit_and_throttle_and_cannot_be_forged(site: Site) -> None:
    host = f"acme.{DOMAIN}"
    statuses = []
    with site.client("127.0.0.2") as client:
        for attempt in range(11):
            page = site.get(client, host, "/login")
            statuses.append(
                client.post(
                    f"https://127.0.0.1:{site.port}/login",
                    headers={"Host": host, "X-Forwarded-For": "203.0.113.7"},  # forged: nginx replaces it
                    data={"csrf_token": csrf_of(page.text), "login": f"nobody{attempt}@x.test", "password": "wrong"},
                ).status_code
            )
    assert statuses[:10] == [200] * 10
    assert statuses[10] == 429  # the per-IP limit (10 a minute) counted 127.0.0.2
    assert set(_audit_ips(site.database_url, "identity.login_failed")) == {"127.0.0.2"}
    with site.client("127.0.0.3") as other:  # another address is not throttled
        page = site.get(other, host, "/login")
        attempt = other.post(
            f"https://127.0.0.1:{site.port}/login",
            headers={"Host": host},
            data={"csrf_token": csrf_of(page.text), "login": "someone@x.test", "password": "wrong"},
        )
    assert attempt.status_code == 200
    assert "127.0.0.3" in _audit_ips(site.database_url, "identity.login_failed")


def test_static_files_come_from_nginx_not_the_app(site: Site) -> None:
    with site.client() as client:
        css = site.get(client, f"acme.{DOMAIN}", "/static/core/portique.css")
        assert css.status_code == 200
        assert css.content == (ROOT / "core" / "static" / "portique.css").read_bytes()
        assert "x-request-id" not in css.headers  # Portique stamps every response it answers
        assert "max-age=3600" in css.headers.get("cache-control", "")
        only_on_disk = site.get(client, f"acme.{DOMAIN}", "/static/core/collected-only.txt")
        assert only_on_disk.status_code == 200
        assert only_on_disk.text == "served from disk by nginx\n"
        page = site.get(client, f"acme.{DOMAIN}", "/login")
        assert "x-request-id" in page.headers  # pages do come from Portique


def test_metrics_closed_on_tenant_hosts_and_outside_the_monitoring_network(site: Site) -> None:
    with site.client() as client:
        assert site.get(client, f"acme.{DOMAIN}", "/metrics").status_code == 404
        assert site.get(client, DOMAIN, "/t/acme/metrics").status_code == 404
        assert site.get(client, "portal.acme.example", "/metrics").status_code == 404
        scrape = site.get(client, DOMAIN, "/metrics")
        assert scrape.status_code == 200
        assert "portique_" in scrape.text
    with site.client("127.0.0.4") as outsider:
        assert site.get(outsider, DOMAIN, "/metrics").status_code == 403
