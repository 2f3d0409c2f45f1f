"""Every page an operator or an administrator opens in django-helpdesk's staff
interface and the admin is Chinese: no English word shows outside a short
list of product names and units (tests/english.py).

The pages are read from the URL conf at run time, so a page added later is
crawled too."""

import re

import pytest
from axes.models import AccessLog
from django.apps import apps
from django.contrib.auth.hashers import get_hasher
from django.contrib.auth.models import Group
from django.contrib.sites.models import Site
from django.urls import reverse
from helpdesk.models import Checklist, EmailTemplate, FollowUp, Queue, Ticket, TicketCC

from helpdesk_site.people.models import Role, User
from sla.models import BusinessCalendar
from tests.english import visible_english
from tests.factories import OperatorFactory, UserFactory, file_ticket, region
from tests.urlwalk import walk

pytestmark = pytest.mark.django_db

# Not pages (feeds, JSON, downloads, logging out) or pages not offered here.
# helpdesk's e-mail templates are stored content, shipped in ten languages;
# django-axes titles each login record in English ("Access Log for …").
SKIPPED = re.compile(
    r"rss|api/|datatables|logout|i18n|media/|timeline_ticket_list|/delete/$|emailtemplate"
    r"|axes/\w+/<"
)


@pytest.fixture
def desk(client):
    reporter = UserFactory(
        department__region=region("513301001", "炉城街道"), last_name="泽仁", first_name="卓玛"
    )
    operator = OperatorFactory(last_name="王", first_name="运维")
    admin = UserFactory(role=Role.ADMIN, department=None, last_name="系统", first_name="管理员")
    ticket = file_ticket(reporter, title="电子证照下载失败")
    client.force_login(operator)
    form = {"title": ticket.title, "queue": ticket.queue_id, "priority": 3, "body": "—"}
    for step in (
        {"owner": operator.pk, "comment": "已接单，正在排查", "new_status": Ticket.OPEN_STATUS},
        {
            "comment": "已修复证照模板",
            "new_status": Ticket.RESOLVED_STATUS,
            "public": True,
            "root_cause": "证照模板缺字段",
            "fix": "补全模板字段",
        },
    ):
        response = client.post(reverse("helpdesk:update", args=[ticket.pk]), {**form, **step})
        assert response.status_code == 302
    TicketCC.objects.create(ticket=ticket, email="cc@example.invalid")
    Checklist.objects.create(ticket=ticket, name="排查步骤")
    file_ticket(reporter, title="未分配的工单")
    return {"operator": operator, "admin": admin, "ticket": ticket}


def stored_values() -> set[str]:
    """What people and installers typed: names, addresses, codes, templates
    in other languages. They are data, not interface text."""
    values = set()
    for user in User.objects.all():
        values |= {user.username, user.email}
    for queue in Queue.objects.all():
        values.add(queue.slug)
    for ticket in Ticket.objects.all():
        values.add(ticket.ticket_for_url)
    for template in EmailTemplate.objects.all():
        for field in ("template_name", "subject", "heading", "plain_text", "html", "locale"):
            values.add(getattr(template, field) or "")
        values.add(str(template))
    values |= set(Group.objects.values_list("name", flat=True))
    values |= {site.domain for site in Site.objects.all()}
    values |= {calendar.time_zone for calendar in BusinessCalendar.objects.all()}
    values.add(get_hasher().algorithm)  # shown on the user's page
    return {value for value in values if value}


def login_records() -> set[str]:
    """What the browser sent, in django-axes' records of logins (made as
    the crawl goes)."""
    values = {"<unknown>"}
    for log in AccessLog.objects.all():
        values |= {log.user_agent, log.path_info}
    return values


def page_url(params, route, ticket, followup):
    kwargs = {}
    for name in params:
        if name == "ticket_id":
            kwargs[name] = ticket.pk
        elif name == "followup_id":
            kwargs[name] = followup.pk
        elif name == "object_id":
            match = re.match(r"admin/(\w+)/(\w+)/", route)
            if not match:
                return None
            try:
                model = apps.get_model(match.group(1), match.group(2))
            except LookupError:
                return None
            obj = model._default_manager.order_by("-pk").first()
            if obj is None:
                return None
            kwargs[name] = obj.pk
        elif name == "app_label":
            kwargs[name] = "helpdesk"
        else:
            return None
    return kwargs


def crawl(client, user, ticket):
    client.force_login(user)
    followup = FollowUp.objects.filter(ticket=ticket).order_by("pk").first()
    data = stored_values()
    english, pages = {}, 0
    for name, params, route in walk():
        if not route.startswith(("helpdesk/", "admin/")) or SKIPPED.search(route):
            continue
        kwargs = page_url(params, route, ticket, followup)
        if kwargs is None:
            continue
        url = reverse(name, kwargs=kwargs)
        response = client.get(url)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        pages += 1
        seen = data | login_records() if "/axes/" in url else data
        for word, context in visible_english(response.content.decode(), seen).items():
            english.setdefault(f"{url}: {context}", set()).add(word)
    return english, pages


def test_operator_sees_no_english_on_helpdesk_pages(client, desk):
    english, pages = crawl(client, desk["operator"], desk["ticket"])
    assert pages > 20
    assert not english, "\n".join(f"{where} {sorted(words)}" for where, words in english.items())


def test_administrator_sees_no_english_in_helpdesk_or_the_admin(client, desk):
    english, pages = crawl(client, desk["admin"], desk["ticket"])
    assert pages > 100
    assert not english, "\n".join(f"{where} {sorted(words)}" for where, words in english.items())


def test_helpdesks_own_tables_load_datatables_in_chinese(client, desk):
    client.force_login(desk["operator"])
    page = client.get(reverse("helpdesk:my-tickets")).content.decode()
    tables = page.index("datatables/js/dataTables.min.js")
    assert tables < page.index("servicedesk/datatables-zh.js")


def test_no_powered_by_line_and_the_brand_is_chinese(client, desk):
    client.force_login(desk["operator"])
    page = client.get(reverse("helpdesk:dashboard")).content.decode()
    assert "Powered by" not in page and "django-helpdesk" not in page
    assert "运维服务台" in page


def test_odd_translations_are_gone(client, desk):
    client.force_login(desk["operator"])
    unassigned = file_ticket(desk["ticket"].details.reporter, title="新工单")
    page = client.get(reverse("helpdesk:view", args=[unassigned.pk])).content.decode()
    page += client.get(reverse("helpdesk:dashboard")).content.decode()
    assert "接单" in page
    for odd in ("拿走", "种子", "代办", "待办", "所有者"):
        assert odd not in page, odd
