"""Authlib's request and response, adapted to Starlette: the form is read (async) before Authlib runs."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from authlib.oauth2.rfc6749 import OAuth2Payload, OAuth2Request
from authlib.oauth2.rfc6749.errors import InsecureTransportError
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response


class StarlettePayload(OAuth2Payload):
    """The parameters of a request (query string, then form), as Authlib reads them."""

    def __init__(self, items: list[tuple[str, str]]) -> None:
        self._items = items

    @property
    def data(self) -> dict[str, str]:
        values: dict[str, str] = {}
        for key, value in self._items:
            values.setdefault(key, value)
        return values

    @property
    def datalist(self) -> defaultdict[str, list[str]]:
        values: defaultdict[str, list[str]] = defaultdict(list)
        for key, value in self._items:
            values[key].append(value)
        return values


class StarletteOAuth2Request(OAuth2Request):
    """An :class:`OAuth2Request` of a Starlette request whose form was already read."""

    def __init__(
        self,
        request: Request,
        query: dict[str, str],
        form: dict[str, str],
        items: list[tuple[str, str]],
        *,
        uri: str | None = None,
    ):
        """``uri`` replaces the request's address Authlib checks for HTTPS (an API that is not an OAuth endpoint)."""
        super().__init__(request.method, uri or str(request.url), headers=request.headers)
        self._query = query
        self._form = form
        self.payload = StarlettePayload(items)

    @property
    def args(self) -> dict[str, str]:
        return self._query

    @property
    def form(self) -> dict[str, str]:
        return self._form


async def oauth2_request(request: Request, *, with_form: bool = True) -> StarletteOAuth2Request:
    """Authlib's view of ``request``: its query string and, for a POST, its form."""
    query_items = list(request.query_params.multi_items())
    form_items: list[tuple[str, str]] = []
    if with_form and request.method == "POST":
        form = await request.form()
        form_items = [(key, value) for key, value in form.multi_items() if isinstance(value, str)]
    try:
        return StarletteOAuth2Request(
            request,
            query=dict(query_items),
            form=dict(form_items),
            items=query_items + form_items,
        )
    except InsecureTransportError:  # plain HTTP off loopback: the protocol forbids it, a 400 says so
        raise HTTPException(status_code=400, detail="OpenID Connect needs HTTPS.") from None


def starlette_response(status: int, body: Any, headers: list[tuple[str, str]]) -> Response:
    """The Starlette response of an Authlib answer (a dict is JSON)."""
    header_map = dict(headers)
    if isinstance(body, dict):
        header_map.pop("Content-Type", None)
        return JSONResponse(body, status_code=status, headers=header_map)
    return Response(body or b"", status_code=status, headers=header_map)
