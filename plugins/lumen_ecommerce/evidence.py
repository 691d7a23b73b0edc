"""Evidence of a signed request: the signature image, the content hash and the PDF of the signed request."""

from __future__ import annotations

import base64
import binascii
import hashlib
import io
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from core.api import colon, current_locale, format_datetime, gettext, lazy_gettext
from plugins.lumen_ecommerce.models import LumenAccessRequest

if TYPE_CHECKING:
    from fpdf import FPDF

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
DATA_URL_PREFIX = "data:image/png;base64,"
MAX_SIGNATURE_BYTES = 400_000
MAX_SIGNATURE_PIXELS = 4000 * 2000
FONT_CANDIDATES = (
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
    Path("/usr/share/fonts/dejavu/DejaVuSans.ttf"),
)

TERMS = lazy_gettext(
    "I personally commit to keeping all the usernames and passwords of users confidential, as well as any other "
    "preventive security measure giving access to the online store. I hereby release Lumen from any liability "
    "for damages resulting from a breach of this agreement or from unauthorised use of the software. I acknowledge "
    "that access to the online store may be cancelled at any time with thirty (30) days' notice."
)
TERMS_VERSION = "2026-11"
"""The version of :data:`TERMS` recorded when a customer registers (change it with the text)."""


def decode_signature(data_url: str) -> bytes | None:
    """The PNG bytes of a drawn signature, or ``None`` when it is missing, blank, not a PNG or too large."""
    if not data_url or not data_url.startswith(DATA_URL_PREFIX):
        return None
    encoded = data_url[len(DATA_URL_PREFIX) :]
    if len(encoded) > MAX_SIGNATURE_BYTES * 4 // 3 + 4:
        return None
    try:
        raw = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        return None
    if not raw.startswith(PNG_MAGIC):
        return None
    from PIL import Image, UnidentifiedImageError  # loaded by the first signature, not with the plugin

    try:
        with Image.open(io.BytesIO(raw)) as image:
            if image.format != "PNG" or image.width * image.height > MAX_SIGNATURE_PIXELS:
                return None
            image.load()
            if "A" in image.getbands():
                ink = image.getchannel("A").getbbox()
            else:
                ink = Image.eval(image.convert("L"), lambda v: 255 - v).getbbox()
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        return None
    return raw if ink is not None else None


def evidence_of(row: LumenAccessRequest) -> dict[str, Any]:
    """Everything the content hash covers."""
    return {
        "content": row.content,
        "signature_sha256": hashlib.sha256(row.signature_png).hexdigest() if row.signature_png else "",
        "signature_typed": row.signature_typed,
        "signer_name": row.signer_name,
        "signer_email": row.signer_email,
        "signed_at": row.signed_at.isoformat(),
        "ip": row.ip,
        "user_agent": row.user_agent,
    }


def content_hash(row: LumenAccessRequest) -> str:
    """SHA-256 of the canonical JSON of the evidence (recompute it to check nothing changed)."""
    canonical = json.dumps(evidence_of(row), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _font(pdf: FPDF) -> str:
    """Register DejaVu Sans when it is installed; the font family to use."""
    for candidate in FONT_CANDIDATES:
        if candidate.is_file():
            pdf.add_font("dejavu", "", str(candidate))
            bold = candidate.with_name("DejaVuSans-Bold.ttf")
            pdf.add_font("dejavu", "B", str(bold if bold.is_file() else candidate))
            return "dejavu"
    return "helvetica"


def _drawable(font: str, value: object) -> str:
    """``value`` as text the font can draw (the built-in Helvetica only has Latin-1)."""
    text = str(value)
    if font == "helvetica":
        text = text.replace("’", "'").replace("—", "-").replace("–", "-").replace("œ", "oe").replace("…", "...")
        text = text.encode("latin-1", "replace").decode("latin-1")
    return text


def render_pdf(row: LumenAccessRequest, labels: dict[str, str], timezone: str) -> bytes:
    """The PDF of a signed request, in the active locale (the request's language)."""
    from fpdf import FPDF  # fpdf2 and fontTools load with the first PDF, not with the plugin

    pdf = FPDF(format="Letter")
    font = _font(pdf)

    def text_of(value: object) -> str:
        return _drawable(font, value)

    pdf.set_title(text_of(gettext("Signed e-commerce access request %(ref)s", ref=row.reference)))
    pdf.set_creator("Portique")
    pdf.add_page()
    pdf.set_auto_page_break(auto=True, margin=15)
    width = pdf.epw

    def heading(text: object) -> None:
        pdf.set_font(font, "B", 12)
        pdf.ln(2)
        pdf.multi_cell(width, 7, text_of(text), new_x="LMARGIN", new_y="NEXT", align="L")
        pdf.set_font(font, "", 10)

    def line(label: object, value: object) -> None:
        # The label gets the language's colon unless it ends with one (or a "?") already: the seed's
        # "Cette demande s'applique-t-elle à :" must not become "… à : :". Left-aligned: a long value
        # (a browser's user agent) must not be stretched across the page.
        text = f"{colon(str(label), current_locale())} {value}"
        pdf.multi_cell(width, 5.5, text_of(text), new_x="LMARGIN", new_y="NEXT", align="L")

    pdf.set_font(font, "B", 15)
    pdf.multi_cell(
        width, 8, text_of(gettext("Lumen — e-commerce access request")), new_x="LMARGIN", new_y="NEXT", align="L"
    )
    pdf.set_font(font, "", 10)
    line(gettext("Reference"), row.reference)
    content = row.content
    heading(gettext("Request"))
    for key in ("has_account", "customer_number", "platforms", "action", "project_account", "is_admin"):
        line(labels.get(key, key), content.get(f"{key}_label", content.get(key, "")))
    heading(gettext("Company"))
    for key in ("company", "address", "city", "postal_code", "phone"):
        line(labels.get(key, key), content.get(f"{key}_label", content.get(key, "")))
    heading(gettext("Key contact / administrator"))
    line(gettext("Name"), f"{content.get('admin_first_name', '')} {content.get('admin_last_name', '')}")
    line(gettext("E-mail"), content.get("admin_email", ""))
    line(labels.get("user_count", "user_count"), content.get("user_count", ""))
    for index, user in enumerate(content.get("users", []), start=1):
        heading(gettext("User %(number)s", number=index))
        if user.get("current_email"):
            line(gettext("E-mail address of the user today"), user["current_email"])
        line(gettext("Name"), f"{user.get('first_name', '')} {user.get('last_name', '')}")
        line(gettext("E-mail"), user.get("email", ""))
        if user.get("permission_label"):
            line(gettext("Authorised to"), user["permission_label"])
    heading(gettext("Terms"))
    pdf.multi_cell(width, 5, text_of(content.get("terms", "")), new_x="LMARGIN", new_y="NEXT")
    heading(gettext("Signature"))
    if row.signature_png:
        pdf.image(io.BytesIO(row.signature_png), w=70)
    elif row.signature_typed:
        line(gettext("Typed signature"), row.signature_typed)
    line(gettext("Signed by"), f"{row.signer_name} <{row.signer_email}>")
    line(gettext("Signed on"), format_datetime(row.signed_at, "long", tz=timezone))
    line(gettext("IP address"), row.ip or "-")
    line(gettext("Browser"), row.user_agent or "-")
    pdf.set_font(font, "", 8)
    line(gettext("Content fingerprint (SHA-256)"), row.content_hash)
    return bytes(pdf.output())
