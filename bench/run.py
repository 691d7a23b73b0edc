"""The scenarios of ``make bench``, the table they print and the JSON they write under ``bench/results/``."""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from bench import argon, library, queue
from bench.apps import STATS_PATH
from bench.infra import DEFAULT_POSTGRES, PORTIQUE, ROOT, Database, Server, database, postgres_available, server
from bench.load import LoadResult, finish_wrk, lua_post_form, lua_rotating_hosts, run_wrk, start_wrk
from bench.providers import PROVIDER_PAGES, cookie_in
from core.serving import describe_stack, http_stack

RESULTS = ROOT / "bench" / "results"
HOST = "{slug}.localhost"
TICKETS = 20_000  # on the first tenant; one in a thousand is the bench user's


@dataclass
class Row:
    """One line of the table."""

    scenario: str
    database: str
    workers: int = 1
    rps: float | None = None
    p50_ms: float | None = None
    p99_ms: float | None = None
    ratio: float | None = None
    rss_mb: list[float] = field(default_factory=list)
    cpu_ms_per_request: float | None = None
    cpu_ratio: float | None = None
    statements_per_request: float | None = None
    note: str = ""


@dataclass
class Goal:
    """A target of issue 10, checked against figures measured in this run."""

    name: str
    target: str
    measured: str
    met: bool | None


@dataclass
class Config:
    """How long and how hard each scenario runs."""

    seconds: float
    connections: int
    postgres_url: str
    only: set[str]
    profile: bool
    pages: set[str] = field(default_factory=set)

    def wants(self, name: str) -> bool:
        """The scenario group is selected (``--only``)."""
        return not self.only or name in self.only

    def wants_page(self, name: str) -> bool:
        """The page of the sqlite/postgresql groups is selected (``--pages``)."""
        return not self.pages or name in self.pages


@dataclass
class Run:
    """The rows and goals of one run, with the reference figure every ratio uses."""

    config: Config
    rows: list[Row] = field(default_factory=list)
    reference_rps: float | None = None
    reference_runs: list[float] = field(default_factory=list)
    reference_cpu: list[float] = field(default_factory=list)
    slowest: tuple[float, str, str, Callable[[], None]] | None = None

    def add(
        self, row: Row, result: LoadResult | None = None, srv: Server | None = None, cpu: float | None = None
    ) -> Row:
        """Record a row (figures from a wrk result, RSS from the server, ``cpu`` seconds it used) and print it."""
        if result is not None:
            row.rps, row.p50_ms, row.p99_ms = result.rps, result.p50_ms, result.p99_ms
            if cpu is not None and result.requests:
                row.cpu_ms_per_request = cpu * 1000 / result.requests
            self._ratios(row)
            if result.errors:
                row.note = _join(row.note, f"{result.errors} socket errors")
        if srv is not None:
            row.rss_mb = [round(v, 1) for v in srv.worker_rss_mb()]
        self.rows.append(row)
        print("  measured:", _format_row(row), file=sys.stderr, flush=True)
        return row

    def set_reference(self, rps: float, cpu_ms: float | None) -> None:
        """Add a hello-world measurement; ratios use the mean of all of them (start and end of the run)."""
        self.reference_runs.append(rps)
        self.reference_rps = sum(self.reference_runs) / len(self.reference_runs)
        if cpu_ms:
            self.reference_cpu.append(cpu_ms)
        for row in self.rows:
            self._ratios(row)

    def _ratios(self, row: Row) -> None:
        if self.reference_rps and row.rps is not None and row.p50_ms is not None:
            row.ratio = row.rps / self.reference_rps
        if self.reference_cpu and row.cpu_ms_per_request:
            row.cpu_ratio = (sum(self.reference_cpu) / len(self.reference_cpu)) / row.cpu_ms_per_request

    def find(self, scenario: str, db: str, workers: int = 1) -> Row | None:
        """A recorded row with figures."""
        for row in self.rows:
            if row.scenario == scenario and row.database == db and row.workers == workers and (row.rps or row.p99_ms):
                return row
        return None


def _join(a: str, b: str) -> str:
    return f"{a}; {b}" if a else b


COLUMNS = (
    ("scenario", 34),
    ("database", 10),
    ("workers", 7),
    ("req/s", 9),
    ("p50 ms", 8),
    ("p99 ms", 8),
    ("ratio", 7),
    ("CPU ms/req", 10),
    ("CPU ratio", 9),
    ("stmts/req", 9),
    ("RSS MB", 12),
    ("note", 0),
)


def _num(value: float | None, fmt: str) -> str:
    return "-" if value is None or math.isnan(value) else format(value, fmt)


def _format_row(row: Row) -> str:
    cells = [
        row.scenario,
        row.database,
        str(row.workers),
        _num(row.rps, ",.0f"),
        _num(row.p50_ms, ".1f"),
        _num(row.p99_ms, ".1f"),
        _num(row.ratio, ".3f"),
        _num(row.cpu_ms_per_request, ".2f"),
        _num(row.cpu_ratio, ".3f"),
        _num(row.statements_per_request, ".2f"),
        "/".join(f"{v:.0f}" for v in row.rss_mb) or "-",
        row.note,
    ]
    return " ".join(c.ljust(w) if w else c for c, (_, w) in zip(cells, COLUMNS, strict=True))


def _header() -> str:
    line = " ".join(name.ljust(w) if w else name for name, w in COLUMNS)
    return line + "\n" + "-" * 120


# -- scenarios --------------------------------------------------------------------------------------------


def _host(db: Database, index: int = 0, slug: str | None = None) -> str:
    return HOST.format(slug=slug or db.seed["tenants"][index])


def _page(
    run: Run, srv: Server, db: Database, scenario: str, path: str = "/", *, cookie: str | None = None, **extra: Any
) -> Row:
    headers = {"Host": _host(db, slug=extra.pop("slug", None))}
    if cookie:
        headers["Cookie"] = f"portique_session={cookie}"
    expected = extra.pop("expect", 200)
    must_show = extra.pop("shows", None)
    probe = httpx.get(srv.url + path, headers=headers, timeout=30)
    row = Row(scenario, db.kind, srv.workers)
    if probe.status_code != expected:
        row.note = f"skipped: {path} answered {probe.status_code}, expected {expected}"
        return run.add(row)
    if must_show and must_show not in probe.text:
        row.note = f"skipped: {path} does not show {must_show!r} (not the expected page)"
        return run.add(row)
    return _load(run, srv, row, path, headers, expected)


def _load(run: Run, srv: Server, row: Row, path: str, headers: dict[str, str], expected: int = 200) -> Row:
    """Drive ``path`` with wrk; record req/s, latency, CPU and SQL statements per request."""
    cpu, stats = srv.cpu_seconds(), _stats(srv)
    result = run_wrk(srv.url + path, seconds=run.config.seconds, connections=run.config.connections, headers=headers)
    cpu, after = srv.cpu_seconds() - cpu, _stats(srv)
    if stats and after and after["requests"] > stats["requests"]:
        row.statements_per_request = (after["statements"] - stats["statements"]) / (
            after["requests"] - stats["requests"]
        )
    if expected == 200 and result.non_2xx_3xx:
        row.note = _join(row.note, f"{result.non_2xx_3xx} non-2xx/3xx responses")
    return run.add(row, result, srv, cpu)


def _stats(srv: Server) -> dict[str, int] | None:
    """Requests and SQL statements counted so far by a single-worker server (``bench.apps.counted``)."""
    if srv.workers != 1:
        return None
    try:
        answer = httpx.get(srv.url + STATS_PATH, timeout=10)
    except httpx.HTTPError:
        return None
    return answer.json() if answer.status_code == 200 else None


def reference(run: Run, when: str) -> None:
    """The bare Starlette hello-world on the fastest stack (uvloop + httptools), measured first and last."""
    with server(None, app="bench.apps:reference_app", loop="uvloop") as srv:
        cpu = srv.cpu_seconds()
        result = run_wrk(srv.url + "/", seconds=run.config.seconds, connections=run.config.connections)
        cpu = srv.cpu_seconds() - cpu
        row = Row(f"hello-world reference ({when})", "-", note=describe_stack(http_stack("uvloop")))
        run.add(row, result, srv, cpu)
        run.set_reference(result.rps, cpu * 1000 / result.requests if result.requests else None)


def peer(run: Run, db: Database) -> Row:
    """The naive one-query Starlette page (``bench.peer``) on the scenario's database, signed in by its cookie.

    It runs on uvloop, the loop uvicorn picks by itself once ``uvicorn[standard]`` is installed.
    """
    row = Row("naive one-query Starlette page", db.kind, note="Starlette + Jinja + session cookie + 20-row query")
    with server(db, app="bench.apps:peer_app", loop="uvloop") as srv:
        signed = httpx.get(srv.url + "/login", timeout=30, follow_redirects=False)
        cookie = signed.cookies.get("session")
        probe = httpx.get(srv.url + "/", headers={"Cookie": f"session={cookie}"}, timeout=30)
        if not cookie or probe.status_code != 200 or "ITM-" not in probe.text:
            row.note = f"skipped: the peer page answered {probe.status_code}"
            return run.add(row)
        return _load(run, srv, row, "/", {"Cookie": f"session={cookie}"})


def pages(run: Run, kind: str) -> None:
    """Anonymous home, a 404, the signed-in dashboard and ticket list, then password logins, on one database."""
    with database(kind, 4, run.config.postgres_url, tickets=TICKETS) as db:
        if run.config.wants_page("peer"):
            peer(run, db)
        with server(db) as srv:
            _portique_pages(run, srv, db)


def _portique_pages(run: Run, srv: Server, db: Database) -> None:
    signed_in = db.seed["session_cookie"]
    label = f"my tickets ({TICKETS // 1000} among {TICKETS:,})"
    rows: dict[str, Row] = {}
    if run.config.wants_page("home"):
        rows["home"] = _page(run, srv, db, "anonymous home (4 tenants)")
    if run.config.wants_page("404"):
        _page(run, srv, db, "404 page", "/no-such-page", expect=404)
    if run.config.wants_page("dashboard"):
        rows["dashboard"] = _page(run, srv, db, "signed-in dashboard", cookie=signed_in, shows=db.seed["user"]["login"])
    if run.config.wants_page("tickets"):
        rows["tickets"] = _page(run, srv, db, label, "/tickets", cookie=signed_in, shows="TKT-")
    customer = ("session_cookie",)
    targets = {"home": Target("/"), "dashboard": Target("/", customer), "tickets": Target("/tickets", customer)}
    for page in PROVIDER_PAGES:
        if run.config.wants_page(page.key):
            target = targets[page.key] = Target(page.path, ("providers", page.portal.plugin), page.portal.slug)
            cookie = target.cookie(db.seed)
            rows[page.key] = _page(
                run, srv, db, page.scenario, page.path, cookie=cookie, slug=target.slug, shows=page.shows
            )
    for key, row in rows.items():
        _consider_for_profile(run, row, db, targets[key])
    if run.config.wants("login"):
        logins(run, srv, db)


@dataclass(frozen=True)
class Target:
    """A page to load: its path, where the seed keeps its session cookie, the tenant that serves it."""

    path: str
    session: tuple[str, ...] = ()  # keys into the seed: ("session_cookie",), ("providers", plugin)
    slug: str | None = None

    def cookie(self, seed: dict[str, Any]) -> str | None:
        """The cookie of the signed-in session in this seed (``None``: signed out)."""
        return cookie_in(seed, self.session)


def _consider_for_profile(run: Run, row: Row, db: Database, target: Target) -> None:
    """Keep the page as the one to profile when it is the slowest so far (in CPU per request)."""
    cost = row.cpu_ms_per_request
    if not cost:
        return
    if run.slowest is None or cost > run.slowest[0]:
        kind = db.kind
        run.slowest = (cost, f"{row.scenario} [{kind}]", target.path, lambda: _profile(run, kind, target))


def _profile(run: Run, kind: str, target: Target) -> None:
    """Serve the slowest page again under pyinstrument, on a database seeded the same way."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    assert run.slowest is not None
    slug = re.sub(r"[^a-z0-9]+", "-", run.slowest[1].lower()).strip("-")
    stem = RESULTS / f"profile-{stamp}-{slug}"
    with (
        database(kind, 4, run.config.postgres_url, tickets=TICKETS) as db,
        server(db, profile=stem) as srv,
    ):
        headers = {"Host": _host(db, slug=target.slug)}
        cookie = target.cookie(db.seed)
        if cookie:
            headers["Cookie"] = f"portique_session={cookie}"
        seconds, connections = run.config.seconds, run.config.connections
        run_wrk(srv.url + target.path, seconds=seconds, connections=connections, headers=headers)
    print(f"\nprofile of the slowest page, {run.slowest[1]}: {stem}.html and {stem}.txt")


def _wait_idle(srv: Server, timeout: float = 30.0) -> None:
    """Wait until the server has finished what an earlier load left queued (under 4 % of a core used)."""
    deadline = time.monotonic() + timeout
    used = srv.cpu_seconds()
    while time.monotonic() < deadline:
        time.sleep(0.5)
        used, before = srv.cpu_seconds(), used
        if used - before < 0.02:
            return


def logins(run: Run, srv: Server, db: Database) -> None:
    """Password logins (POST /login with argon2id) per second, and the home page's p99 during the storm."""
    host = _host(db)
    row = Row("password login POST", db.kind, srv.workers)
    page = httpx.get(srv.url + "/login", headers={"Host": host}, timeout=30)
    if page.status_code != 200:
        row.note = f"skipped: GET /login answered {page.status_code}"
        run.add(row)
        return
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text) or re.search(
        r'name="csrf-token" content="([^"]+)"', page.text
    )
    cookie = page.cookies.get("portique_session")
    if not token or not cookie:
        row.note = "skipped: no csrf_token or session cookie on /login"
        run.add(row)
        return
    user = db.seed["user"]
    form = {"csrf_token": token.group(1), "login": user["email"], "password": user["password"]}
    body = urllib.parse.urlencode(form)
    headers = {"Host": host, "Cookie": f"portique_session={cookie}"}
    check = httpx.post(
        srv.url + "/login",
        content=body,
        headers={**headers, "Content-Type": "application/x-www-form-urlencoded"},
        timeout=30,
    )
    if check.status_code not in (302, 303) or "portique_session" not in check.headers.get("set-cookie", ""):
        row.note = f"skipped: a test login answered {check.status_code} without a new session"
        run.add(row)
        return
    seconds, conns = run.config.seconds, max(4, run.config.connections // 4)
    # Logins alone first, as the raw verifications are measured: nothing else competes for the cores.
    _wait_idle(srv)
    cpu = srv.cpu_seconds()
    result = run_wrk(
        srv.url + "/login", seconds=seconds, connections=conns, headers=headers, script=lua_post_form(body)
    )
    cpu = srv.cpu_seconds() - cpu
    if result.non_2xx_3xx:
        row.note = f"{result.non_2xx_3xx} non-2xx/3xx responses (throttled?)"
    row.note = _join(row.note, f"{conns} connections, logins only")
    run.add(row, result, srv, cpu)
    threads = argon.server_threads()
    _wait_idle(srv)
    rate = argon.verify_rate(seconds, threads)
    note = f"right after the logins, {threads} thread(s) as the server hashes with: the goal's reference"
    run.add(Row(f"raw argon2id verify, {threads} thread(s)", db.kind, rps=rate, note=note))
    # Then the home page sampled while logins keep coming.
    storm = start_wrk(
        srv.url + "/login", seconds=seconds, connections=conns, headers=headers, script=lua_post_form(body)
    )
    time.sleep(min(1.0, seconds / 4))  # let the storm build up before sampling the home page
    during = run_wrk(srv.url + "/", seconds=max(1, seconds - 2), connections=8, headers={"Host": host}, threads=1)
    meanwhile = finish_wrk(storm)
    note = f"8 connections; logins meanwhile {meanwhile.rps:.1f}/s"
    run.add(Row("anonymous home during login storm", db.kind, srv.workers, note=note), during, srv)


def many_tenants(run: Run) -> None:
    """The same page with 1,000 tenants in the database, then spread over all 1,000 tenants."""
    with database("sqlite", 1000, run.config.postgres_url) as db, server(db) as srv:
        _page(run, srv, db, "anonymous home (1,000 tenants)")
        hosts = [HOST.format(slug=s) for s in db.seed["tenants"]]
        row = Row("home, each request another tenant", db.kind, srv.workers, note="1,000 tenants, wrk Lua script")
        cpu = srv.cpu_seconds()
        result = run_wrk(
            srv.url + "/",
            seconds=run.config.seconds,
            connections=run.config.connections,
            script=lua_rotating_hosts(hosts),
        )
        run.add(row, result, srv, srv.cpu_seconds() - cpu)


def two_workers(run: Run) -> None:
    """The anonymous home on two uvicorn workers."""
    with database("sqlite", 4, run.config.postgres_url) as db, server(db, workers=2) as srv:
        _page(run, srv, db, "anonymous home (4 tenants)")


def as_shipped(run: Run) -> None:
    """``portique serve --no-access-log`` itself (its JSON access log is still written)."""
    with database("sqlite", 4, run.config.postgres_url) as db:
        command = [PORTIQUE, "serve", "--no-access-log"]
        with server(db, command=command) as srv:
            row = _page(run, srv, db, "home via `portique serve`")
            row.note = _join(row.note, "--no-access-log; app access log still on")


def hashing(run: Run) -> None:
    """Raw argon2id verifications per second with the server's hashing threads, and with every core."""
    threads = argon.server_threads()
    for n in sorted({threads, os.cpu_count() or 1}):
        note = "as many threads as the server hashes with" if n == threads else "every core, for scale"
        rate = argon.verify_rate(min(3.0, run.config.seconds), n)
        run.add(Row(f"raw argon2id verify, {n} thread(s)", "-", rps=rate, note=f"{note}; {argon.parameters()}"))


def library_search(run: Run) -> None:
    """OMICRON library search, in-process query time, at 2,000 and 100,000 documents."""
    rounds = 5 if run.config.seconds <= 2 else 30
    for size, p50, p99 in library.library_timings(rounds=rounds):
        run.add(Row(f"OMICRON library search, {size:,} documents", "sqlite", p50_ms=p50, p99_ms=p99, note="query"))


def ticket_queue(run: Run) -> None:
    """The console's ticket queue query over 1,000,000 tickets (100,000 with --quick), PostgreSQL."""
    total = 100_000 if run.config.seconds <= 2 else 1_000_000
    for scenario, p50, p99 in queue.queue_timings(run.config.postgres_url, total=total):
        run.add(Row(f"ticket queue, {scenario}", "postgresql", p50_ms=p50, p99_ms=p99, note="query"))


# -- goals ------------------------------------------------------------------------------------------------


def _ratio_goal(out: list[Goal], name: str, row: Row | None, minimum: float) -> None:
    if row is not None and row.ratio is not None:
        cpu = f" (CPU {row.cpu_ratio:.3f})" if row.cpu_ratio else ""
        out.append(Goal(name, f"≥ {minimum} × hello-world", f"{row.ratio:.3f}{cpu}", row.ratio >= minimum))


def _database_goals(run: Run, kind: str) -> list[Goal]:
    """The page, login and login-storm targets on one database."""
    out: list[Goal] = []
    _ratio_goal(out, f"anonymous home, {kind}", run.find("anonymous home (4 tenants)", kind), 0.15)
    dash = run.find("signed-in dashboard", kind)
    _ratio_goal(out, f"signed-in dashboard, {kind}", dash, 0.06)
    naive = run.find("naive one-query Starlette page", kind)
    if dash is not None and naive is not None and dash.rps and naive.rps:
        times = dash.rps / naive.rps
        out.append(Goal(f"dashboard vs naive peer, {kind}", "≥ 2 × req/s", f"{times:.2f}", times >= 2))
    if dash is not None and dash.p99_ms is not None:
        out.append(Goal(f"dashboard p99, {kind}", "< 150 ms", f"{dash.p99_ms:.1f} ms", dash.p99_ms < 150))
    login = run.find("password login POST", kind)
    raw_scenario = f"raw argon2id verify, {argon.server_threads()} thread(s)"
    raw = run.find(raw_scenario, kind) or run.find(raw_scenario, "-")  # measured next to the logins if it was
    if login is not None and login.rps and raw is not None and raw.rps:
        ratio = login.rps / raw.rps
        out.append(Goal(f"logins/s vs raw argon2id, {kind}", "≥ 0.85", f"{ratio:.2f}", ratio >= 0.85))
    for page in PROVIDER_PAGES:
        row = run.find(page.scenario, kind)
        if row is not None and row.cpu_ms_per_request:
            cost = row.cpu_ms_per_request
            out.append(Goal(f"{page.scenario} CPU, {kind}", "≤ 3 ms/req", f"{cost:.2f} ms", cost <= 3))
    storm = run.find("anonymous home during login storm", kind)
    if storm is not None and storm.p99_ms is not None:
        out.append(Goal(f"home p99 in login storm, {kind}", "< 100 ms", f"{storm.p99_ms:.1f} ms", storm.p99_ms < 100))
    return out


def _scale_goals(run: Run) -> list[Goal]:
    """The tenant-count and worker-count targets (SQLite)."""
    out: list[Goal] = []
    few, many = run.find("anonymous home (4 tenants)", "sqlite"), run.find("anonymous home (1,000 tenants)", "sqlite")
    if few and many and few.rps and many.rps:
        cpu = (
            f" (CPU {few.cpu_ms_per_request / many.cpu_ms_per_request:.2f})"
            if few.cpu_ms_per_request and many.cpu_ms_per_request
            else ""
        )
        out.append(Goal("1,000 vs 4 tenants", "≥ 0.95", f"{many.rps / few.rps:.2f}{cpu}", many.rps / few.rps >= 0.95))
    two = run.find("anonymous home (4 tenants)", "sqlite", workers=2)
    if few and two and few.rps and two.rps:
        out.append(Goal("2 workers vs 1", "≥ 1.5", f"{two.rps / few.rps:.2f}", two.rps / few.rps >= 1.5))
    return out


def goals(run: Run) -> list[Goal]:
    """Issue 10's targets that this run can check."""
    out: list[Goal] = [goal for kind in ("sqlite", "postgresql") for goal in _database_goals(run, kind)]
    out += _scale_goals(run)
    for row in run.rows:
        if row.scenario.startswith("ticket queue, 1,000,000 tickets") and row.p99_ms is not None:
            out.append(Goal(row.scenario, "p99 < 100 ms", f"{row.p99_ms:.1f} ms", row.p99_ms < 100))
    big = run.find("OMICRON library search, 100,000 documents", "sqlite")
    if big is not None and big.p99_ms is not None:
        out.append(Goal("library search p99, 100,000 docs", "< 50 ms", f"{big.p99_ms:.1f} ms", big.p99_ms < 50))
    rss = [v for r in run.rows if r.database != "-" for v in r.rss_mb]
    if rss:
        out.append(Goal("RSS per worker after load", "< 150 MB", f"max {max(rss):.0f} MB", max(rss) < 150))
    return out


# -- entry point ------------------------------------------------------------------------------------------


def _git_commit() -> str:
    try:
        return subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return ""


def _loadavg() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return ""


PAGES = ("peer", "home", "404", "dashboard", "tickets", *(page.key for page in PROVIDER_PAGES))
GROUPS = ("sqlite", "postgresql", "login", "tenants", "workers", "shipped", "argon2", "library", "queue")


def _scenarios(run: Run, config: Config, *, with_pg: bool) -> None:
    """Every scenario group asked for, between two hello-world references."""
    reference(run, "first")
    if config.wants("sqlite") or config.wants("login"):
        pages(run, "sqlite")
    if config.wants("postgresql") or (config.wants("login") and with_pg):
        if with_pg:
            pages(run, "postgresql")
        else:
            run.add(Row("PostgreSQL scenarios", "postgresql", note=f"skipped: no server at {config.postgres_url}"))
    groups = (
        ("tenants", many_tenants),
        ("workers", two_workers),
        ("shipped", as_shipped),
        ("argon2", hashing),
        ("library", library_search),
    )
    for group, scenario in groups:
        if config.wants(group):
            scenario(run)
    if config.wants("queue") and with_pg:
        ticket_queue(run)
    reference(run, "last")


def main(argv: list[str] | None = None) -> None:
    """Run every scenario, print the table and the goals, and write the JSON."""
    parser = argparse.ArgumentParser(prog="python -m bench", description="Portique load benchmarks.")
    parser.add_argument("--quick", action="store_true", help="2 s per scenario, no profile (a smoke run)")
    parser.add_argument("--seconds", type=float, default=None, help="seconds per scenario (default 5)")
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--postgres", default=os.environ.get("PORTIQUE_BENCH_POSTGRES_URL", DEFAULT_POSTGRES))
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--no-profile", action="store_true")
    parser.add_argument("--only", default="", help=f"comma-separated groups among: {', '.join(GROUPS)}")
    parser.add_argument("--pages", default="", help=f"pages of the database groups among: {', '.join(PAGES)}")
    args = parser.parse_args(argv)
    only = {g.strip() for g in args.only.split(",") if g.strip()}
    unknown = only - set(GROUPS)
    if unknown:
        parser.error(f"unknown group(s): {', '.join(sorted(unknown))}")
    chosen = {p.strip() for p in args.pages.split(",") if p.strip()}
    if chosen - set(PAGES):
        parser.error(f"unknown page(s): {', '.join(sorted(chosen - set(PAGES)))}")
    config = Config(
        seconds=args.seconds or (2.0 if args.quick else 5.0),
        connections=args.connections,
        postgres_url=args.postgres,
        only=only,
        profile=not (args.quick or args.no_profile),
        pages=chosen,
    )
    run = Run(config)
    started = datetime.now(UTC)
    load_before = _loadavg()
    print(
        f"Portique bench {started:%Y-%m-%d %H:%M} UTC, {config.seconds:g} s per scenario, "
        f"{config.connections} connections, {os.cpu_count()} CPUs, load average {load_before}\n"
    )
    _scenarios(run, config, with_pg=not args.no_postgres and postgres_available(config.postgres_url))
    print(_header())
    for row in run.rows:
        print(_format_row(row))
    print(
        f"ratio = req/s ÷ the mean hello-world req/s of this run ({run.reference_rps:,.0f}); CPU ratio = hello-world "
        "CPU ms per request ÷ this row's (server processes, all threads: steadier than req/s on a shared machine)"
    )
    checked = goals(run)
    print("\nGoals (issue 10), measured in this run:")
    for goal in checked:
        verdict = "met" if goal.met else "MISSED"
        print(f"  {goal.name:<36} {goal.target:<22} {goal.measured:<24} {verdict}")
    if config.profile and run.slowest is not None:
        run.slowest[3]()
    RESULTS.mkdir(parents=True, exist_ok=True)
    target = RESULTS / f"bench-{started:%Y%m%dT%H%M%SZ}.json"
    payload = {
        "started": started.isoformat(),
        "commit": _git_commit(),
        "cpus": os.cpu_count(),
        "load_average_before": load_before,
        "load_average_after": _loadavg(),
        "seconds_per_scenario": config.seconds,
        "connections": config.connections,
        "reference_rps": run.reference_rps,
        "reference_runs": run.reference_runs,
        "rows": [asdict(r) for r in run.rows],
        "goals": [asdict(g) for g in checked],
    }
    target.write_text(json.dumps(payload, indent=2), encoding="utf-8")
    print(
        f"\nresults: {target.relative_to(ROOT)}   (machine shared with other work: load average was "
        f"{load_before} before, {_loadavg()} after)"
    )
