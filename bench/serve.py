"""``python -m bench.serve``: uvicorn with the settings of ``portique serve``, optionally under pyinstrument."""

from __future__ import annotations

import argparse
from pathlib import Path

from core.serving import serve
from core.settings import load_settings


def main() -> None:
    """Serve one application until SIGINT/SIGTERM; with ``--profile`` write a pyinstrument report on exit."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--app", default="bench.apps:portique_app", help="import string of an app factory")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--loop", choices=("asyncio", "uvloop"), help="event loop (default: PORTIQUE_EVENT_LOOP's)")
    parser.add_argument("--profile", type=Path, default=None, help="write <path>.html and <path>.txt")
    args = parser.parse_args()
    profiler = None
    if args.profile is not None:
        from pyinstrument import Profiler

        profiler = Profiler(interval=0.0005, async_mode="disabled")
        profiler.start()
    # The same options as ``core.cli.serve`` (``--no-access-log``).
    serve(
        args.app,
        host="127.0.0.1",
        port=args.port,
        workers=args.workers,
        event_loop=args.loop or load_settings().event_loop,
        access_log=False,
        log_level="warning",
        proxy_headers=True,
    )
    if profiler is not None:
        profiler.stop()
        args.profile.parent.mkdir(parents=True, exist_ok=True)
        args.profile.with_suffix(".html").write_text(profiler.output_html(), encoding="utf-8")
        args.profile.with_suffix(".txt").write_text(
            profiler.output_text(unicode=True, color=False, show_all=False), encoding="utf-8"
        )


if __name__ == "__main__":
    main()
