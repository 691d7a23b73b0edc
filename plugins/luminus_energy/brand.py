"""Luminus's brand in documents: colours (RGB) and the font folder."""

from __future__ import annotations

from pathlib import Path

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
NAVY = (20, 38, 75)
ORANGE = (243, 146, 0)
GREY = (91, 100, 115)
