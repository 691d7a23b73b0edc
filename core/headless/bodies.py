"""The API's request and response bodies (pydantic): what the OpenAPI schema documents."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field, model_validator


class ErrorBody(BaseModel):
    """Every error: a stable code, a message for people, and the problems of each field."""

    error: str = Field(description="A stable code: invalid_credentials, invalid_token, throttled, not_found…")
    message: str = Field(default="", description="For people, in the request's language (Accept-Language).")
    fields: dict[str, list[str]] = Field(default_factory=dict)
    url: str | None = Field(
        default=None, description="The portal page that settles it (password_change_required, two_step_setup_required)."
    )


class SignIn(BaseModel):
    """A login (the tenant's identifiers: e-mail, username or either) and password."""

    login: str = Field(min_length=1, max_length=254)
    password: str = Field(min_length=1, max_length=1024)


class SecondStep(BaseModel):
    """The code of the user's authenticator app, or one of their recovery codes, with the challenge."""

    challenge: str = Field(min_length=16, max_length=100)
    code: str | None = Field(default=None, min_length=1, max_length=12, description="The authenticator app's code.")
    recovery_code: str | None = Field(
        default=None, min_length=1, max_length=20, description="A recovery code instead (each works once)."
    )

    @model_validator(mode="after")
    def _one_code(self) -> SecondStep:
        if (self.code is None) == (self.recovery_code is None):
            raise ValueError("Send either code or recovery_code.")
        return self


class Tokens(BaseModel):
    """A bearer access token and the refresh token that renews it (each refresh replaces both)."""

    access_token: str
    token_type: Literal["Bearer"] = "Bearer"  # noqa: S105 - the scheme's name, not a secret
    expires_in: int = Field(description="Seconds the access token is valid for.")
    refresh_token: str


class SignInAnswer(BaseModel):
    """Signed in (``tokens``), or a code is needed (``challenge``: send it back with the code)."""

    status: Literal["signed_in", "mfa_required"]
    tokens: Tokens | None = None
    challenge: str | None = None
    challenge_expires_in: int | None = None


class Refresh(BaseModel):
    """A refresh token; it can be used once."""

    refresh_token: str = Field(min_length=1, max_length=200)


class Profile(BaseModel):
    """The signed-in user."""

    email: str
    username: str | None
    first_name: str
    last_name: str
    locale: str
    locales: list[str] = Field(description="The languages the portal speaks.")
    two_step: bool = Field(description="Whether sign-in asks for an authenticator code.")


class ProfileChange(BaseModel):
    """What a customer may change in their profile; a field left out keeps its value."""

    first_name: str | None = None
    last_name: str | None = None
    locale: str | None = None


class TicketsQuery(BaseModel):
    """A page of tickets: the newest first, from the ticket id ``before`` down (as ``next_before`` said)."""

    before: int | None = Field(default=None, ge=1)


class TicketSummary(BaseModel):
    """One of the user's tickets in a list."""

    reference: str
    subject: str
    category: str
    status: str
    created_at: datetime
    updated_at: datetime


class TicketPage(BaseModel):
    """A page of tickets; ``next_before`` asks for the next page (``null``: the last page)."""

    items: list[TicketSummary]
    next_before: int | None = None


class AttachmentInfo(BaseModel):
    """A file attached to a message."""

    id: int
    filename: str
    content_type: str
    size: int


class TicketMessage(BaseModel):
    """A message of a ticket's thread (internal notes are never shown)."""

    id: int
    author_type: str
    author_name: str
    body: str
    created_at: datetime
    attachments: list[AttachmentInfo]


class Ticket(TicketSummary):
    """A ticket with its thread."""

    fields: dict[str, object]
    messages: list[TicketMessage]


class NewTicket(BaseModel):
    """A ticket in one of the tenant's categories, with the category's own fields."""

    category: str = Field(min_length=1, max_length=50)
    subject: str
    description: str
    fields: dict[str, str] = Field(default_factory=dict)


class Reply(BaseModel):
    """A reply (multipart/form-data): the message and up to the tenant's number of files."""

    body: str
    attachments: list[bytes] = Field(default_factory=list, description="Files: PDF, image, Word, Excel or text.")
