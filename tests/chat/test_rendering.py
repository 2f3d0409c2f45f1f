import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpdesk_site.chat.rendering import ALLOWED_TAGS, normalize_body, render_body


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
