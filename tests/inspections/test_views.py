"""The pages: who sees and records what, plans set up on the site, bad
input refused in Chinese with nothing stored."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from helpdesk.models import Ticket

from inspections import services
from inspections.models import Plan, RunStatus
from tests.factories import PNG, get_subsystem
from tests.inspections.conftest import counties

pytestmark = pytest.mark.django_db


def login(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def run(now, licence_plan):
    now.set("2026-10-08 09:00")
    services.make_due_runs()
    return licence_plan.runs.get()


def run_post(plan, *, status="normal", count="3", file=None, flagged=False):
    items = {i.name: i for i in plan.items.all()}
    data = {
        f"item_{items['今日制证是否正常'].pk}": status,
        f"item_{items['今日制证数量'].pk}": count,
        f"item_{items['制证页面截图'].pk}": file
        or SimpleUploadedFile("页面.png", PNG, content_type="image/png"),
        "note": "",
    }
    if flagged:
        data[f"item_{items['制证页面截图'].pk}_abnormal"] = "on"
    return data


def test_the_operator_records_a_run_and_sees_the_ticket(client, run, operator):
    login(client, operator)
    page = client.get("/inspections/")
    assert page.status_code == 200 and f'data-record="{run.pk}"' in page.content.decode()
    response = client.post(f"/inspections/runs/{run.pk}/", run_post(run.plan, status="abnormal"))
    assert response.status_code == 302
    run.refresh_from_db()
    assert run.status == RunStatus.DONE and not run.late
    page = client.get(f"/inspections/runs/{run.pk}/").content.decode()
    ticket = Ticket.objects.get()
    assert f'data-ticket="{ticket.pk}"' in page
    assert (
        client.get(
            f"/inspections/answers/{run.answers.get(item__kind='screenshot').pk}/file/"
        ).status_code
        == 200
    )


def test_bad_answers_are_refused_in_chinese_and_nothing_is_stored(client, run, operator):
    login(client, operator)
    response = client.post(f"/inspections/runs/{run.pk}/", run_post(run.plan, count="十二"))
    assert response.status_code == 400
    assert "请输入数字" in response.content.decode()
    fake = SimpleUploadedFile("截图.png", b"%PDF-1.4 not an image", content_type="image/png")
    response = client.post(f"/inspections/runs/{run.pk}/", run_post(run.plan, file=fake))
    assert response.status_code == 400
    assert "内容" in response.content.decode() or "图片" in response.content.decode()
    pdf = SimpleUploadedFile(
        "截图.pdf",
        b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n",
        content_type="application/pdf",
    )
    response = client.post(f"/inspections/runs/{run.pk}/", run_post(run.plan, file=pdf))
    assert response.status_code == 400
    assert "截图须为图片" in response.content.decode()
    run.refresh_from_db()
    assert run.status == RunStatus.PENDING and not run.answers.exists()


def test_others_cannot_see_or_record_the_run(
    client, run, other_operator, reporter, luding_supervisor, prefecture_supervisor
):
    login(client, reporter)
    assert client.get("/inspections/").status_code == 403
    assert client.get(f"/inspections/runs/{run.pk}/").status_code == 403
    login(client, other_operator)
    assert client.get(f"/inspections/runs/{run.pk}/").status_code == 404
    assert client.post(f"/inspections/runs/{run.pk}/", run_post(run.plan)).status_code == 404
    assert client.get(f"/inspections/plans/{run.plan_id}/").status_code == 404
    # The plan belongs to the prefecture's centre: a county supervisor does not see it.
    login(client, luding_supervisor)
    assert client.get(f"/inspections/runs/{run.pk}/").status_code == 404
    login(client, prefecture_supervisor)
    page = client.get(f"/inspections/runs/{run.pk}/")
    assert page.status_code == 200 and "data-run-form" not in page.content.decode()
    assert client.post(f"/inspections/runs/{run.pk}/", run_post(run.plan)).status_code == 403
    assert client.get(f"/inspections/items/{run.plan.items.first().pk}/").status_code == 200


def plan_post(department, operator, **fields):
    data = {
        "name": "电子印章日常巡检",
        "subsystem": get_subsystem("e_seal").pk,
        "department": department.pk,
        "operator": operator.pk,
        "frequency": "weekly",
        "weekday": "3",
        "day_of_month": "1",
        "starts_on": "2026-10-08",
        "active": "on",
        "items-TOTAL_FORMS": "2",
        "items-INITIAL_FORMS": "0",
        "items-MIN_NUM_FORMS": "1",
        "items-MAX_NUM_FORMS": "1000",
        "items-0-name": "认领与制章是否正常",
        "items-0-kind": "status",
        "items-1-name": "待制章申请数",
        "items-1-kind": "number",
        "items-1-above": "20",
    }
    data.update(fields)
    return data


def test_a_supervisor_sets_up_a_plan_on_the_site(client, prefecture_supervisor, centre, operator):
    login(client, prefecture_supervisor)
    assert client.get("/inspections/plans/new/").status_code == 200
    response = client.post("/inspections/plans/new/", plan_post(centre, operator))
    assert response.status_code == 302
    plan = Plan.objects.get()
    assert plan.created_by == prefecture_supervisor
    assert [i.name for i in plan.items.all()] == ["认领与制章是否正常", "待制章申请数"]
    assert plan.items.get(kind="number").above == 20


def test_a_threshold_that_is_not_a_number_is_refused_in_chinese(
    client, prefecture_supervisor, centre, operator
):
    login(client, prefecture_supervisor)
    response = client.post(
        "/inspections/plans/new/", plan_post(centre, operator, **{"items-1-above": "二十"})
    )
    assert response.status_code == 400
    assert "请输入数字" in response.content.decode()
    response = client.post(
        "/inspections/plans/new/", plan_post(centre, operator, **{"items-1-below": "30"})
    )
    assert response.status_code == 400
    assert "下限高于上限" in response.content.decode()
    assert not Plan.objects.exists()


def test_a_county_supervisor_plans_for_their_county_only(
    client, kangding_supervisor, kangding_centre, centre, operator
):
    login(client, kangding_supervisor)
    response = client.post("/inspections/plans/new/", plan_post(centre, operator))
    assert response.status_code == 400  # the prefecture's centre is not among the choices
    response = client.post("/inspections/plans/new/", plan_post(kangding_centre, operator))
    assert response.status_code == 302
    assert client.get("/inspections/").content.decode().count("data-plan=") == 1


def test_the_county_trend_shows_each_week(client, now, overdue_plan, operator):
    now.set("2026-10-12 09:00")
    services.make_due_runs()
    run = overdue_plan.runs.get(due_on=dt.date(2026, 10, 12))
    item = overdue_plan.items.get()
    login(client, operator)
    data = {f"item_{item.pk}_{c.code}": "2" for c in counties()}
    data[f"item_{item.pk}_513334"] = "-1"
    response = client.post(f"/inspections/runs/{run.pk}/", data)
    assert response.status_code == 400 and "不能为负数" in response.content.decode()
    data[f"item_{item.pk}_513334"] = "6"
    assert client.post(f"/inspections/runs/{run.pk}/", data).status_code == 302
    page = client.get(f"/inspections/items/{item.pk}/").content.decode()
    assert 'data-county="513334"' in page and "<td>6</td>" in page
    assert dt.date(2026, 10, 12).strftime("%m-%d") in page
