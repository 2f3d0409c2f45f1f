import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpdesk_site.chat.rendering import (
    ALLOWED_TAGS,
    markdown_html,
    normalize_body,
    render_body,
    sanitized,
)


def test_markdown_formatting_is_kept():
    html = render_body("**急** 请看 `证照模板`\n\n- 第一步\n- 第二步")
    assert "<strong>急</strong>" in html
    assert "<code>证照模板</code>" in html
    assert "<li>第一步</li>" in html


def test_plain_text_keeps_its_line_breaks():
    assert render_body("第一行\n第二行") == "<p>第一行<br>\n第二行</p>"


def test_scripts_and_event_handlers_are_removed():
    html = render_body(
        '<script>alert(1)</script><img src=x onerror="alert(2)"><b onclick="x()">b</b>'
    )
    assert "script" not in html
    assert "onerror" not in html
    assert "onclick" not in html
    assert "<img" not in html


def test_links_keep_safe_schemes_only():
    html = render_body("[好](https://www.sczwfw.gov.cn/) [坏](javascript:alert(1))")
    assert 'href="https://www.sczwfw.gov.cn/"' in html
    assert "javascript" not in html
    assert 'rel="noopener noreferrer nofollow"' in html


TAG = re.compile(r"<\s*/?\s*([a-zA-Z0-9]+)([^>]*)>")
ATTRIBUTE = re.compile(r'([a-zA-Z-]+)\s*=\s*"')


@given(st.text(alphabet=st.sampled_from(list("<>/=\"' abcdeimnorstpx:()[]*`\n-#!&;"))))
@settings(max_examples=300, deadline=None)
def test_whatever_is_typed_only_allowed_tags_and_attributes_come_out(text):
    for name, attributes in TAG.findall(render_body(text)):
        assert name.lower() in ALLOWED_TAGS
        for attribute in ATTRIBUTE.findall(attributes):
            assert attribute in {"href", "title", "rel"}


def test_normalize_trims_and_unifies_line_endings():
    assert normalize_body("  你好\r\n世界\x00\x07 \n") == "你好\n世界"


def test_normalize_refuses_non_text():
    with pytest.raises(TypeError):
        normalize_body(["not", "text"])


# Letters of every kind a clerk types, and every character that means
# something to Markdown or HTML, so both sides of the plain-line check are tried.
_CHAT_TEXT = st.text(
    alphabet=st.sampled_from(
        list("压测消息电子证照办理好的谢谢，。？！、：；“”‘’（）《》【】…　")
        + list("abcXYZ019 %@$^?,;/\t\n")
        + list("\\`*_{}[]()#+-.!|<>&~=:\"'")
        + ["\x02", "\x03", "\u2028", "\u00a0"]
    ),
    max_size=30,
)


@settings(max_examples=2000, deadline=None)
@given(_CHAT_TEXT)
def test_a_plain_line_renders_as_markdown_would(text):
    """The quick way for a line with no markup gives exactly what the
    Markdown converter gives."""
    assert render_body(text) == sanitized(markdown_html(text))


def test_an_everyday_line_takes_the_quick_way(monkeypatch):
    from helpdesk_site.chat import rendering

    monkeypatch.setattr(rendering, "markdown_html", None)
    assert render_body("您好，电子证照打不开了，麻烦看一下 谢谢") == (
        "<p>您好，电子证照打不开了，麻烦看一下 谢谢</p>"
    )
