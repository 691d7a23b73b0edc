"""What a plugin says about deleting a user's account (``portique_deletion_rules``)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

Erase = Callable[[], Awaitable[dict[str, int]]]
"""Carries out the plugin's part of a deletion; answers what it did, counted (``{"devices_released": 2}``)."""


@dataclass(frozen=True)
class DeletionRule:
    """A plugin's answer for one user: may the account be deleted, what stays, what goes.

    :param refusal: why the account cannot be deleted now, translated, with the way out
        ("Remove the secondary users of account 123 first."); ``None`` when it may be.
    :param keeps: what the plugin keeps after the deletion and why, translated (one sentence each).
    :param removes: what the plugin removes or anonymises, translated (one sentence each).
    :param erase: called by the worker when the grace period is over, in the deletion's
        transaction: remove or anonymise the plugin's rows about the user, and answer counts for the
        audit entry. ``None`` when the plugin has nothing to do.
    """

    refusal: str | None = None
    keeps: tuple[str, ...] = field(default=())
    removes: tuple[str, ...] = field(default=())
    erase: Erase | None = None
