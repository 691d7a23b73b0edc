"""Reply macro placeholders: an explicit substitution that cannot run template code or add markup."""

from __future__ import annotations

from core.console.macros.placeholders import fill, plain_value
from core.console.macros.reply_state import with_macro
from core.ticketing.markup import render_markdown

VALUES = {"first_name": "Zoé", "ticket_reference": "ALP-2026-00001", "agent_name": "Agent Smith"}


def test_known_placeholders_are_replaced():
    body = "Hello {first_name},\n\nAbout {ticket_reference}: done.\n\n{agent_name}"
    assert fill(body, VALUES) == "Hello Zoé,\n\nAbout ALP-2026-00001: done.\n\nAgent Smith"


def test_unknown_words_and_template_syntax_stay_text():
    body = "{{ config }} {% for x in y %}{{ x }}{% endfor %} {unknown} {{first_name}} ${agent_name}"
    assert fill(body, VALUES) == "{{ config }} {% for x in y %}{{ x }}{% endfor %} {unknown} {Zoé} $Agent Smith"


def test_a_value_is_never_expanded_again():
    values = {**VALUES, "first_name": "{agent_name} {{ 7*7 }}"}
    assert fill("Hi {first_name}", values) == "Hi {agent\\_name} {{ 7\\*7 }}"  # Markdown escaped, not expanded


def test_a_customer_name_cannot_add_a_link_markup_or_lines():
    hostile = "[click](https://evil.example) <b>x</b> **bold** `code`\nsecond line"
    text = fill("Hello {first_name}", {**VALUES, "first_name": hostile})
    assert "\n" not in text
    html = str(render_markdown(text))
    assert "<a" not in html
    assert "<b>" not in html
    assert "<strong>" not in html
    assert "<code>" not in html
    assert "click" in html
    assert "evil.example" in html


def test_values_are_cut_to_one_short_line():
    assert plain_value("a\x00b\tc\r\nd") == "a b c d"
    assert len(plain_value("x" * 1000)) == 200
    assert plain_value("Jean-Luc O'Brien") == "Jean-Luc O'Brien"  # ordinary punctuation untouched


def test_inserting_keeps_what_was_typed():
    assert with_macro("", "Macro") == "Macro"
    assert with_macro("Typed first  \n", "Macro") == "Typed first\n\nMacro"
