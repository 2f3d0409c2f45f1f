"""The ledger pages: a supervisor's region only, Chinese messages for bad input."""

import datetime as dt

import pytest
from django.urls import reverse

from rectification.models import RectificationItem, Status
from tests.factories import DepartmentFactory, UserFactory
from tests.sla.conftest import at

pytestmark = pytest.mark.django_db

WEAK_SPOT = {"kind": "week", "date": "2025-11-10", "dimension": "county", "key": "513301"}


@pytest.fixture
def kangding(client, kangding_supervisor, week):
    """康定's supervisor on 2025-11-20, after a week in which 康定 resolved
    one of its two tickets late (tests/reporting/conftest.py)."""
    client.force_login(kangding_supervisor)
    return client


def new_url(**query):
    from django.utils.http import urlencode

    return f"{reverse('rectification:new')}?{urlencode(WEAK_SPOT | query)}"


def test_a_supervisor_enters_a_weak_spot_from_the_dashboard_link(kangding, kangding_centre):
    page = kangding.get(new_url())
    assert page.status_code == 200
    text = page.content.decode()
    assert "列入整改台账" in text and "县（市）“康定市”" in text
    form = page.context["form"]
    assert form.initial["department"] == kangding_centre.pk
    response = kangding.post(
        new_url(),
        {
            "finding": form.initial["finding"],
            "department": kangding_centre.pk,
            "measures": "每日通报超时工单",
            "working_days": 10,
        },
    )
    item = RectificationItem.objects.get()
    assert response.status_code == 302 and response.url == reverse(
        "rectification:detail", args=[item.pk]
    )
    assert item.period_start == dt.date(2025, 11, 10) and item.group_key == "513301"
    detail = kangding.get(response.url).content.decode()
    assert "每日通报超时工单" in detail and "待整改" in detail and "已列入整改台账" in detail
    # Sent again (a double submit, or the link once more): the same item.
    again = kangding.post(new_url(), {"measures": "x", "working_days": 3})
    assert again.url == response.url and RectificationItem.objects.count() == 1


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"dimension": "planet"}, "无法识别的弱项"),
        ({"key": "999999"}, "没有该弱项的数据"),
        ({"kind": "decade"}, "选择一个有效的选项"),
        ({"date": "2999-01-01"}, "请选择2000年至2100年之间的日期"),
        ({"date": "2099-01-05"}, "尚未开始"),
    ],
)
def test_a_bad_link_gets_a_400_with_a_chinese_message(kangding, query, message):
    response = kangding.get(new_url(**query))
    assert response.status_code == 400
    assert message in response.content.decode()


def test_a_weak_spot_without_late_tickets_is_not_entered(
    client, prefecture_supervisor, luding_centre, week
):
    client.force_login(prefecture_supervisor)
    # 泸定 resolved only its emergency that week, in time.
    link = new_url(region="513300", key="513322")
    response = client.get(link)
    assert response.status_code == 400
    assert "没有未达标的工单，无需整改" in response.content.decode()
    posted = client.post(
        link, {"finding": "x", "department": luding_centre.pk, "measures": "x", "working_days": 5}
    )
    assert posted.status_code == 400 and not RectificationItem.objects.exists()
    assert client.get(new_url(region="513300")).status_code == 200  # 康定 had one late


def test_a_bad_form_keeps_the_input_and_says_what_is_wrong(kangding, kangding_centre):
    response = kangding.post(
        new_url(),
        {"finding": "问题", "department": kangding_centre.pk, "measures": "", "working_days": 0},
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "该字段是必填项" in text and "确保该值大于或等于1" in text
    assert "问题" in text  # the finding as typed
    assert not RectificationItem.objects.exists()


def test_another_countys_supervisor_cannot_see_or_touch_an_item(
    client, kangding_supervisor, luding_supervisor, kangding_centre, make_item
):
    item = make_item(kangding_supervisor, kangding_centre)
    client.force_login(luding_supervisor)
    assert client.get(reverse("rectification:detail", args=[item.pk])).status_code == 404
    assert client.post(reverse("rectification:start", args=[item.pk])).status_code == 404
    assert (
        client.post(reverse("rectification:complete", args=[item.pk]), {"note": "完成"}).status_code
        == 404
    )
    ledger = client.get(reverse("rectification:ledger")).content.decode()
    assert item.number not in ledger
    # 泸定 cannot enter 康定's weak spot either: 康定 is not a region it may choose.
    assert client.get(new_url()).status_code == 400
    item.refresh_from_db()
    assert item.status == Status.PENDING


def test_the_prefecture_supervisor_sees_every_county(
    client, kangding_supervisor, prefecture_supervisor, kangding_centre, make_item
):
    item = make_item(kangding_supervisor, kangding_centre)
    client.force_login(prefecture_supervisor)
    assert client.get(reverse("rectification:detail", args=[item.pk])).status_code == 200


def test_staff_who_are_not_supervisors_are_refused(client, kangding_centre):
    client.force_login(UserFactory(department=kangding_centre))
    assert client.get(reverse("rectification:ledger")).status_code == 403
    assert client.get(new_url()).status_code == 403


def test_status_actions_from_the_item_page(
    kangding, kangding_supervisor, kangding_centre, make_item
):
    item = make_item(kangding_supervisor, kangding_centre)
    url = reverse("rectification:detail", args=[item.pk])
    assert kangding.post(reverse("rectification:start", args=[item.pk])).url == url
    again = kangding.post(reverse("rectification:start", args=[item.pk]))
    assert again.status_code == 400 and "不能执行“开始整改”" in again.content.decode()
    empty = kangding.post(reverse("rectification:complete", args=[item.pk]), {"note": "  "})
    assert empty.status_code == 400 and "该字段是必填项" in empty.content.decode()
    done = kangding.post(
        reverse("rectification:complete", args=[item.pk]), {"note": "已完成排班调整"}
    )
    assert done.url == url
    page = kangding.get(url).content.decode()
    assert "已完成" in page and "已完成排班调整" in page and "data-action=" not in page
    assert kangding.get(reverse("rectification:start", args=[item.pk])).status_code == 405


def test_the_ledger_lists_filters_and_pages(
    kangding, kangding_supervisor, kangding_centre, make_item, now
):
    other = DepartmentFactory(name="炉城街道便民服务中心", region=kangding_centre.region)
    for week in range(25):
        day = dt.date(2025, 1, 6) + dt.timedelta(weeks=week)
        make_item(kangding_supervisor, kangding_centre if week % 2 else other, day=day)
    page = kangding.get(reverse("rectification:ledger"))
    assert page.status_code == 200 and len(page.context["page"]) == 20
    assert "第1页，共2页" in page.content.decode()
    filtered = kangding.get(reverse("rectification:ledger"), {"department": other.pk})
    assert filtered.context["page"].paginator.count == 13
    bad = kangding.get(reverse("rectification:ledger"), {"status": "lost"})
    assert bad.status_code == 400 and "选择一个有效的选项" in bad.content.decode()


def test_proposals_are_accepted_in_one_click(kangding, kangding_centre):
    page = kangding.get(reverse("rectification:proposals"), {"kind": "week", "date": "2025-11-10"})
    assert page.status_code == 200  # no ticket, so nothing is weak
    assert "本期没有待列入台账的弱项" in page.content.decode()
    response = kangding.post(reverse("rectification:accept"), WEAK_SPOT)
    item = RectificationItem.objects.get()
    assert response.url == reverse("rectification:detail", args=[item.pk])
    assert item.department == kangding_centre and item.working_days == 15
    assert item.deadline == dt.date(2025, 12, 11)  # 15 working days after Thursday 11-20
    assert item.created_at == at("2025-11-20 12:00")


def test_extending_and_withdrawing_from_the_item_page(
    kangding, kangding_supervisor, kangding_centre, make_item, now
):
    now.set("2025-11-20 10:00")
    item = make_item(kangding_supervisor, kangding_centre, created="2025-11-19 10:00", days=5)
    url = reverse("rectification:detail", args=[item.pk])
    page = kangding.get(url).content.decode()
    assert "延长整改期限" in page and "撤销整改事项" in page
    bad = kangding.post(reverse("rectification:extend", args=[item.pk]), {"working_days": "0"})
    body = bad.content.decode()
    assert bad.status_code == 400 and "延期原因" in body and "data-error" in body
    assert '<details class="border-top pt-2 mt-2" data-extend open>' in body
    done = kangding.post(
        reverse("rectification:extend", args=[item.pk]),
        {"working_days": "3", "reason": "等待省级平台升级"},
    )
    assert done.url == url
    page = kangding.get(url).content.decode()
    assert "2025-12-01" in page and "原定2025-11-26到期" in page and "等待省级平台升级" in page
    assert "2025-11-26 → 2025-12-01" in page
    withdrawn = kangding.post(
        reverse("rectification:withdraw", args=[item.pk]), {"reason": "<b>重复</b>"}
    )
    assert withdrawn.url == url
    page = kangding.get(url).content.decode()
    assert 'data-status="withdrawn"' in page and "已撤销" in page
    assert "&lt;b&gt;重复&lt;/b&gt;" in page and "<b>重复</b>" not in page
    assert "data-action=" not in page
    again = kangding.post(reverse("rectification:withdraw", args=[item.pk]), {"reason": "再撤"})
    assert again.status_code == 400 and "不能执行" in again.content.decode()
    assert RectificationItem.objects.get().status == Status.WITHDRAWN
