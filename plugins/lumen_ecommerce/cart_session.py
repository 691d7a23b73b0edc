"""The cart of the signed-in user, kept in their session: product code → quantity."""

from __future__ import annotations

from starlette.requests import Request

CART_KEY = "lumen_cart"


def session_cart(request: Request) -> dict[str, int]:
    """The cart in the session, keeping only positive whole quantities."""
    raw = request.state.session.get(CART_KEY) or {}
    return {str(k): int(v) for k, v in raw.items() if isinstance(v, int) and v > 0}


def keep_cart(request: Request, cart: dict[str, int]) -> None:
    """Store the cart in the session (an empty one empties it)."""
    request.state.session.set(CART_KEY, cart)
