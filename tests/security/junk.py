"""A black-box junk-input run over django-helpdesk's staff pages and the admin.

It knows no view's code: it walks the URL conf, opens each page, reads the
forms and the links' query parameters off the HTML, and sends them back with
one value at a time replaced by junk. Every request runs in a savepoint that
is rolled back, so one request's effects never hide another's fault, and
each answer that refuses the input (4xx) is checked to have stored nothing.
"""

import re
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urljoin, urlsplit

from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.urls import reverse

from tests.urlwalk import walk

# Junk of every kind a client can send in a form or a query string. Lone
# surrogates cannot travel in a form (the bytes are not UTF-8, and Django
# decodes them as U+FFFD): they are sent as JSON, to the JSON API.
JUNK = {
    "word": "abc",
    "huge": "9" * 30,
    "negative": "-1",
    "fraction": "1.5",
    "blank": "",
    "nul": "a\x00b",
    "long": "长" * 100_000,
    "markup": "<script>alert(1)</script>",
    "date": "2025-13-45",
    "list": ["1", "abc"],
    "file": "FILE",
}
JSON_JUNK = {
    "word": "abc",
    "huge": 10**30,
    "nul": "a\x00b",
    "surrogate": "\ud800",
    "long": "长" * 100_000,
    "object": {"a": [1, {"b": None}]},
    "list": [1, "x"],
    "null": None,
    "bool": True,
}
QUERY_JUNK = ("word", "huge", "blank", "nul", "long", "list")
JSON = "application/json"

FORMSET_ROW = re.compile(r"-\d+-")
ONE_OBJECT = re.compile(r"/\d+/")
# Never sent: they end the session the run is working in.
SKIPPED_ACTIONS = re.compile(r"/logout/|/i18n/|password_change")


@dataclass
class Form:
    action: str
    method: str
    fields: dict = field(default_factory=dict)  # name -> (kind, value as shown)


class FormReader(HTMLParser):
    """Forms and the query parameters of links, read off a page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self.query_names: set[str] = set()
        self._form = None
        self._select = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "option" and self._select and self._form is not None:
            kind, value = self._form.fields[self._select]
            option = a.get("value", "")
            if "selected" in a or (value is None and option):
                self._form.fields[self._select] = (kind, option)
            return
        if tag == "a" and "?" in (a.get("href") or ""):
            self.query_names |= {k for k, _ in parse_qsl(a["href"].split("?", 1)[1], True)}
        if tag == "form":
            self._form = Form(a.get("action") or "", (a.get("method") or "get").lower())
            self.forms.append(self._form)
        if self._form is None or not a.get("name"):
            return
        name = a["name"]
        if tag == "input":
            kind = (a.get("type") or "text").lower()
            if kind in ("submit", "button", "image", "reset"):
                return
            if kind in ("checkbox", "radio"):
                value = a.get("value", "on") if "checked" in a else None
                previous = self._form.fields.get(name)
                if previous and previous[1] is not None:
                    value = previous[1]
                self._form.fields[name] = (kind, value)
            else:
                self._form.fields[name] = (kind, a.get("value", ""))
        elif tag == "select":
            self._select = name
            self._form.fields[name] = ("select", None)
        elif tag == "textarea":
            self._textarea = name
            self._form.fields[name] = ("textarea", "")

    def handle_data(self, data):
        if self._textarea and self._form:
            kind, value = self._form.fields[self._textarea]
            self._form.fields[self._textarea] = (kind, value + data)

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)


def read_page(html: str) -> FormReader:
    reader = FormReader()
    reader.feed(html)
    return reader


FINGERPRINTED_APPS = ("helpdesk", "tickets", "sla", "reporting", "satisfaction", "kb", "people")


def fingerprint() -> tuple:
    """Row counts of every table of the site and of django-helpdesk, and the
    tickets' own fields: what a half-stored request would change. One query."""
    tables = sorted(
        model._meta.db_table
        for app in FINGERPRINTED_APPS
        for model in apps.get_app_config(app).get_models()
    )
    counts = ", ".join(f'(SELECT count(*) FROM "{table}")' for table in tables)  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {counts}")
        row = cursor.fetchone()
    from helpdesk.models import Ticket

    tickets = Ticket.objects.order_by("pk").values_list(
        "pk", "title", "status", "priority", "queue_id", "assigned_to_id", "description"
    )
    return (*zip(tables, row, strict=True), ("helpdesk_ticket rows", list(tickets)))


class _Rollback(Exception):
    pass


@dataclass
class Finding:
    method: str
    url: str
    what: str
    status: int
    detail: str = ""

    def __str__(self):
        return f"{self.method} {self.url} [{self.what}] -> {self.status} {self.detail}"


@dataclass
class JunkRun:
    """Sends junk as `user`. Thorough: every kind to every field and query
    parameter. Otherwise one kind each, rotating from `offset`, so that every
    kind still meets many fields and two runs with different offsets meet
    different ones."""

    client: object
    user: object
    thorough: bool = False
    offset: int = 0
    requests: int = 0
    statuses: dict = field(default_factory=dict)
    failures: list = field(default_factory=list)
    timings: dict = field(default_factory=dict)

    def send(self, method, url, what, check_stored=True, **kwargs):
        """One request, in a savepoint rolled back afterwards."""
        if "_auth_user_id" not in self.client.session:
            self.client.force_login(self.user)
        before = fingerprint() if check_stored else None
        response = None
        try:
            with transaction.atomic():
                response = getattr(self.client, method)(url, **kwargs)
                if check_stored and 400 <= response.status_code < 500:
                    after = fingerprint()
                    if after != before:
                        changed = [a[0] for a, b in zip(after, before, strict=True) if a != b]
                        detail = f"refused but stored: {changed}"
                        self.failures.append(
                            Finding(method.upper(), url, what, response.status_code, detail)
                        )
                raise _Rollback
        except _Rollback:
            pass
        self.requests += 1
        status = response.status_code
        self.statuses[status // 100] = self.statuses.get(status // 100, 0) + 1
        if status >= 500:
            exc_info = getattr(response, "exc_info", None)
            detail = repr(exc_info[1])[:300] if exc_info else ""
            self.failures.append(Finding(method.upper(), url, what, status, detail))
        return response

    # --- what to send ------------------------------------------------------

    def pick(self, kinds, index: int) -> list:
        kinds = list(kinds)
        if self.thorough:
            return kinds
        return [kinds[(index + self.offset) % len(kinds)]]

    @staticmethod
    def encode(kind):
        value = JUNK[kind]
        if value == "FILE":
            return SimpleUploadedFile("junk.bin", b"\x00\xffjunk", "application/octet-stream")
        return value

    def page(self, url: str):
        response = self.send("get", url, "page", check_stored=False)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            return None
        return read_page(response.content.decode(errors="replace"))

    def fuzz_query(self, url: str, names: set[str]):
        for index, name in enumerate(sorted(names)):
            for kind in self.pick(QUERY_JUNK, index):
                value = JUNK[kind]
                self.send("get", url, f"?{name}={kind}", check_stored=False, data={name: value})

    def fuzz_form(self, page_url: str, form: Form):
        action = urlsplit(urljoin(page_url, form.action) if form.action else page_url)
        path = action.path + (f"?{action.query}" if action.query else "")
        if SKIPPED_ACTIONS.search(path) or not path.startswith(("/helpdesk/", "/admin/")):
            return
        base = {
            name: value
            for name, (kind, value) in form.fields.items()
            if value is not None and kind != "file" and name != "csrfmiddlewaretoken"
        }
        if form.method != "post":
            self.fuzz_query(path, set(form.fields))
            return
        self.send("post", path, "as shown", data=base)
        for index, name in enumerate(self.fields_to_try(form)):
            for kind in self.pick(JUNK, index):
                data = {**base, name: self.encode(kind)}
                self.send("post", path, f"{name}={kind}", data=data)

    def fields_to_try(self, form: Form) -> list[str]:
        """The form's fields; unless thorough, one row of each formset (the
        rows of an admin list or inline are the same fields again)."""
        names = sorted(n for n in form.fields if n != "csrfmiddlewaretoken")
        if self.thorough:
            return names
        seen, chosen = set(), []
        for name in names:
            shape = FORMSET_ROW.sub("-N-", name)
            if shape not in seen:
                seen.add(shape)
                chosen.append(name)
        return chosen

    def fuzz_json(self, url: str, names: set[str], methods=("post", "put", "patch")):
        for method in methods:
            for index, name in enumerate(sorted(names)):
                for kind in self.pick(JSON_JUNK, index + len(method)):
                    body = {name: JSON_JUNK[kind]}
                    self.send(method, url, f"json {name}={kind}", data=body, content_type=JSON)
            deep = "[" * 30_000 + "]" * 30_000
            self.send(method, url, "json deep", data=deep, content_type=JSON)
            self.send(method, url, "json broken", data='{"title": "\\ud800', content_type=JSON)

    def fuzz_page(self, url: str):
        started, count = time.monotonic(), self.requests
        try:
            self._fuzz_page(url)
        finally:
            self.timings[url] = (round(time.monotonic() - started, 1), self.requests - count)

    def try_missing(self, url: str):
        """A URL naming ids no table holds: read and posted to, plainly."""
        self.send("get", url, "missing id", check_stored=False)
        self.send("post", url, "missing id", data={})

    def _fuzz_page(self, url: str):
        reader = self.page(url)
        if reader is None:
            return
        names = set(reader.query_names)
        if not ONE_OBJECT.search(url):
            # Lists take paging, sorting and filters even where no link shows them.
            names |= {"page", "p", "q", "o", "sort", "status", "queue"}
        self.fuzz_query(url, names)
        for form in reader.forms:
            self.fuzz_form(url, form)


def fill(params: set[str], route: str, ids: dict) -> dict | None:
    kwargs = {}
    for name in params:
        if name == "format":
            return None  # the same views again, as .json
        if name not in ids:
            raise KeyError(f"{route}: no value for {name}")
        value = ids[name]
        kwargs[name] = value(route) if callable(value) else value
    return kwargs


def helpdesk_urls(ids: dict) -> list[str]:
    urls = []
    for name, params, route in walk():
        if not name.startswith("helpdesk:"):
            continue
        kwargs = fill(params, route, ids)
        if kwargs is None:
            continue
        urls.append(reverse(name, kwargs=kwargs))
    return sorted(set(urls))


def admin_urls() -> list[str]:
    from django.contrib import admin

    urls = ["/admin/"]
    for model in admin.site._registry:
        opts = model._meta
        base = f"admin:{opts.app_label}_{opts.model_name}"
        urls.append(reverse(f"{base}_changelist"))
        urls.append(reverse(f"{base}_add"))
        first = model._default_manager.order_by("pk").first()
        if first is not None:
            urls.append(reverse(f"{base}_change", args=[first.pk]))
            urls.append(reverse(f"{base}_history", args=[first.pk]))
            urls.append(reverse(f"{base}_delete", args=[first.pk]))
    return urls


def huge_id_urls(ids: dict) -> list[str]:
    """Every URL with an id in its path again, with an id no table holds."""
    urls = []
    for name, params, route in walk():
        if not name.startswith("helpdesk:"):
            continue
        numeric = {p for p in params if p.endswith("id") or p == "pk"}
        if not numeric:
            continue
        kwargs = fill(params, route, ids)
        if kwargs is None:
            continue
        for huge in (2**31, 10**20):
            urls.append(reverse(name, kwargs={**kwargs, **dict.fromkeys(numeric, huge)}))
    return sorted(set(urls))
