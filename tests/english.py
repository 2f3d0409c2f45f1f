"""English words a person would see on a rendered page, for tests that keep
the staff interface Chinese."""

import re

from bs4 import BeautifulSoup, Comment

# Names of products and formats, units, and the language switcher's own entry.
ALLOWED = {
    "tor",
    "ssl",
    "oauth",
    "http",
    "mime",
    "mac",
    "control",
    "command",
    "api",
    "app",
    "csv",
    "django",
    "docx",
    "email",
    "english",
    "excel",
    "faq",
    "gb",
    "html",
    "id",
    "imap",
    "ip",
    "json",
    "kb",
    "markdown",
    "mb",
    "pdf",
    "png",
    "pop",
    "powerpoint",
    "rss",
    "sla",
    "smtp",
    "socks",
    "sql",
    "url",
    "word",
    "xlsx",
}
WORD = re.compile(r"[A-Za-z]{2,}")
# Addresses, file names and URLs are data, not interface text.
DATA = re.compile(
    r"[\w.+-]+@[\w.-]+|https?://\S+|/[\w./-]+|\.(png|jpe?g|pdf|docx?|xlsx|txt|odt|zip)\b"
    # Quoted literals and template variables are syntax to type.
    r"|“[^”]*”|‘[^’]*’|\{\{[^}]*\}\}|\b(ticket|queue)\.\w+"
    # Address patterns, masked secrets, internal keys and JSON are stored values.
    r"|[\w.*+-]*@[\w.*-]*|\S*\*{3,}\S*|\b\w+(\.\w+)+(:\d+)?|\{\".*\}"
)
# Not shown, or code, or a stored value being edited (a textarea's text).
HIDDEN_TAGS = {"script", "style", "template", "noscript", "head", "svg", "code", "pre", "textarea"}
ATTRIBUTES = ("placeholder", "title")


def _hidden(element) -> bool:
    for node in [element, *element.parents]:
        if getattr(node, "name", None) is None:
            continue
        if node.name in HIDDEN_TAGS:
            return True
        if node.has_attr("hidden") or {"d-none", "visually-hidden"} & set(node.get("class") or []):
            return True
        style = (node.get("style") or "").replace(" ", "")
        if "display:none" in style:
            return True
        if node.name == "input" and node.get("type") == "hidden":
            return True
    return False


def english_words(text: str, data: set[str] = frozenset()) -> set[str]:
    for value in data:
        if value in text:
            text = re.sub(rf"(?<![A-Za-z]){re.escape(value)}(?![A-Za-z])", " ", text)
    text = DATA.sub(" ", text)
    return {w for w in WORD.findall(text) if w.lower() not in ALLOWED}


def visible_english(html: str, data: set[str] = frozenset()) -> dict[str, str]:
    """English words in the text and the placeholder, title and button
    value attributes of visible elements, each with the text it came from.
    `data` lists stored values (user names, e-mail addresses) to ignore."""
    soup = BeautifulSoup(html, "lxml")
    found = {}
    for text in soup.find_all(string=True):
        if isinstance(text, Comment) or not text.strip() or _hidden(text.parent):
            continue
        for word in english_words(text, data):
            found.setdefault(word, text.strip()[:120])
    for element in soup.find_all(True):
        if _hidden(element):
            continue
        values = [element.get(name) for name in ATTRIBUTES]
        if element.name in ("input", "button") and element.get("type") in ("submit", "button"):
            values.append(element.get("value"))
        for value in values:
            if isinstance(value, str):
                for word in english_words(value, data):
                    found.setdefault(word, f"{element.name}[{value[:100]}]")
    return found
