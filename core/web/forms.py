"""WTForms integration: translated built-in messages, Starlette form data, common field helpers."""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from starlette.datastructures import FormData
from starlette.requests import Request
from wtforms import Form, IntegerField
from wtforms.i18n import get_translations

from core.i18n import current_locale
from core.i18n import lazy_gettext as _l
from core.web.ids import ID_MAX, parse_int


class PortiqueForm(Form):  # type: ignore[misc]  # WTForms ships no type hints
    """Base form: WTForms messages in the request's language; values stripped of stray spaces."""

    class Meta:
        def get_translations(self, form: Form) -> Any:
            return _wtforms_translations(current_locale())

    @classmethod
    async def from_request(cls, request: Request, **kwargs: Any) -> PortiqueForm:
        """Bind the form to the request body on POST, or to ``kwargs`` defaults on GET."""
        if request.method == "POST":
            return cls(formdata=_FormDataWrapper(await request.form()), **kwargs)
        return cls(**kwargs)

    @classmethod
    def from_values(cls, values: Mapping[str, str], **kwargs: Any) -> PortiqueForm:
        """Bind the form to ``values`` as if they were posted (an API's JSON body gets the page's checks)."""
        return cls.from_formdata(FormData(list(values.items())), **kwargs)

    @classmethod
    def from_formdata(cls, data: FormData, **kwargs: Any) -> PortiqueForm:
        """Bind the form to a request body already read (a multipart API body)."""
        return cls(formdata=_FormDataWrapper(data), **kwargs)

    def field_errors(self) -> dict[str, list[str]]:
        """The errors of each field that has some, as text."""
        return {field.name: [str(message) for message in field.errors] for field in self if field.errors}

    def error_list(self) -> list[tuple[str, str, str]]:
        """(field id, label, message) of every error, for the summary at the top of the form."""
        items: list[tuple[str, str, str]] = []
        for field in self:
            for message in field.errors:
                items.append((field.id, str(field.label.text), str(message)))
        return items


class WholeNumberField(IntegerField):  # type: ignore[misc]  # WTForms ships no type hints
    """A whole number typed with ASCII digits (``"٣"``, ``"²"``, ``"1e3"`` or ``"-1"`` are refused).

    ``NumberRange`` still says which numbers the form accepts; this field refuses what is not a
    number at all, or one beyond what the database stores, with a translated message.
    """

    def process_formdata(self, valuelist: list[Any]) -> None:
        if not valuelist or valuelist[0] in ("", None):
            self.data = None
            return
        raw = valuelist[0].strip() if isinstance(valuelist[0], str) else valuelist[0]
        self.data = parse_int(raw, maximum=ID_MAX)
        if self.data is None:
            raise ValueError(str(_l("Enter a whole number, with digits only.")))


@lru_cache(maxsize=64)
def _wtforms_translations(locale: str) -> Any:
    """WTForms' own catalog for ``locale`` (looked up on disk once per locale, not once per form)."""
    return get_translations([locale, locale.split("_")[0]])


class _FormDataWrapper:
    """Adapts Starlette's ``FormData`` to what WTForms expects (``getlist``, ``__contains__``).

    NUL characters are dropped; lengths are the forms' business (``Length`` validators give the
    user a message instead of silently cutting what was typed).
    """

    def __init__(self, data: FormData) -> None:
        self.data = data

    def __iter__(self) -> Any:
        return iter(self.data.keys())

    def __len__(self) -> int:
        return len(self.data)

    def __contains__(self, name: object) -> bool:
        return name in self.data

    def getlist(self, name: str) -> list[Any]:
        values = []
        for value in self.data.getlist(name):
            if isinstance(value, str):
                value = value.replace("\x00", "")
            values.append(value)
        return values
