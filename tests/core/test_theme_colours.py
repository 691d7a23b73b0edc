"""Every theme's colours keep WCAG AA contrast in each pairing the stylesheets draw.

The core's and the plugins' styles only use a theme's custom properties; these are the pairs they put
one on the other (text on a background, a button's label on its fill, a link on the page). A theme
whose colours would make a pair unreadable fails here, before a page is drawn.
"""

from __future__ import annotations

import pytest
from coloraide import Color

from core.web.themes import available_themes, load_theme

TEXT = 4.5  # WCAG 2.1 AA, normal text (1.4.3)
WHITE = "#ffffff"
# (foreground, background, where the stylesheets draw it)
PAIRS = [
    ("text", "background", "body text on the page"),
    ("text", "surface", "text in cards, tables and the header"),
    ("muted", "background", "help texts and secondary lines"),
    ("muted", "surface", "help texts in cards, the space name"),
    ("primary", "background", "links, link-styled buttons, secondary buttons"),
    ("primary", "surface", "links and the menu button in the header and cards"),
    ("primary_contrast", "primary", "buttons, the navigation bar, the phone menu"),
    ("danger", "surface", "error messages next to fields"),
    ("danger", "background", "error messages on the page"),
    (WHITE, "danger", "the label of a danger button"),
    ("success", "surface", "confirmations and paid statuses"),
]


def test_every_shipped_theme_is_checked():
    assert set(available_themes()) >= {"default", "lumen", "luminus", "omicron", "videotron"}


@pytest.mark.parametrize("name", available_themes())
@pytest.mark.parametrize(("foreground", "background", "use"), PAIRS, ids=[f"{f}-on-{b}" for f, b, _ in PAIRS])
def test_theme_colours_are_readable(name, foreground, background, use):
    colors = load_theme(name).colors
    front, back = colors.get(foreground, foreground), colors.get(background, background)
    ratio = Color(front).contrast(Color(back), method="wcag21")
    assert ratio >= TEXT, f"{name}: {foreground} {front} on {background} {back} ({use}): {ratio:.2f}:1 < {TEXT}:1"
