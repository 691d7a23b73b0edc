"""The library benchmark measures real searches (a small library, one round: a smoke test, not a timing)."""

from __future__ import annotations

from bench.library import SEARCHES, library_timings


def test_library_benchmark_reports_p50_not_above_p99():
    [(size, p50, p99)] = library_timings(sizes=(300,), rounds=1)
    assert size == 300
    assert 0 < p50 <= p99
    assert len(SEARCHES) >= 5
