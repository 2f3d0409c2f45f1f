"""An operator records an inspection on a phone (390×844) and a laptop
(1366×768): a count that is not a number is refused in Chinese, then an
abnormal answer with a screenshot files a ticket the run page links to; no
page scrolls sideways and none shows English. Screenshots go to
test-artifacts/ for a person to look at."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from inspections import selectors, services
from tests.factories import PASSWORD, PNG, get_subsystem, region
from tests.test_e2e_layout import screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# File types named in an error, and the subsystem "天府通办" APP 分站点.
ALLOWED_LATIN = {"PNG", "JPEG", "GIF", "WebP", "APP"}


@pytest.fixture(autouse=True)
def regions(transactional_db):
    """A transactional test's flush removes the counties the migration loaded."""
    for code in ("513300", "513301", "513322"):
        region(code)


def log_in(page, base, user):
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("main form button")
    page.wait_for_load_state()


def latest_working_day() -> dt.date:
    calendar = selectors.calendar()
    day = timezone.localdate()
    while not calendar.periods_on(day):
        day -= dt.timedelta(days=1)
    return day


def fits_and_chinese(page, what):
    overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, (what, overflow)
    words = set(re.findall(r"[A-Za-z]{2,}", page.inner_text("main"))) - ALLOWED_LATIN
    assert not words, (what, words)


@pytest.mark.parametrize("width,height", [(390, 844), (1366, 768)])
def test_an_operator_records_an_inspection(
    browser, live_server, licence_plan, operator, tmp_path, width, height
):
    day = latest_working_day()
    licence_plan.starts_on = day
    licence_plan.save()
    services.make_due_runs(now=timezone.make_aware(dt.datetime.combine(day, dt.time(9))))
    run = licence_plan.runs.get()
    image = tmp_path / "制证页面.png"
    image.write_bytes(PNG)

    page = browser.new_context(viewport={"width": width, "height": height}).new_page()
    log_in(page, live_server.url, operator)
    page.goto(f"{live_server.url}/inspections/")
    fits_and_chinese(page, "list")
    screenshot(page, f"inspection-list-{width}")
    page.click(f"[data-record='{run.pk}']")
    page.wait_for_selector("[data-run-form]")
    fits_and_chinese(page, "form")
    items = {i.name: i for i in licence_plan.items.all()}
    page.click(f"label[for=id_item_{items['今日制证是否正常'].pk}_1]")  # 异常
    page.fill(f"#id_item_{items['今日制证数量'].pk}", "十二")
    page.set_input_files(f"#id_item_{items['制证页面截图'].pk}", str(image))
    page.fill("#id_note", "签发营业执照时提示签章服务不可用")
    page.click("[data-action=record-run]")
    page.wait_for_selector("[data-error]")
    assert "请输入数字" in page.inner_text("main")
    fits_and_chinese(page, "refused")
    screenshot(page, f"inspection-refused-{width}")
    page.fill(f"#id_item_{items['今日制证数量'].pk}", "3")
    page.set_input_files(f"#id_item_{items['制证页面截图'].pk}", str(image))
    page.click("[data-action=record-run]")
    page.wait_for_selector("[data-answers]")
    assert page.locator("[data-ticket]").count() == 1
    # On a day off the latest run was due on an earlier working day: late.
    on_time = day == timezone.localdate()
    assert page.locator(f"[data-status={'done' if on_time else 'late'}]").count() == 1
    fits_and_chinese(page, "recorded")
    screenshot(page, f"inspection-recorded-{width}")
    page.click("[data-ticket] a")
    page.wait_for_load_state()
    assert "巡检异常" in page.inner_text("main")


@pytest.mark.parametrize("width,height", [(390, 844), (1366, 768)])
def test_a_supervisor_sets_up_a_plan_and_reads_the_county_trend(
    browser, live_server, prefecture_supervisor, centre, operator, overdue_plan, width, height
):
    from tests.inspections.conftest import counties

    for code in ("513334", "513337"):
        region(code)
    day = dt.date(2026, 10, 12)
    services.make_due_runs(now=timezone.make_aware(dt.datetime.combine(day, dt.time(9))))
    item = overdue_plan.items.get()
    for run, litang in zip(overdue_plan.runs.order_by("due_on"), (12, 5), strict=True):
        counts = {c.code: 1 for c in counties()}
        counts["513334"] = litang
        services.record_run(run, operator, {item.pk: services.Given(counts=counts)})

    page = browser.new_context(viewport={"width": width, "height": height}).new_page()
    log_in(page, live_server.url, prefecture_supervisor)
    page.goto(f"{live_server.url}/inspections/")
    page.click("[data-action=new-plan]")
    page.wait_for_selector("[data-plan-form]")
    fits_and_chinese(page, "plan form")
    page.fill("#id_name", "电子印章日常巡检")
    page.select_option("#id_subsystem", str(get_subsystem("e_seal").pk))
    page.select_option("#id_department", str(centre.pk))
    page.select_option("#id_operator", str(operator.pk))
    page.select_option("#id_frequency", "daily")
    page.fill("#id_items-0-name", "待制章申请数")
    page.select_option("#id_items-0-kind", "number")
    page.fill("#id_items-0-above", "二十")
    page.click("[data-action=save-plan]")
    page.wait_for_selector("[data-error]")
    assert "请输入数字" in page.inner_text("main")
    fits_and_chinese(page, "plan refused")
    screenshot(page, f"inspection-plan-refused-{width}")
    page.fill("#id_items-0-above", "20")
    page.click("[data-action=save-plan]")
    page.wait_for_selector("[data-items]")
    fits_and_chinese(page, "plan")

    page.goto(f"{live_server.url}/inspections/items/{item.pk}/")
    page.wait_for_selector("[data-county-weeks]")
    cells = page.locator("[data-county='513334'] td").all_inner_texts()
    assert "12" in cells and "5" in cells
    fits_and_chinese(page, "county trend")
    screenshot(page, f"inspection-county-trend-{width}")
