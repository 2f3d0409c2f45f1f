"""Every URL the site exposes, django-helpdesk's included, tried by people who
must not see a ticket: they get 403 or 404 (or a login page), never the ticket.

The URL list is read from the URL conf at run time, so a URL added later is
covered without anyone remembering to add it here.
"""

import base64
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from helpdesk.models import Checklist, FollowUp, Ticket, TicketCC, TicketDependency

from helpdesk_site.people.models import Role
from helpdesk_site.tickets import services
from helpdesk_site.tickets.models import Subsystem
from helpdesk_site.tickets.uploads import check_upload
from tests.factories import (
    PNG,
    DepartmentFactory,
    OperatorFactory,
    UserFactory,
    file_ticket,
    region,
)
from tests.urlwalk import walk

pytestmark = pytest.mark.django_db

MARKER = "绝密标记XQ7"


@pytest.fixture
def world(settings):
    township = region("513301001", "炉城街道")
    filer_department = DepartmentFactory(name="炉城街道便民服务中心", region=township)
    filer = UserFactory(department=filer_department)
    ticket = file_ticket(
        filer,
        title=f"{MARKER} 电子证照无法制作",
        description=f"{MARKER} 内容",
        attachments=[check_upload(SimpleUploadedFile("shot.png", PNG, "image/png"))],
    )
    other = file_ticket(filer, title="另一张工单")
    followup = FollowUp.objects.filter(ticket=ticket).first()
    attachment = followup.followupattachment_set.get()
    cc = TicketCC.objects.create(ticket=ticket, email="cc@example.invalid")
    dependency = TicketDependency.objects.create(ticket=ticket, depends_on=other)
    checklist = Checklist.objects.create(ticket=ticket, name="检查")

    ludingxian = DepartmentFactory(name="泸定县政务服务中心", region=region("513322"))
    neighbour = DepartmentFactory(name="康定市市场监督管理局", region=region("513301"))
    outsiders = {
        "reporter of another county": UserFactory(department=ludingxian),
        "reporter of another department": UserFactory(department=neighbour),
        "operator of other queues": OperatorFactory(
            subsystems=Subsystem.objects.exclude(code="e_license")
        ),
        "supervisor of another county": UserFactory(
            role=Role.SUPERVISOR, department=ludingxian, supervised_region=region("513322")
        ),
    }
    ids = {
        "ticket_id": ticket.pk,
        "followup_id": followup.pk,
        "attachment_id": attachment.pk,
        "cc_id": cc.pk,
        "dependency_id": dependency.pk,
        "checklist_id": checklist.pk,
        "path": attachment.file.name,
        "object_id": ticket.pk,
        "user_name": filer.username,
        "query": base64.b64encode(
            json.dumps({"filtering": {}, "sorting": "created", "search_string": ""}).encode()
        ).decode(),
    }
    return ticket, filer, outsiders, ids


def fill(params, ids, route):
    """Values for a pattern's parameters: the ticket's own where the name says
    so, something harmless otherwise."""
    kwargs = {}
    for name in params:
        if name == "object_id" and "followup/" in route:
            kwargs[name] = ids["followup_id"]
        elif name in ids:
            kwargs[name] = ids[name]
        elif name == "format":
            kwargs[name] = "json"
        elif name == "app_label":
            kwargs[name] = "helpdesk"
        elif name == "model_name":
            kwargs[name] = "ticket"
        elif name in ("slug", "queue_slug", "report", "type_"):
            kwargs[name] = "x"
        else:
            kwargs[name] = ids["ticket_id"]
    return kwargs


TICKET_ADMIN_MODELS = ("helpdesk/ticket/", "helpdesk/followup/", "tickets/ticketdetails/")


def names_ticket(params, route):
    if "object_id" in params:
        return any(model in route for model in TICKET_ADMIN_MODELS)
    return bool(
        params & {"ticket_id", "followup_id", "attachment_id", "cc_id", "dependency_id", "path"}
    )


def is_refusal(response):
    if response.status_code in (403, 404, 405):
        return True
    location = response.get("Location", "")
    return response.status_code == 302 and "login" in location


def state(ticket):
    ticket.refresh_from_db()
    return (
        ticket.status,
        ticket.title,
        ticket.assigned_to_id,
        FollowUp.objects.filter(ticket=ticket).count(),
    )


@pytest.mark.parametrize(
    "role",
    [
        "reporter of another county",
        "reporter of another department",
        "operator of other queues",
        "supervisor of another county",
    ],
)
def test_no_url_shows_a_ticket_out_of_scope(client, world, role):
    ticket, _filer, outsiders, ids = world
    user = outsiders[role]
    before = state(ticket)
    failures = []
    checked = 0
    for name, params, route in walk():
        try:
            url = reverse(name, kwargs=fill(params, ids, route)) if params else reverse(name)
        except Exception:
            failures.append(f"{route}: could not build a URL")
            continue
        ticket_url = names_ticket(params, route)
        for method in ("get", "post") if ticket_url else ("get",):
            client.force_login(user)
            response = getattr(client, method)(url)
            checked += 1
            body = b"" if response.streaming else response.content
            leaked = MARKER.encode() in body
            if response.status_code >= 500 or leaked:
                failures.append(f"{method.upper()} {url}: {response.status_code}, leaked={leaked}")
            elif ticket_url and not is_refusal(response):
                failures.append(f"{method.upper()} {url}: {response.status_code}, not refused")
    assert checked > 60
    assert not failures, "\n".join(failures)
    assert state(ticket) == before, "an out-of-scope request changed the ticket"


@pytest.mark.parametrize(
    "who", ["filer", "colleague", "county supervisor", "prefecture supervisor", "operator", "admin"]
)
def test_people_in_scope_see_the_ticket(client, world, who):
    ticket, filer, _outsiders, _ids = world
    user = {
        "filer": lambda: filer,
        "colleague": lambda: UserFactory(department=filer.department),
        "county supervisor": lambda: UserFactory(
            role=Role.SUPERVISOR, supervised_region=region("513301")
        ),
        "prefecture supervisor": lambda: UserFactory(
            role=Role.SUPERVISOR, supervised_region=region("513300")
        ),
        "operator": lambda: OperatorFactory(subsystems=Subsystem.objects.filter(code="e_license")),
        "admin": lambda: UserFactory(role=Role.ADMIN, department=None),
    }[who]()
    client.force_login(user)
    response = client.get(reverse("tickets:detail", args=[ticket.pk]))
    assert response.status_code == 200
    assert MARKER in response.content.decode()
    listing = client.get(reverse("tickets:list"))
    assert MARKER in listing.content.decode()
    api = client.get(f"/api/tickets/{ticket.pk}/")
    assert api.status_code == 200 and api.json()["title"].startswith(MARKER)


def test_operator_in_scope_works_the_ticket_in_helpdesk(client, world):
    ticket, *_ = world
    operator = OperatorFactory(subsystems=Subsystem.objects.filter(code="e_license"))
    client.force_login(operator)
    assert client.get(reverse("helpdesk:view", args=[ticket.pk])).status_code == 200
    response = client.post(
        reverse("helpdesk:update", args=[ticket.pk]),
        {
            "comment": "已收到，正在处理",
            "new_status": Ticket.RESOLVED_STATUS,
            "public": True,
            "title": ticket.title,
            "queue": ticket.queue_id,
            "body": ticket.description,
            "priority": 3,
            # A fault is resolved with its root cause (tests/tickets/test_workbench.py).
            "root_cause": "证照模板缓存损坏",
            "fix": "清理缓存",
        },
    )
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == Ticket.RESOLVED_STATUS


def test_supervisor_cannot_change_what_they_read(client, world):
    ticket, *_ = world
    supervisor = UserFactory(role=Role.SUPERVISOR, supervised_region=region("513301"))
    client.force_login(supervisor)
    response = client.post(reverse("tickets:comment", args=[ticket.pk]), {"comment": "hi"})
    assert response.status_code == 403
    assert not FollowUp.objects.filter(ticket=ticket, comment="hi").exists()


def test_attachment_download_is_scoped(client, world):
    _ticket, filer, outsiders, ids = world
    client.force_login(filer)
    response = client.get(f"/media/{ids['path']}")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PNG
    client.force_login(outsiders["reporter of another county"])
    assert client.get(f"/media/{ids['path']}").status_code == 404


def test_service_refuses_out_of_scope_comment(world):
    from django.core.exceptions import PermissionDenied

    ticket, _filer, outsiders, _ids = world
    with pytest.raises(PermissionDenied):
        services.add_comment(
            user=outsiders["reporter of another county"], ticket=ticket, comment="x"
        )


def test_operator_ticket_page_shows_who_filed_it(client, world):
    ticket, *_ = world
    client.force_login(OperatorFactory(subsystems=Subsystem.objects.filter(code="e_license")))
    body = client.get(reverse("helpdesk:view", args=[ticket.pk])).content.decode()
    assert "炉城街道便民服务中心" in body
    assert "甘孜藏族自治州 › 康定市 › 炉城街道" in body
    assert "日常故障处理" in body and "全部工单" in body
