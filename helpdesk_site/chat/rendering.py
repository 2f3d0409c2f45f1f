"""Message bodies: plain text or a safe subset of Markdown, rendered to HTML
that can be put into a page as it is. No Django here, so it is tested alone."""

import re
import threading

import markdown
import nh3

# What a chat message may contain once rendered: text formatting, lists,
# quotes, code and links. No images (they come as checked attachments), no
# tables, no raw HTML of the author's own.
ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "b",
    "i",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "a",
    "del",
    "hr",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
URL_SCHEMES = {"http", "https", "mailto"}
EXTENSIONS = ["fenced_code", "nl2br", "sane_lists"]

# Building a Markdown converter costs more than converting a chat line with
# it, so each thread keeps one and resets it between messages.
_converters = threading.local()


def _converter() -> markdown.Markdown:
    converter = getattr(_converters, "markdown", None)
    if converter is None:
        converter = _converters.markdown = markdown.Markdown(extensions=EXTENSIONS)
    return converter


# Characters that mean something to Markdown or to HTML. One printable line
# with none of them (most chat lines) is a paragraph of itself, as Markdown
# would make it, without the converter's passes over it.
_MARKUP = re.compile(r"[\\`*_{}\[\]()#+\-.!|<>&~=:\"']")


def _plain_line(text: str) -> bool:
    return (
        text.isprintable()
        and text[:1] not in ("", " ")
        and text[-1:] != " "
        and not _MARKUP.search(text)
    )


def render_body(text: str) -> str:
    """Markdown to sanitized HTML; plain text comes out as paragraphs with its
    line breaks kept."""
    return sanitized(f"<p>{text}</p>" if _plain_line(text) else markdown_html(text))


def markdown_html(text: str) -> str:
    return _converter().reset().convert(text)


def sanitized(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


def normalize_body(text) -> str:
    """The body as stored: a string, with line endings unified and the blank
    edges trimmed; control characters other than newline and tab removed.
    Raises ValueError for what is not text at all (a lone surrogate, which
    JSON can carry but UTF-8 and the database cannot)."""
    if not isinstance(text, str):
        raise TypeError("body must be text")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("body is not valid Unicode text") from None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = "".join(ch for ch in text if ch in "\n\t" or (ch >= " " and ch != "\x7f"))
    return text.strip()
