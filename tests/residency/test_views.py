"""The pages: who sees which engineer (a county's supervisor: the engineers
posted in their county; the prefecture's: all; an engineer: their own,
read-only), recording an assessment, Chinese errors for bad input."""

import pytest
from django.urls import reverse

from residency.models import Assessment, Source
from tests.english import visible_english

pytestmark = pytest.mark.django_db


@pytest.fixture
def failed(now, engineer, assess):
    now.set("2026-10-03 16:00")
    return assess(engineer, "2026-10-01", 50)


def test_a_county_supervisor_sees_only_the_engineers_posted_in_their_county(
    client, engineer, luding_engineer, kangding_supervisor, prefecture_supervisor
):
    client.force_login(kangding_supervisor)
    page = client.get(reverse("residency:list")).content.decode()
    assert "王运维" in page and "李驻场" not in page
    assert client.get(reverse("residency:engineer", args=[luding_engineer.pk])).status_code == 404
    client.force_login(prefecture_supervisor)
    page = client.get(reverse("residency:list")).content.decode()
    assert "王运维" in page and "李驻场" in page


def test_an_engineer_reads_their_own_assessments_and_cannot_assess(
    client, failed, engineer, luding_engineer
):
    client.force_login(engineer.user)
    response = client.get(reverse("residency:list"))
    assert response.url == reverse("residency:engineer", args=[engineer.pk])
    page = client.get(response.url).content.decode()
    assert "未通过" in page and "录入考核" not in page
    assert client.get(reverse("residency:assessment", args=[failed.pk])).status_code == 200
    assert client.get(reverse("residency:assess", args=[engineer.pk])).status_code == 403
    client.force_login(luding_engineer.user)
    assert client.get(reverse("residency:assessment", args=[failed.pk])).status_code == 404


def test_reporters_have_no_assessment_pages(client, reporter, failed):
    client.force_login(reporter)
    assert client.get(reverse("residency:list")).status_code == 403
    assert client.get(reverse("residency:assessment", args=[failed.pk])).status_code == 403


def test_a_supervisor_records_an_assessment_and_sees_the_deadline(
    client, now, engineer, template, kangding_supervisor
):
    now.set("2026-10-03 16:00")
    client.force_login(kangding_supervisor)
    url = reverse("residency:assess", args=[engineer.pk])
    form = client.get(url)
    assert form.status_code == 200 and "业务能力" in form.content.decode()
    scores = {f"score_{i.pk}": "55" for i in template.items.filter(source=Source.MANUAL)}
    response = client.post(
        url,
        {"assessed_on": "2026-10-03", "period_from": "2026-09-04", "period_to": "2026-10-03"}
        | scores,
    )
    assessment = Assessment.objects.get()
    assert response.url == reverse("residency:assessment", args=[assessment.pk])
    page = client.get(response.url).content.decode()
    assert "未通过" in page and "复核期限2026-10-10" in page and "剩余7天" in page
    assert not visible_english(page, {"English", assessment.number})


def test_bad_input_gets_a_chinese_message_and_nothing_is_stored(
    client, now, engineer, template, kangding_supervisor
):
    now.set("2026-10-03 16:00")
    client.force_login(kangding_supervisor)
    url = reverse("residency:assess", args=[engineer.pk])
    scores = {f"score_{i.pk}": "120" for i in template.items.filter(source=Source.MANUAL)}
    response = client.post(
        url,
        {"assessed_on": "2026-10-09", "period_from": "2026-10-05", "period_to": "2026-10-01"}
        | scores,
    )
    assert response.status_code == 400
    assert "100" in response.content.decode()
    scores = {f"score_{i.pk}": "80" for i in template.items.filter(source=Source.MANUAL)}
    response = client.post(
        url,
        {"assessed_on": "2026-10-09", "period_from": "2026-10-01", "period_to": "2026-10-02"}
        | scores,
    )
    assert response.status_code == 400 and "考核日期不能晚于今天" in response.content.decode()
    response = client.post(url, {"assessed_on": "垃圾"})
    assert response.status_code == 400
    assert not Assessment.objects.exists()


def test_the_dashboard_shows_an_engineer_on_duty_without_a_pass(
    client, failed, kangding_supervisor, luding_supervisor
):
    client.force_login(kangding_supervisor)
    page = client.get(reverse("reporting:dashboard")).content.decode()
    assert "王运维在岗但最近一次考核未通过或未经考核" in page
    assert "须于2026-10-08前复核" in page
    client.force_login(luding_supervisor)
    page = client.get(reverse("reporting:dashboard")).content.decode()
    assert "data-residency-card" not in page
