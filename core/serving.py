"""Running the application under uvicorn: one process, or several workers sharing the port fairly.

With uvicorn's own ``--workers``, every worker accepts from one shared listening socket, and the
first worker to wake takes a whole burst of new connections (asyncio accepts up to the backlog at
once): under keep-alive traffic one worker stays busy while the others idle. On Linux each worker
here gets its own listening socket in a ``SO_REUSEPORT`` group instead, so the kernel spreads new
connections over the workers. The sockets are bound by the supervisor and handed to the workers,
so connections waiting for a worker that is being restarted stay queued rather than refused.
"""

from __future__ import annotations

import importlib.util
import logging
import multiprocessing
import signal
import socket
import threading
import time
from dataclasses import dataclass, field
from multiprocessing.process import BaseProcess
from typing import Any

import uvicorn

from core.metrics import forget_process
from core.settings import Settings

logger = logging.getLogger("portique.serving")

CRASH_WINDOW = 5.0  # seconds: a worker dying sooner than this after its start counts as a crash loop
MAX_QUICK_DEATHS = 5
STOP_GRACE = 30.0  # seconds a worker gets to finish its requests after SIGTERM


def proxy_options(settings: Settings) -> dict[str, Any]:
    """uvicorn's forwarded-header settings from ``PORTIQUE_TRUSTED_PROXIES``.

    With no trusted proxy, uvicorn reads no ``X-Forwarded-*`` header at all (its own default would
    believe anything that connects from 127.0.0.1): the connection's peer is the client, for the
    per-IP throttles and the audit log.
    """
    trusted = settings.trusted_proxy_list
    return {"proxy_headers": bool(trusted), "forwarded_allow_ips": trusted}


def http_stack(event_loop: str = "asyncio") -> dict[str, str]:
    """uvicorn's event loop (``event_loop``, ``PORTIQUE_EVENT_LOOP``) and HTTP parser (httptools).

    They are chosen explicitly rather than left to uvicorn's ``auto``: uvicorn would pick uvloop
    whenever it is installed, and a deployment that lost httptools (a platform without wheels) says
    so at start-up instead of silently serving through the pure-Python ``h11`` parser at a third of
    the requests per second. A ``uvloop`` asked for but missing falls back to ``asyncio``.

    Why ``asyncio`` by default: a Portique request on SQLite (and most on PostgreSQL) runs from its
    first byte to its response without giving the loop back, and under uvloop, with more busy
    connections than the process serves at once, some connections then wait seconds while the
    others are served in milliseconds (signed-in dashboard at 64 connections: p99 2.2 s on uvloop,
    0.18 s on asyncio, at the same requests per second). The standard loop serves ready connections
    in turn.
    """
    loop = event_loop if event_loop == "asyncio" or importlib.util.find_spec(event_loop) else "asyncio"
    return {"loop": loop, "http": "httptools" if importlib.util.find_spec("httptools") else "h11"}


def describe_stack(options: dict[str, Any]) -> str:
    """One start-up line naming the event loop and HTTP parser of ``options``."""
    return f"HTTP stack: {options['loop']} event loop, {options['http']} HTTP parser"


def serve(app: str, *, host: str, port: int, workers: int = 1, event_loop: str = "asyncio", **options: Any) -> None:
    """Serve the application factory ``app`` (an import string) until SIGINT/SIGTERM.

    ``options`` are uvicorn settings (``access_log``, ``log_level``, ``proxy_headers``...); the event
    loop and HTTP parser are :func:`http_stack`'s for ``event_loop`` unless ``options`` names them.
    """
    options = {**http_stack(event_loop), **options}
    print(describe_stack(options), flush=True)  # a start-up line, next to uvicorn's own
    if workers <= 1 or not hasattr(socket, "SO_REUSEPORT"):
        uvicorn.run(app, factory=True, host=host, port=port, workers=workers, **options)
        return
    Supervisor(app=app, host=host, port=port, workers=workers, options=options).run()


def bind_reuse_port(host: str, port: int, backlog: int = 2048) -> socket.socket:
    """A listening TCP socket on ``host:port`` that joins the port's ``SO_REUSEPORT`` group."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    sock.listen(backlog)
    sock.set_inheritable(True)
    return sock


def run_worker(app: str, sock: socket.socket, options: dict[str, Any]) -> None:
    """One worker process: uvicorn serving ``app`` on the socket it was given."""
    config = uvicorn.Config(app, factory=True, **options)
    uvicorn.Server(config).run(sockets=[sock])


@dataclass
class Supervisor:
    """Starts one worker per socket, restarts the ones that die, and stops them all on a signal."""

    app: str
    host: str
    port: int
    workers: int
    options: dict[str, Any]
    stopping: threading.Event = field(default_factory=threading.Event)

    def run(self) -> None:
        """Bind, start the workers, watch them until asked to stop, then stop them."""
        sockets = self._bind()
        context = multiprocessing.get_context("spawn")
        processes = [self._start(context, sock) for sock in sockets]
        started = [time.monotonic()] * len(processes)
        quick_deaths = 0
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, lambda *_: self.stopping.set())
        logger.info("serving on %s:%s with %s workers (SO_REUSEPORT)", self.host, self.port, self.workers)
        try:
            while not self.stopping.wait(0.5):
                for index, process in enumerate(processes):
                    if process.is_alive():
                        continue
                    quick_deaths = quick_deaths + 1 if time.monotonic() - started[index] < CRASH_WINDOW else 0
                    if quick_deaths >= MAX_QUICK_DEATHS:
                        logger.error("workers keep dying at start (exit code %s): stopping", process.exitcode)
                        self.stopping.set()
                        break
                    logger.warning("worker %s exited with %s: restarting it", process.pid, process.exitcode)
                    forget_process(process.pid)
                    processes[index] = self._start(context, sockets[index])
                    started[index] = time.monotonic()
        finally:
            self._stop(processes)
            for sock in sockets:
                sock.close()

    def _bind(self) -> list[socket.socket]:
        first = bind_reuse_port(self.host, self.port)
        port = first.getsockname()[1]  # the same port for every worker, also when asked for port 0
        return [first, *(bind_reuse_port(self.host, port) for _ in range(self.workers - 1))]

    def _start(self, context: Any, sock: socket.socket) -> BaseProcess:
        process: BaseProcess = context.Process(target=run_worker, args=(self.app, sock, self.options))
        process.start()
        return process

    @staticmethod
    def _stop(processes: list[BaseProcess]) -> None:
        for process in processes:
            if process.is_alive():
                process.terminate()  # SIGTERM: uvicorn finishes the requests in flight
        deadline = time.monotonic() + STOP_GRACE
        for process in processes:
            process.join(max(0.0, deadline - time.monotonic()))
            if process.is_alive():
                process.kill()
                process.join()
