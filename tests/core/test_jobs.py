"""The worker runs the periodic jobs plugins declare (portique_periodic_jobs), each at its interval."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from core.jobs import periodic_jobs, run_due_jobs
from core.periodic import PeriodicJob


async def test_default_plugins_declare_their_jobs(portal):
    names = [job.name for job in periodic_jobs(portal)]
    assert "identity.purge_expired" in names
    assert "ticketing.record_breaches" in names
    hook_answers = portal.plugins.hook.portique_periodic_jobs()
    assert sum(len(answer) for answer in hook_answers) == len(names)


async def test_jobs_run_at_their_interval_and_a_failure_does_not_stop_the_others(portal, time_machine, caplog):
    time_machine.move_to(datetime(2026, 11, 26, 9, 0, tzinfo=UTC), tick=False)
    runs: list[str] = []

    async def ok(_portal):
        runs.append("ok")
        return "did things"

    async def broken(_portal):
        runs.append("broken")
        raise RuntimeError("boom")

    jobs = [PeriodicJob("broken", timedelta(minutes=5), broken), PeriodicJob("ok", timedelta(minutes=1), ok)]
    next_runs: dict[str, datetime] = {}
    await run_due_jobs(portal, jobs, next_runs)
    assert runs == ["broken", "ok"]
    time_machine.move_to(datetime(2026, 11, 26, 9, 1, tzinfo=UTC), tick=False)
    await run_due_jobs(portal, jobs, next_runs)
    assert runs == ["broken", "ok", "ok"]
    time_machine.move_to(datetime(2026, 11, 26, 9, 5, tzinfo=UTC), tick=False)
    await run_due_jobs(portal, jobs, next_runs)
    assert runs == ["broken", "ok", "ok", "broken", "ok"]
