"""What a plugin reports after creating demo data, printed by ``portique demo``."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DemoAccount:
    """A demo login to try a journey: who, with what password, and what to try."""

    login: str
    password: str
    note: str
