"""EAN codes of Belgian supply points: 18 digits, prefix 54, GS1 check digit."""

from __future__ import annotations

from stdnum import ean as gs1_ean

from core.api import gettext as _

EAN_LENGTH = 18
BELGIAN_PREFIX = "54"


def compact(value: str) -> str:
    """The EAN without spaces, dots or dashes."""
    return "".join(ch for ch in str(value) if ch not in " .-\u00a0")


def check_digit(body: str) -> str:
    """The GS1 check digit of the first 17 digits (weights 3 and 1 from the right).

    ``stdnum.ean`` validates only 8/12/13/14-digit keys, but its check-digit arithmetic is the GS1
    one for any length, so it serves the 18-digit GSRN used for supply points.
    """
    return gs1_ean.calc_check_digit(body)


def ean_problem(value: str) -> str | None:
    """A translated explanation of what is wrong with ``value``, or ``None`` when it is a valid EAN."""
    code = compact(value)
    if not (code.isascii() and code.isdigit()) or len(code) != EAN_LENGTH:
        return _("An EAN code has exactly 18 digits.")
    if not code.startswith(BELGIAN_PREFIX):
        return _("A Belgian EAN code starts with 54.")
    if check_digit(code[:-1]) != code[-1]:
        return _("This EAN code is not valid (wrong check digit): please check it on your invoice.")
    return None


def is_valid_ean(value: str) -> bool:
    """``value`` is a valid Belgian 18-digit EAN."""
    return ean_problem(value) is None


def make_ean(body17: str) -> str:
    """Complete 17 digits with their check digit (used by demo data and tests)."""
    return body17 + check_digit(body17)
