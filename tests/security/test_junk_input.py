"""Junk in django-helpdesk's staff pages and the admin never gives a 5xx,
and a refused request stores nothing.

The run is black-box (tests/security/junk.py): it reads the forms and query
parameters off the pages themselves, as an operator and as an administrator,
so a page or field added later is covered too. JUNK_THOROUGH=1 sends every
kind of junk to every field (an hour on PostgreSQL); by default each field
and query parameter gets one kind, rotating, so every kind meets many
fields, and the operator's and the administrator's runs meet different ones.
"""

import base64
import json
import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from helpdesk.models import (
    Checklist,
    ChecklistTemplate,
    FollowUp,
    IgnoreEmail,
    KBCategory,
    KBItem,
    PreSetReply,
    SavedSearch,
    TicketCC,
    TicketDependency,
)

from helpdesk_site.people.models import Role
from helpdesk_site.tickets.uploads import check_upload
from tests.factories import PNG, OperatorFactory, UserFactory, file_ticket, region
from tests.security import junk

pytestmark = pytest.mark.django_db

THOROUGH = os.environ.get("JUNK_THOROUGH") == "1"
# What helpdesk's JSON API takes (its serializers' fields).
API_FIELDS = {
    "title", "queue", "priority", "status", "ticket", "followup", "assigned_to", "comment",
    "public", "submitter_email", "merged_to", "due_date", "file", "username", "password",
}  # fmt: skip


@pytest.fixture
def world():
    clerk = UserFactory(department__region=region("513301001"))
    ticket = file_ticket(
        clerk, attachments=[check_upload(SimpleUploadedFile("shot.png", PNG, "image/png"))]
    )
    other = file_ticket(clerk, title="另一张工单")
    followup = FollowUp.objects.filter(ticket=ticket).first()
    attachment = followup.followupattachment_set.get()
    cc = TicketCC.objects.create(ticket=ticket, email="cc@example.invalid")
    dependency = TicketDependency.objects.create(ticket=ticket, depends_on=other)
    checklist = Checklist.objects.create(ticket=ticket, name="检查")
    checklist.tasks.create(description="核对证照", position=1)
    template = ChecklistTemplate.objects.create(name="模板", task_list=["一", "二"])
    operator = OperatorFactory()
    admin = UserFactory(role=Role.ADMIN, department=None)
    saved = SavedSearch.objects.create(user=operator, title="我的", query="e30=")
    ignore = IgnoreEmail.objects.create(name="垃圾", email_address="spam@example.invalid")
    category = KBCategory.objects.create(name="常见", title="常见问题", slug="faq", description="d")
    item = KBItem.objects.create(category=category, title="问", question="问", answer="答")
    PreSetReply.objects.create(name="已收到", body="已收到")
    query = base64.b64encode(
        json.dumps({"filtering": {}, "sorting": "created", "search_string": ""}).encode()
    ).decode()
    api_pk = {
        "tickets": ticket.pk,
        "user_tickets": ticket.pk,
        "followups-attachments": attachment.pk,
        "followups": followup.pk,
    }
    ids = {
        "ticket_id": ticket.pk,
        "followup_id": followup.pk,
        "attachment_id": attachment.pk,
        "cc_id": cc.pk,
        "dependency_id": dependency.pk,
        "checklist_id": checklist.pk,
        "checklist_template_id": template.pk,
        "item_id": lambda route: item.pk if "kb/" in route else ignore.pk,
        "pk": lambda route: next(
            (pk for name, pk in api_pk.items() if f"^{name}/" in route), saved.pk
        ),
        "vote": "up",
        "slug": category.slug,
        "report": "userqueue",
        "type_": "preset",
        "query": query,
        "user_name": clerk.username,
        "queue_slug": ticket.queue.slug,
    }
    return {"operator": operator, "admin": admin, "ids": ids}


def run_over(client, user, urls, json_fields=None, offset=0, missing=()):
    client.raise_request_exception = False
    run = junk.JunkRun(client, user, thorough=THOROUGH, offset=offset)
    for url in urls:
        run.fuzz_page(url)
        if json_fields is not None and url.startswith("/helpdesk/api/"):
            run.fuzz_json(url, json_fields)
    for url in missing:
        run.try_missing(url)
    return run


def report(run):
    slow = sorted(run.timings.items(), key=lambda item: -item[1][0])[:15]
    return f"{run.requests} requests, by class {run.statuses}; slowest pages: {slow}\n" + "\n".join(
        map(str, run.failures)
    )


@pytest.mark.parametrize("who", ["operator", "admin"])
def test_junk_in_helpdesks_staff_pages(client, world, who):
    user = world[who]
    urls = junk.helpdesk_urls(world["ids"])
    missing = junk.huge_id_urls(world["ids"])
    offset = 5 if who == "admin" else 0
    run = run_over(client, user, urls, json_fields=API_FIELDS, offset=offset, missing=missing)
    print(report(run))
    assert run.requests > 500
    assert not run.failures, report(run)


def test_junk_in_the_admin(client, world):
    run = run_over(client, world["admin"], junk.admin_urls())
    print(report(run))
    assert run.requests > 1000
    assert not run.failures, report(run)
