"""A junk-input run over the portal, its API, the knowledge base and the
reports, as a reporter, an operator and a supervisor: every page's forms are
read from the page itself and posted with junk, field by field; the answer is
never a server error.

django-helpdesk's staff views, the admin and the chat have their own runs.
"""

import json
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django.db import transaction
from django.test import Client
from helpdesk.models import Ticket

from helpdesk_site.people.models import Role
from kb import faqs as kb_faqs
from tests.factories import OperatorFactory, UserFactory, file_ticket, get_subsystem, region

pytestmark = pytest.mark.django_db

PREFIXES = ("/tickets/", "/api/tickets/", "/kb/", "/reports/", "/satisfaction/")
HUGE = "9" * 30
JUNK = [
    "",
    "\x00",
    "标题\x00尾",
    "-1",
    HUGE,
    "1e309",
    "NaN",
    "²",
    "１２",
    "x" * 20000,
    "<script>alert(1)</script>",
    "../../etc/passwd",
    "\u202e",
]
# Each field alone gets these; all fields at once get every value above.
FIELD_JUNK = ["\x00", HUGE, "²", "x" * 20000]
# Raw query strings and bodies a browser never sends: undecodable bytes, a
# NUL, an encoded lone surrogate, a key repeated.
RAW_QUERIES = ["q=%00", "q=%ff%fe", "q=%ED%A0%80", "page=%00", "page=-1", f"page={HUGE}", "q=a&q=b"]


class FormReader(HTMLParser):
    """The forms of a page: method, action and each field's first value."""

    def __init__(self):
        super().__init__()
        self.forms = []
        self._select = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append(
                {"method": (attrs.get("method") or "get").lower(), "action": attrs.get("action")}
            )
            self.forms[-1]["fields"] = {}
            return
        if not self.forms or ("name" not in attrs and tag != "option"):
            return
        fields = self.forms[-1]["fields"]
        if tag == "input" and attrs.get("type") not in ("submit", "button", "file"):
            if attrs.get("type") in ("radio", "checkbox") and attrs["name"] in fields:
                return
            fields[attrs["name"]] = attrs.get("value") or ""
        elif tag == "textarea":
            fields[attrs["name"]] = "文本"
        elif tag == "select":
            self._select = attrs["name"]
            fields[self._select] = ""
        elif tag == "option" and self._select and not fields[self._select]:
            fields[self._select] = attrs.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None


def forms_of(page_url, html):
    reader = FormReader()
    reader.feed(html)
    found = []
    for form in reader.forms:
        action = urljoin(page_url, form["action"] or page_url)
        path = urlsplit(action).path
        if path.startswith(PREFIXES) and form["fields"]:
            found.append((form["method"], action, form["fields"]))
    return found


@pytest.fixture
def world():
    get_subsystem("e_license")
    kangding = region("513301001")
    reporter = UserFactory(department__region=kangding)
    operator = OperatorFactory()
    supervisor = UserFactory(
        role=Role.SUPERVISOR, department=None, supervised_region=region("513300")
    )
    open_ticket = file_ticket(reporter, title="打开的工单")
    resolved = file_ticket(reporter, title="已解决的工单")
    resolved.status = Ticket.RESOLVED_STATUS
    resolved.save()
    faq = kb_faqs.create_draft(
        user=operator, question="证照怎么制作", answer="在证照目录中发布模板。", subsystem=None
    )
    kb_faqs.submit_for_review(user=operator, faq=faq)
    kb_faqs.publish(user=supervisor, faq=faq)
    pages = [
        "/tickets/",
        "/tickets/new/",
        f"/tickets/{open_ticket.pk}/",
        f"/tickets/{resolved.pk}/",
        "/kb/",
        "/kb/new/",
        "/kb/review/",
        "/kb/candidates/",
        f"/kb/{faq.pk}/",
        f"/kb/{faq.pk}/edit/",
        "/reports/",
        "/reports/tickets/",
        "/reports/documents/",
    ]
    return {"reporter": reporter, "operator": operator, "supervisor": supervisor, "pages": pages}


class Run:
    def __init__(self, user):
        self.client = Client(raise_request_exception=False)
        self.client.force_login(user)
        self.requests = 0
        self.errors = []

    def check(self, send, what):
        # Each request in its own savepoint: one database error must not
        # break the test's transaction for every request after it.
        with transaction.atomic():
            response = send()
        self.requests += 1
        if response.status_code >= 500:
            self.errors.append(f"{response.status_code} {what}")
        return response

    def get(self, url, data=None, **extra):
        return self.check(lambda: self.client.get(url, data, **extra), f"GET {url} {data!r}"[:300])

    def post(self, url, data, **extra):
        what = f"POST {url} {data!r}"[:300]
        return self.check(lambda: self.client.post(url, data, **extra), what)

    def raw(self, method, url, body, content_type, **extra):
        what = f"{method} {url} {content_type} {body!r}"[:300]
        return self.check(
            lambda: self.client.generic(method, url, body, content_type=content_type, **extra),
            what,
        )


def junk_forms(run, pages):
    for page in pages:
        response = run.get(page)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        for query in RAW_QUERIES:
            run.get(f"{page}?{query}")
        for method, action, fields in forms_of(page, response.content.decode()):
            send = run.get if method == "get" else run.post
            for value in JUNK:
                send(action, dict.fromkeys(fields, value))
            for value in FIELD_JUNK:
                for name in fields:
                    send(action, {**fields, name: value})
            send(action, {name: [value, value] for name, value in fields.items()})


def junk_paths(run, pages):
    for path in [
        f"/tickets/{HUGE}/",
        f"/tickets/{HUGE}/comment/",
        f"/api/tickets/{HUGE}/",
        f"/kb/{HUGE}/",
        f"/kb/{HUGE}/edit/",
        f"/kb/candidates/{HUGE}/accept/",
        f"/reports/documents/{HUGE}/",
        "/kb/suggest/?q=%00",
        "/kb/suggest/?subsystem=%00&q=x",
        "/kb/suggest/?q=%00&final=1",
        "/kb/suggest/?q=x%00y&final=1",
    ]:
        run.get(path)
        run.post(path, {"comment": "x"})


API_FIELDS = {
    "subsystem": "e_license",
    "category": "fault",
    "priority": 3,
    "title": "电子证照无法制作",
    "description": "页面一直转圈。",
}
API_JUNK = ["\x00", "\ud800", "a\udfffb", None, True, 10**400, 1e308, -1, [], [1, 2], {}, {"a": 1}]


def junk_api(run):
    url = "/api/tickets/"
    for body in ["[]", '"x"', "1", "null", '{"title": "\\ud800"}', "{", "{}", '{"a":' * 3000]:
        run.raw("POST", url, body, "application/json")
    run.raw("POST", url, b'{"title": "\xff\xfe"}', "application/json")
    run.raw("POST", url, b"title=%ff%00", "application/x-www-form-urlencoded")
    run.raw("POST", url, b"--x\r\n", "multipart/form-data")
    run.raw("POST", url, b"--x\r\n", "multipart/form-data; boundary=x")
    for name in API_FIELDS:
        run.raw(
            "POST",
            url,
            json.dumps({k: v for k, v in API_FIELDS.items() if k != name}),
            "application/json",
        )
        for value in API_JUNK:
            body = json.dumps({**API_FIELDS, name: value})
            run.raw("POST", url, body, "application/json")
    for query in [*RAW_QUERIES, "status=%00", "subsystem=%00", "priority=²", f"q={HUGE}", "q=²"]:
        run.get(f"{url}?{query}")
    for value in ["", "\x00", "x" * 300, "键"]:
        run.raw("POST", url, json.dumps(API_FIELDS), "application/json", HTTP_IDEMPOTENCY_KEY=value)


@pytest.mark.parametrize("role", ["reporter", "operator", "supervisor"])
def test_junk_input_never_answers_a_server_error(world, role):
    run = Run(world[role])
    junk_forms(run, world["pages"])
    junk_paths(run, world["pages"])
    junk_api(run)
    assert run.requests > 400
    assert run.errors == [], f"{len(run.errors)} of {run.requests}:\n" + "\n".join(run.errors)
