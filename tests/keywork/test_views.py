"""The pages: the county board, the item page, who may see and do what
(others get 404), and Chinese errors with a 4xx for bad input."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from helpdesk_site.navigation import menu
from keywork.models import Item, Status, Update
from tests.english import visible_english
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def board_items(now, make_item, luding_centre, prefecture_supervisor):
    """康定: one late item (a milestone missed), one done; 泸定: one in progress."""
    now.set("2026-11-20 10:00")
    late = make_item(milestones=[("试运行", "2026-11-13"), ("推开", "2026-12-10")])
    make_item(title="电子印章应用", kind="e_seal", milestones=[], due="2026-12-20")
    luding = make_item(
        title="跨省通办扩面",
        kind="cross_region",
        region="513322",
        department=luding_centre,
        user=prefecture_supervisor,
        milestones=[("确定清单", "2026-12-01")],
    )
    return late, luding


def test_the_prefecture_supervisor_sees_every_county_and_the_late_one_highlighted(
    client, board_items, prefecture_supervisor
):
    late, luding = board_items
    client.force_login(prefecture_supervisor)
    response = client.get(reverse("keywork:index"))
    page = response.content.decode()
    assert response.status_code == 200
    assert page.count("data-county=") == 19  # 州本级 and the 18 counties
    assert 'data-county="513301" data-late' in page
    assert 'data-county="513322" data-late' not in page
    assert f'data-item="{late.pk}" data-late' in page
    assert f'data-item="{luding.pk}"' in page
    assert "节点完成0/2（0%）" in page
    assert not visible_english(page, {"English", prefecture_supervisor.username})


def test_filters_by_kind_status_and_county(client, board_items, prefecture_supervisor):
    late, luding = board_items
    client.force_login(prefecture_supervisor)
    page = client.get(reverse("keywork:index"), {"kind": "cross_region"}).content.decode()
    assert f'data-item="{luding.pk}"' in page and f'data-item="{late.pk}"' not in page
    page = client.get(reverse("keywork:index"), {"status": "overdue"}).content.decode()
    assert f'data-item="{late.pk}"' in page and f'data-item="{luding.pk}"' not in page
    page = client.get(reverse("keywork:index"), {"county": "513322"}).content.decode()
    assert f'data-item="{luding.pk}"' in page and f'data-item="{late.pk}"' not in page
    page = client.get(reverse("keywork:index"), {"year": "2025"}).content.decode()
    assert "暂无重点工作事项" in page


def test_a_bad_filter_is_a_400_in_chinese(client, board_items, prefecture_supervisor):
    client.force_login(prefecture_supervisor)
    response = client.get(reverse("keywork:index"), {"year": "abc", "status": "x"})
    assert response.status_code == 400
    assert "选择一个有效的选项" in response.content.decode()


def test_a_county_supervisor_sees_their_county_only(
    client, board_items, kangding_supervisor, luding_supervisor
):
    late, luding = board_items
    client.force_login(kangding_supervisor)
    page = client.get(reverse("keywork:index")).content.decode()
    assert page.count("data-county=") == 1 and f'data-item="{luding.pk}"' not in page
    assert client.get(reverse("keywork:detail", args=[luding.pk])).status_code == 404
    assert (
        client.post(reverse("keywork:cancel", args=[luding.pk]), {"reason": "x"}).status_code == 404
    )
    client.force_login(luding_supervisor)
    assert client.get(reverse("keywork:detail", args=[late.pk])).status_code == 404
    assert client.get(reverse("keywork:detail", args=[luding.pk])).status_code == 200


def test_owner_department_staff_post_updates_others_get_404(
    client, board_items, clerk, luding_clerk
):
    late, luding = board_items
    client.force_login(clerk)
    assert client.get(reverse("keywork:detail", args=[luding.pk])).status_code == 404
    page = client.get(reverse("keywork:detail", args=[late.pk])).content.decode()
    assert "报送进展" in page and "取消事项" not in page and "修改事项" not in page
    proof = SimpleUploadedFile("试运行.txt", "试运行办结46件。".encode())
    response = client.post(
        reverse("keywork:update", args=[late.pk]), {"text": "试运行完成", "files": [proof]}
    )
    assert response.status_code == 302
    update = Update.objects.get(item=late)
    assert update.attachments.get().filename == "试运行.txt"
    download = client.get(reverse("keywork:download", args=[update.attachments.get().pk]))
    assert download.status_code == 200
    client.force_login(luding_clerk)
    assert (
        client.get(reverse("keywork:download", args=[update.attachments.get().pk])).status_code
        == 404
    )
    assert client.post(reverse("keywork:update", args=[late.pk]), {"text": "x"}).status_code == 404


def test_operators_read_everything_and_change_nothing(client, board_items, operator):
    late, luding = board_items
    client.force_login(operator)
    assert client.get(reverse("keywork:detail", args=[luding.pk])).status_code == 200
    page = client.get(reverse("keywork:detail", args=[late.pk])).content.decode()
    assert "报送进展" not in page
    assert client.post(reverse("keywork:update", args=[late.pk]), {"text": "x"}).status_code == 403
    assert client.get(reverse("keywork:new")).status_code == 403


def test_staff_of_a_department_without_items_have_no_menu_entry(client, board_items, clerk):
    outsider = UserFactory()
    assert [e.key for e in menu.entries("platform", clerk)].count("keywork") == 1
    assert "keywork" not in [e.key for e in menu.entries("platform", outsider)]
    client.force_login(outsider)
    assert client.get(reverse("keywork:index")).status_code == 403


def test_bad_input_is_refused_in_chinese_and_nothing_is_stored(
    client, board_items, clerk, kangding_supervisor
):
    late, _luding = board_items
    client.force_login(clerk)
    response = client.post(reverse("keywork:update", args=[late.pk]), {"text": "  "})
    assert response.status_code == 400 and "该字段是必填项" in response.content.decode()
    fake = SimpleUploadedFile("进展.pdf", b"MZ\x90\x00\x03\x00\x00\x00")
    response = client.post(
        reverse("keywork:update", args=[late.pk]), {"text": "进展", "files": [fake]}
    )
    page = response.content.decode()
    assert response.status_code == 400 and "进展.pdf" in page
    assert "进展</textarea>" in page  # what was typed is kept
    assert not Update.objects.exists()
    client.force_login(kangding_supervisor)
    response = client.post(reverse("keywork:complete", args=[late.pk]), {"note": ""})
    assert response.status_code == 400 and "还有2个节点未完成" in response.content.decode()
    late.refresh_from_db()
    assert late.status != Status.DONE
    response = client.post(
        reverse("keywork:add_milestone", args=[late.pk]),
        {"title": "验收", "deadline": "2026-13-01"},
    )
    assert response.status_code == 400 and "输入一个有效的日期" in response.content.decode()
    response = client.post(reverse("keywork:new"), {"title": "", "kind": "nope"})
    assert response.status_code == 400 and "该字段是必填项" in response.content.decode()
    assert Item.objects.count() == 3


def test_a_supervisor_enters_an_item_and_its_milestones(
    client, now, kangding_supervisor, kangding_centre
):
    now.set("2026-11-20 10:00")
    client.force_login(kangding_supervisor)
    form = client.get(reverse("keywork:new")).content.decode()
    assert "来源文件" in form and not visible_english(form, {"English"})
    response = client.post(
        reverse("keywork:new"),
        {
            "title": "企业开办一件事",
            "kind": "one_thing",
            "year": "2026",
            "goal": "一日办结",
            "source_title": "甘孜州2026年政务服务重点工作任务清单",
            "source_number": "甘府办函〔2026〕15号",
            "source_issuer": "甘孜州人民政府办公室",
            "region": "513301",
            "department": str(kangding_centre.pk),
            "due_date": "2026-12-31",
        },
    )
    item = Item.objects.get()
    assert response.url == reverse("keywork:detail", args=[item.pk])
    client.post(
        reverse("keywork:add_milestone", args=[item.pk]),
        {"title": "流程梳理", "deadline": "2026-12-05"},
    )
    page = client.get(response.url).content.decode()
    assert "流程梳理" in page and "甘府办函〔2026〕15号" in page
    assert not visible_english(page, {"English", item.number})
    response = client.post(
        reverse("keywork:new"),
        {
            "title": "越权",
            "kind": "one_thing",
            "year": "2026",
            "goal": "x",
            "source_title": "x",
            "source_issuer": "x",
            "region": "513322",
            "due_date": "2026-12-31",
        },
    )
    assert response.status_code == 400  # 泸定 is not among the choices


def test_the_owner_reaches_a_milestone_and_the_supervisor_edits_and_reopens(
    client, board_items, clerk, kangding_supervisor
):
    late, _luding = board_items
    milestone = late.milestones.get(title="试运行")
    client.force_login(clerk)
    page = client.get(reverse("keywork:detail", args=[late.pk])).content.decode()
    assert "完成此节点" in page
    response = client.post(reverse("keywork:reach", args=[late.pk, milestone.pk]))
    assert response.status_code == 302
    again = client.post(reverse("keywork:reach", args=[late.pk, milestone.pk]))
    assert again.status_code == 400 and "该节点已完成" in again.content.decode()
    assert client.get(reverse("keywork:edit", args=[late.pk])).status_code == 403
    client.force_login(kangding_supervisor)
    data = {
        "title": late.title,
        "kind": late.kind,
        "year": "2026",
        "goal": late.goal,
        "source_title": late.source_title,
        "source_number": late.source_number,
        "source_issuer": late.source_issuer,
        "region": "513301",
        "department": str(late.department_id),
        "due_date": "2027-01-15",
    }
    assert client.post(reverse("keywork:edit", args=[late.pk]), data).status_code == 302
    response = client.post(reverse("keywork:complete", args=[late.pk]), {"note": "不再推开"})
    assert response.status_code == 302
    response = client.post(reverse("keywork:reopen", args=[late.pk]), {"reason": "省里要求继续"})
    assert response.status_code == 302
    page = client.get(reverse("keywork:detail", args=[late.pk])).content.decode()
    assert "修改了：完成时限" in page and "省里要求继续" in page and "重新打开" in page
    late.refresh_from_db()
    assert late.status == Status.IN_PROGRESS and late.due_date.isoformat() == "2027-01-15"
