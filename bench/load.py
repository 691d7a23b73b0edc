"""Driving a server with ``wrk`` (Debian's package, installed when missing) and reading its figures."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def ensure_wrk() -> str:
    """The path of ``wrk``, installing the Debian package first when it is missing."""
    path = shutil.which("wrk")
    if path:
        return path
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run([*sudo, "apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run([*sudo, "apt-get", "install", "-y", "-qq", "wrk"], check=True, env=env)
    path = shutil.which("wrk")
    if not path:
        raise RuntimeError("wrk is not installed and apt-get could not install it")
    return path


@dataclass
class LoadResult:
    """What one ``wrk`` run measured."""

    requests: int
    seconds: float
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int
    non_2xx_3xx: int

    @property
    def ok(self) -> bool:
        """Every response was a 2xx or 3xx and no socket error happened."""
        return self.errors == 0 and self.non_2xx_3xx == 0 and self.requests > 0


def _ms(value: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value.strip())
    if not match:
        raise ValueError(f"unexpected wrk duration {value!r}")
    return float(match.group(1)) * _UNITS[match.group(2)]


def parse_wrk(output: str) -> LoadResult:
    """Read the summary printed by ``wrk --latency``."""
    percentiles = {int(p): _ms(v) for p, v in re.findall(r"^\s+(\d+)%\s+(\S+)\s*$", output, re.MULTILINE)}
    total = re.search(r"(\d+) requests in ([\d.]+)(\w+),", output)
    rps = re.search(r"Requests/sec:\s+([\d.]+)", output)
    if not total or not rps:
        raise RuntimeError(f"could not read wrk's output:\n{output}")
    errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", output))
    non_ok = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return LoadResult(
        requests=int(total.group(1)),
        seconds=_ms(total.group(2) + total.group(3)) / 1000,
        rps=float(rps.group(1)),
        p50_ms=percentiles.get(50, float("nan")),
        p99_ms=percentiles.get(99, float("nan")),
        errors=errors,
        non_2xx_3xx=int(non_ok.group(1)) if non_ok else 0,
    )


def lua_rotating_hosts(hosts: list[str], path: str = "/") -> str:
    """A wrk script sending each request to the next tenant host (the same page on many tenants)."""
    listed = ", ".join(f'"{h}"' for h in hosts)
    return f"""
local hosts = {{{listed}}}
local i = 0
request = function()
  i = (i % #hosts) + 1
  wrk.headers["Host"] = hosts[i]
  return wrk.format("GET", "{path}")
end
"""


def lua_post_form(body: str) -> str:
    """A wrk script POSTing a url-encoded form (cookie and host go in headers)."""
    return f"""
wrk.method = "POST"
wrk.body = "{body}"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
"""


def start_wrk(
    url: str,
    *,
    seconds: float,
    connections: int,
    headers: dict[str, str] | None = None,
    script: str | None = None,
    threads: int = 1,
) -> tuple[subprocess.Popen[str], Path | None]:
    """Start ``wrk --latency`` (bounded in time); finish with :func:`finish_wrk`."""
    argv = [
        ensure_wrk(),
        f"-t{threads}",
        f"-c{connections}",
        f"-d{max(1, round(seconds))}s",
        "--timeout",
        "10s",
        "--latency",
    ]
    for name, value in (headers or {}).items():
        argv += ["-H", f"{name}: {value}"]
    script_path = None
    if script is not None:
        handle, name = tempfile.mkstemp(prefix="portique-bench-", suffix=".lua")
        os.close(handle)
        script_path = Path(name)
        script_path.write_text(script)
        argv += ["-s", str(script_path)]
    argv.append(url)
    return subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True), script_path


def finish_wrk(started: tuple[subprocess.Popen[str], Path | None]) -> LoadResult:
    """Wait for a ``wrk`` started by :func:`start_wrk` and parse its summary."""
    process, script_path = started
    try:
        output, _ = process.communicate(timeout=300)
    finally:
        if script_path is not None:
            script_path.unlink(missing_ok=True)
    return parse_wrk(output)


def run_wrk(url: str, **kwargs: object) -> LoadResult:
    """Run ``wrk`` once and return its figures."""
    return finish_wrk(start_wrk(url, **kwargs))  # type: ignore[arg-type]
