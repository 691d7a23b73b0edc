"""The monitoring examples and the metrics guide speak of the metrics Portique really exposes."""

from __future__ import annotations

import json
import re
from pathlib import Path

import yaml

from core.metrics import REGISTRY

ROOT = Path(__file__).resolve().parents[2]
MONITORING = ROOT / "deploy" / "monitoring"
DATABASE_GAUGES = {"portique_outbox_messages", "portique_outbox_oldest_queued_seconds", "portique_tickets_sla_breached"}
NAME = re.compile(r"\bportique_[a-z_]+")


def families() -> set[str]:
    """Every family name a scrape shows."""
    return {metric.name for metric in REGISTRY.collect()} | DATABASE_GAUGES


def family_of(name: str) -> str:
    for suffix in ("_total", "_bucket", "_count", "_sum", "_created"):
        if name.endswith(suffix) and name.removesuffix(suffix) in families():
            return name.removesuffix(suffix)
    return name


def test_alert_rules_and_dashboard_use_existing_metrics():
    rules = yaml.safe_load((MONITORING / "alerts.yml").read_text())
    expressions = [rule["expr"] for group in rules["groups"] for rule in group["rules"]]
    dashboard = json.loads((MONITORING / "grafana-dashboard.json").read_text())
    expressions += [target["expr"] for panel in dashboard["panels"] for target in panel["targets"]]
    used = {family_of(name) for expr in expressions for name in NAME.findall(expr)}
    assert used - families() == set()
    assert len(used) >= 10


def test_every_family_is_documented():
    guide = (ROOT / "docs" / "operator" / "metrics.md").read_text()
    documented = {family_of(name) for name in NAME.findall(guide)}
    assert families() - documented == set()
