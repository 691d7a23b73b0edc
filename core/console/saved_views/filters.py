"""Which queue filters a saved view keeps, and the link that applies them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from urllib.parse import urlencode

from core.web.ids import parse_id

VIEW_KEYS = ("tenant", "status", "category", "assignee", "sla")  # not the page cursor
VALUE_MAX = 60


def view_filters(values: Mapping[str, object], tenant_ids: Sequence[int]) -> dict[str, str]:
    """The queue filters among ``values`` (a tenant only when it is one of ``tenant_ids``)."""
    kept = {key: str(values.get(key) or "").strip()[:VALUE_MAX] for key in VIEW_KEYS}
    if parse_id(kept["tenant"]) not in tenant_ids:
        kept["tenant"] = ""
    return {key: value for key, value in kept.items() if value}


def applies_to(filters: Mapping[str, str], tenant_ids: Sequence[int]) -> bool:
    """Whether a view makes sense to a reader of ``tenant_ids`` (its tenant, if it names one, is theirs)."""
    return "tenant" not in filters or parse_id(filters["tenant"]) in tenant_ids


def query_of(filters: Mapping[str, str]) -> str:
    """The queue's query string for ``filters``, in the order the queue's form lists them."""
    return urlencode([(key, filters[key]) for key in VIEW_KEYS if filters.get(key)])
