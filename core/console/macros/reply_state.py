"""What the console's reply form holds between two renderings: text, options and the macros inserted."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from starlette.datastructures import FormData

from core.console.macros.models import BODY_MAX
from core.console.macros.picker import MacroChoice, MacroPicker
from core.web.ids import parse_id

USED_MAX = 10  # macro ids a reply form carries along


@dataclass(frozen=True)
class ReplyState:
    """The reply form's values: a fresh form answers "waiting on customer" after sending."""

    body: str = ""
    internal: bool = False
    status: str = "waiting"
    used_macros: tuple[int, ...] = ()
    chosen_macro: int | None = None

    @classmethod
    def of(cls, form: FormData, picker: MacroPicker) -> ReplyState:
        """The values a reply form was sent with (macros kept only when they are this ticket's tenant's)."""
        return cls(
            body=str(form.get("body") or "").strip()[:BODY_MAX],
            internal=form.get("internal") == "1",
            status=str(form.get("status") or ""),
            used_macros=tuple(used_ids(form.getlist("macro_used"), picker)),
        )

    def inserting(self, choice: MacroChoice) -> ReplyState:
        """The form with ``choice``'s text after what was typed, and ``choice`` among the macros used."""
        used = self.used_macros if choice.id in self.used_macros else (*self.used_macros, choice.id)
        return replace(
            self,
            body=with_macro(self.body, choice.text)[:BODY_MAX],
            used_macros=used[-USED_MAX:],
            chosen_macro=choice.id,
        )


def with_macro(draft: str, text: str) -> str:
    """The reply box after inserting ``text``: after what was already typed, never instead of it."""
    return f"{draft.rstrip()}\n\n{text}" if draft.strip() else text


def used_ids(values: Sequence[object], picker: MacroPicker) -> list[int]:
    """The macros a reply form says it used, kept when they are this ticket's tenant's (no repeats)."""
    found: list[int] = []
    for value in values[:USED_MAX]:
        choice = picker.find(parse_id(value)) if isinstance(value, str) else None
        if choice is not None and choice.id not in found:
            found.append(choice.id)
    return found
