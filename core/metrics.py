"""Prometheus metrics: what the deployment does, correct across every process that serves it.

Counters live at module level, in :data:`REGISTRY`. When ``PROMETHEUS_MULTIPROC_DIR`` is set
(``portique serve --workers N`` sets it to a fresh folder of its own), prometheus_client keeps each
process's values in a file of that folder and a scrape adds them up: whichever worker answers
``/metrics``, the counters are the deployment's, and they never go backwards when a worker is
restarted.

The domain's counters (sign-ins, registrations, approvals, tickets) are counted from the audit
log: every audit event a committed transaction wrote is counted once, after the commit, so a
rolled-back change counts nothing and no flow has to call the metrics itself. What the database
already knows (the outbox by status, tickets past their SLA target) is read from it at scrape
time, so it is the same whichever machine the workers run on.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import tempfile
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client.multiprocess import mark_process_dead
from prometheus_client.process_collector import ProcessCollector
from sqlalchemy import event
from sqlalchemy.orm import Session

from core.audit.models import AuditEvent
from core.portal import get_portal

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
REGISTRY = CollectorRegistry()
PROCESS_SAMPLE_SECONDS = 15.0

REQUESTS = Counter("portique_requests", "HTTP requests by tenant and status", ["tenant", "status"], registry=REGISTRY)
LATENCY = Histogram(
    "portique_request_duration_seconds",
    "Request latency",
    ["tenant"],
    registry=REGISTRY,
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
)
LOGINS = Counter(
    "portique_logins",
    "Sign-in attempts by tenant and result (ok, failed, throttled)",
    ["tenant", "result"],
    registry=REGISTRY,
)
REGISTRATIONS = Counter(
    "portique_registrations",
    "Registrations by tenant and the state reached (registered, email_confirmed, activated, rejected)",
    ["tenant", "state"],
    registry=REGISTRY,
)
APPROVALS = Counter(
    "portique_approvals",
    "Operator approvals by tenant and state (requested, approved, rejected)",
    ["tenant", "state"],
    registry=REGISTRY,
)
TICKETS_OPENED = Counter("portique_tickets_opened", "Support tickets opened by tenant", ["tenant"], registry=REGISTRY)
SLA_BREACHES = Counter(
    "portique_ticket_sla_breaches",
    "Tickets newly found past their SLA target, by tenant",
    ["tenant"],
    registry=REGISTRY,
)
OUTBOX_DELIVERIES = Counter(
    "portique_outbox_deliveries",
    "Outbox delivery attempts by tenant and result (sent, retry, failed)",
    ["tenant", "result"],
    registry=REGISTRY,
)
JOB_RUNS = Counter(
    "portique_job_runs", "Background job runs by job and result (ok, failed)", ["job", "result"], registry=REGISTRY
)
PROCESS_GAUGES = {
    name: Gauge(f"portique_{name}", help_text, registry=REGISTRY, multiprocess_mode="liveall")
    for name, help_text in (
        ("process_resident_memory_bytes", "Resident memory of each serving process"),
        ("process_virtual_memory_bytes", "Virtual memory of each serving process"),
        ("process_cpu_seconds", "CPU time (user and system) spent by each serving process"),
        ("process_open_fds", "Open file descriptors of each serving process"),
        ("process_start_time_seconds", "Start time of each serving process, since the epoch"),
    )
}
_PROCESS = ProcessCollector(registry=None)

# Audit action -> (counter, label value). The tenant is the event's.
AUDIT_COUNTERS: dict[str, tuple[Counter, str | None]] = {
    "identity.login": (LOGINS, "ok"),
    "console.login": (LOGINS, "ok"),
    "identity.login_failed": (LOGINS, "failed"),
    "identity.login_refused": (LOGINS, "failed"),
    "console.login_failed": (LOGINS, "failed"),
    "identity.login_throttled": (LOGINS, "throttled"),
    "identity.registered": (REGISTRATIONS, "registered"),
    "identity.email_confirmed": (REGISTRATIONS, "email_confirmed"),
    "identity.activated": (REGISTRATIONS, "activated"),
    "identity.rejected": (REGISTRATIONS, "rejected"),
    "identity.approval_requested": (APPROVALS, "requested"),
    "approval.approved": (APPROVALS, "approved"),
    "approval.rejected": (APPROVALS, "rejected"),
    "ticket.opened": (TICKETS_OPENED, None),
}
_PENDING = "portique_metrics_audit"


def tenant_label(tenant_id: int | None) -> str:
    """The ``tenant`` label of a tenant id: its slug when the current portal knows it, ``-`` for none."""
    if tenant_id is None:
        return "-"

    try:
        tenant = get_portal().registry.by_id(tenant_id)
    except LookupError:
        tenant = None
    return tenant.slug if tenant is not None else str(tenant_id)


@event.listens_for(Session, "after_flush")
def _remember_audit_events(session: Session, _context: Any) -> None:
    found = [(obj.action, obj.tenant_id) for obj in session.new if isinstance(obj, AuditEvent)]
    if found:
        session.info.setdefault(_PENDING, []).extend(found)


@event.listens_for(Session, "after_commit")
def _count_audit_events(session: Session) -> None:
    for action, tenant_id in session.info.pop(_PENDING, ()):
        counter, value = AUDIT_COUNTERS.get(action, (None, None))
        if counter is None:
            continue
        labels = [tenant_label(tenant_id)] + ([value] if value is not None else [])
        counter.labels(*labels).inc()


@event.listens_for(Session, "after_rollback")
def _forget_audit_events(session: Session) -> None:
    session.info.pop(_PENDING, None)


def sample_process() -> None:
    """Copy this process's resource use (from ``/proc``) into the process gauges."""
    for family in _PROCESS.collect():
        for sample in family.samples:
            gauge = PROCESS_GAUGES.get(sample.name.removesuffix("_total"))
            if gauge is not None:
                gauge.set(sample.value)


async def sample_process_forever(interval: float = PROCESS_SAMPLE_SECONDS) -> None:
    """Refresh the process gauges every ``interval`` seconds (each serving worker runs it)."""
    while True:
        sample_process()
        await asyncio.sleep(interval)


# --- Several processes ----------------------------------------------------------------------


def multiprocess_dir() -> str | None:
    """The folder the processes share their values in, when several processes serve."""
    return os.environ.get(MULTIPROC_ENV) or None


def prepare_multiprocess(workers: int) -> str | None:
    """Before ``workers`` serving processes start: give them a fresh, private folder to share values in.

    Returns the folder to remove when serving stops, or ``None`` (one process, or a folder the
    operator set in ``PROMETHEUS_MULTIPROC_DIR``, which is theirs to empty before each start).
    """
    if workers <= 1 or multiprocess_dir():
        return None
    folder = tempfile.mkdtemp(prefix="portique-metrics-")
    os.environ[MULTIPROC_ENV] = folder
    return folder


def remove_multiprocess(folder: str | None) -> None:
    """Remove the folder :func:`prepare_multiprocess` made."""
    if folder:
        shutil.rmtree(folder, ignore_errors=True)
        os.environ.pop(MULTIPROC_ENV, None)


def forget_process(pid: int | None) -> None:
    """A serving process died: drop its live gauges (its counters keep counting in the total)."""
    folder = multiprocess_dir()
    if folder and pid is not None:
        mark_process_dead(pid, folder)  # type: ignore[no-untyped-call]
