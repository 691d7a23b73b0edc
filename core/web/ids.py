"""Row ids and other whole numbers from a request: ASCII digits only, within the column's range.

``str.isdigit()`` and ``int()`` accept far more than a person types (``"²"``, ``"٣"``, ``" 7"``,
``"1_000"``), and an id beyond the column's range makes the database driver raise instead of
finding nothing. Everything that reads a number from a path, a query string or a form goes
through :func:`parse_int` / :func:`parse_id`, and routes take ids with the ``{name:id}``
convertor, which only matches ids a row can have (anything else is a 404).
"""

from __future__ import annotations

import re
from typing import ClassVar

from starlette.convertors import Convertor, register_url_convertor

# Integer primary keys are 32-bit on PostgreSQL (``SERIAL``); SQLite would take 64 bits, but one
# bound for both databases keeps the answers the same wherever the portal runs.
ID_MAX = 2**31 - 1
_DIGITS = re.compile(r"[0-9]{1,32}")


def _range_pattern(maximum: int) -> str:
    """A regular expression matching the decimal numbers 0…``maximum`` and nothing above it."""
    digits = str(maximum)
    width = len(digits)
    branches = [f"[0-9]{{1,{width - 1}}}"] if width > 1 else []  # fewer digits: always below
    for position, digit in enumerate(digits):
        if digit == "0":
            continue
        lower = "0" if digit == "1" else f"[0-{int(digit) - 1}]"
        rest = width - position - 1
        branches.append(digits[:position] + lower + (f"[0-9]{{{rest}}}" if rest else ""))
    branches.append(digits)
    return "(?:" + "|".join(branches) + ")"


ID_PATTERN = _range_pattern(ID_MAX)


def is_digits(value: object) -> bool:
    """``value`` is a non-empty string of ASCII digits (``0``–``9`` only; ``"²"`` and ``"٣"`` are not)."""
    return isinstance(value, str) and value.isascii() and value.isdigit()


def parse_int(value: object, *, minimum: int = 0, maximum: int = ID_MAX) -> int | None:
    """``value`` as a whole number when it is ASCII digits within ``minimum…maximum``, else ``None``."""
    if not isinstance(value, str) or _DIGITS.fullmatch(value) is None:
        return None
    number = int(value)
    return number if minimum <= number <= maximum else None


def parse_id(value: object) -> int | None:
    """A row id (1…:data:`ID_MAX`) from request data, or ``None`` when it cannot name a row."""
    return parse_int(value, minimum=1)


class IdConvertor(Convertor[int]):
    """``{name:id}`` in a route: ASCII digits naming a possible row id; the route does not match
    (a 404) for anything else, including numbers beyond the column's range."""

    regex: ClassVar[str] = ID_PATTERN

    def convert(self, value: str) -> int:
        return int(value)

    def to_string(self, value: int) -> str:
        number = int(value)
        if not 0 <= number <= ID_MAX:
            raise ValueError("an id is between 0 and ID_MAX")
        return str(number)


register_url_convertor("id", IdConvertor())
