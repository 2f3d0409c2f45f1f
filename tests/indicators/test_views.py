"""The pages: who sees what (scope), bad input answered 4xx in Chinese,
findings drafted, signed and entered in the ledger, and the tickets behind
a weak score agreeing with their drill-down."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from indicators import periods, services
from indicators.models import Finding, Indicator, Score
from rectification.models import Dimension, RectificationItem
from tests.factories import PNG, UserFactory, file_ticket
from tests.indicators.conftest import (
    NOW,
    OCTOBER,
    edit,
    figures_for,
    upload,
    workbook,
)

pytestmark = pytest.mark.django_db

WEAK_B = {"B1": 40, "B2": 45, "B3": 50}


@pytest.fixture
def october(tree, prefecture_supervisor):
    """October's sheet: 泸定县 weak on 办理成熟度, everyone else at 80."""
    services.import_sheet(
        prefecture_supervisor,
        OCTOBER,
        upload(workbook(tree, figures_for(tree, 80, **{"513322": WEAK_B}))),
        now=NOW,
    )


def get(client, user, url, **params):
    client.force_login(user)
    return client.get(url, params)


# --- Scope ---------------------------------------------------------------------


@pytest.mark.parametrize("who", ["operator", "reporter"])
def test_operators_and_reporters_find_nothing(client, october, who, request):
    user = request.getfixturevalue(who)
    client.force_login(user)
    for url in (
        reverse("indicators:index"),
        reverse("indicators:county", args=["513301"]),
        reverse("indicators:findings"),
        reverse("indicators:import"),
        reverse("indicators:tree"),
    ):
        assert client.get(url).status_code == 404, url


def test_the_prefecture_supervisor_sees_all_eighteen_counties_ranked(
    client, october, prefecture_supervisor
):
    response = get(client, prefecture_supervisor, reverse("indicators:index"))
    assert response.status_code == 200
    html = response.content.decode()
    assert len(re.findall(r'<tr data-county="', html)) == 18
    rows = response.context["rows"]
    assert rows[-1]["row"].code == "513322" and rows[-1]["cells"][0]["heat"] == 2
    assert "泸定县" in html and "办理成熟度" in html


def test_a_county_supervisor_sees_only_their_county(client, october, kangding_supervisor):
    client.force_login(kangding_supervisor)
    response = client.get(reverse("indicators:index"), {"period": OCTOBER.slug})
    assert response.status_code == 302
    assert response.url == reverse("indicators:county", args=["513301"]) + f"?period={OCTOBER.slug}"
    page = client.get(response.url)
    assert page.status_code == 200 and "全州18个县（市）中排名第1" in page.content.decode()
    assert client.get(reverse("indicators:county", args=["513322"])).status_code == 404
    assert client.get(reverse("indicators:import")).status_code == 403
    assert client.get(reverse("indicators:tree")).status_code == 403


def test_a_county_supervisor_enters_their_own_figures_only(client, october, kangding_supervisor):
    client.force_login(kangding_supervisor)
    url = reverse("indicators:enter", args=["513301"]) + f"?period={OCTOBER.slug}"
    values = {
        code: "70" for code in Indicator.objects.filter(year=2026).values_list("code", flat=True)
    }
    values.pop("A"), values.pop("B"), values.pop("C"), values.pop("D"), values.pop("E")
    bad = client.post(url, {**values, "A1": "120"})
    assert bad.status_code == 400 and "100" in bad.content.decode()
    assert client.post(url, values).status_code == 302
    assert set(Score.objects.filter(county_id="513301").values_list("value", flat=True)) == {70}
    other = reverse("indicators:enter", args=["513322"]) + f"?period={OCTOBER.slug}"
    assert client.post(other, values).status_code == 404


# --- Bad input -----------------------------------------------------------------


@pytest.mark.parametrize("period", ["month-2026-13", "week-1", "nonsense"])
def test_a_malformed_period_is_a_400(client, october, prefecture_supervisor, period):
    response = get(client, prefecture_supervisor, reverse("indicators:index"), period=period)
    assert response.status_code == 400
    assert "无法识别的统计周期" in response.content.decode()


def test_an_unknown_county_is_a_404(client, october, prefecture_supervisor):
    response = get(client, prefecture_supervisor, reverse("indicators:county", args=["999999"]))
    assert response.status_code == 404


def test_a_bad_sheet_is_a_400_naming_the_cell_and_imports_nothing(
    client, october, tree, prefecture_supervisor
):
    client.force_login(prefecture_supervisor)
    before = set(Score.objects.values_list("pk", "value"))
    bad = edit(workbook(tree, figures_for(tree, 50)), lambda s: s.cell(6, 3, "abc"))
    response = client.post(
        reverse("indicators:import"), {"period": OCTOBER.slug, "file": upload(bad)}
    )
    assert response.status_code == 400
    assert "第6行 C列（服务便捷度）：“abc”不是数字。" in response.content.decode()
    assert set(Score.objects.values_list("pk", "value")) == before


def test_a_picture_named_xlsx_is_refused_by_its_content(client, october, prefecture_supervisor):
    client.force_login(prefecture_supervisor)
    response = client.post(
        reverse("indicators:import"), {"period": OCTOBER.slug, "file": upload(PNG, "得分.xlsx")}
    )
    assert response.status_code == 400
    assert "得分.xlsx" in response.content.decode()


def test_a_period_not_in_the_list_is_refused(client, october, prefecture_supervisor, tree):
    client.force_login(prefecture_supervisor)
    response = client.post(
        reverse("indicators:import"), {"period": "month-1999-1", "file": upload(workbook(tree))}
    )
    assert response.status_code == 400


def test_the_import_page_replaces_a_period_and_shows_the_log(
    client, october, tree, prefecture_supervisor
):
    client.force_login(prefecture_supervisor)
    response = client.post(
        reverse("indicators:import"),
        {"period": OCTOBER.slug, "file": upload(workbook(tree, figures_for(tree, 77)))},
    )
    assert response.status_code == 302
    page = client.get(reverse("indicators:import")).content.decode()
    assert page.count("Excel导入") >= 2 and "替换234项" in page


def test_template_and_sample_download_as_workbooks_that_import(client, tree, prefecture_supervisor):
    client.force_login(prefecture_supervisor)
    blank = client.get(reverse("indicators:template"), {"period": OCTOBER.slug})
    sample = client.get(reverse("indicators:sample"), {"period": OCTOBER.slug})
    assert blank.status_code == sample.status_code == 200
    assert blank["Content-Type"].endswith("spreadsheetml.sheet")
    with pytest.raises(services.ImportRefused):  # blank: every score missing
        services.import_sheet(prefecture_supervisor, OCTOBER, upload(blank.content), now=NOW)
    services.import_sheet(prefecture_supervisor, OCTOBER, upload(sample.content), now=NOW)
    assert Score.objects.count() == 18 * len(tree.leaves)
    assert client.get(reverse("indicators:sample"), {"period": "x"}).status_code == 400
    no_tree = client.get(reverse("indicators:sample"), {"period": "month-2020-1"})
    assert no_tree.status_code == 400 and "尚未设置指标体系" in no_tree.content.decode()


# --- The tree ------------------------------------------------------------------


def test_the_tree_is_configured_and_copied_to_a_new_year(client, tree, admin_user):
    client.force_login(admin_user)
    page = client.get(reverse("indicators:tree"), {"year": 2026})
    assert page.status_code == 200 and "服务便捷度" in page.content.decode()
    parent = Indicator.objects.get(year=2026, code="A")
    response = client.post(
        reverse("indicators:indicator_new", args=[2026]),
        {"code": "A4", "name": "办事指南准确度", "parent": parent.pk, "weight": "10",
         "full_marks": "100", "order": "4"},
    )  # fmt: skip
    assert response.status_code == 302
    warnings = client.get(reverse("indicators:tree"), {"year": 2026}).content.decode()
    assert "“服务成效度”下的权重合计为110，不是100。" in warnings
    clash = client.post(
        reverse("indicators:indicator_new", args=[2026]),
        {"code": "A5", "name": "好差评", "weight": "1", "full_marks": "100", "order": "1"},
    )
    assert clash.status_code == 400 and "本年度已有同名指标" in clash.content.decode()
    copied = client.post(reverse("indicators:tree_copy"), {"from_year": 2026, "to_year": 2027})
    assert copied.status_code == 302
    assert (
        Indicator.objects.filter(year=2027).count() == Indicator.objects.filter(year=2026).count()
    )
    assert Indicator.objects.get(year=2027, code="A4").parent.year == 2027
    again = client.post(reverse("indicators:tree_copy"), {"from_year": 2026, "to_year": 2027})
    assert again.status_code == 400 and "2027年度已有指标" in again.content.decode()


def test_an_indicator_with_scores_stays(client, october, admin_user):
    client.force_login(admin_user)
    leaf = Indicator.objects.get(year=2026, code="A1")
    response = client.post(reverse("indicators:indicator_delete", args=[leaf.pk]))
    assert response.status_code == 400 and Indicator.objects.filter(pk=leaf.pk).exists()


# --- Findings and the ledger ----------------------------------------------------------


def test_a_finding_is_drafted_edited_signed_then_read_only(
    client, october, prefecture_supervisor, luding_supervisor
):
    client.force_login(luding_supervisor)
    county = client.get(reverse("indicators:county", args=["513322"]), {"period": OCTOBER.slug})
    draft_link = re.search(r'href="([^"]+)" data-action="draft"', county.content.decode())
    assert draft_link is not None
    form = client.get(draft_link.group(1).replace("&amp;", "&"))
    assert form.status_code == 200 and "低于全州平均" in form.content.decode()
    response = client.post(
        reverse("indicators:finding_new"),
        {"region": "513322", "period": OCTOBER.slug, "indicator": "B1",
         "title": "泸定县全程网办率偏低", "problem": "得分40.00", "approach": "逐项核查"},
    )  # fmt: skip
    finding = Finding.objects.get()
    assert response.status_code == 302 and finding.created_by == luding_supervisor
    empty = client.post(
        reverse("indicators:finding", args=[finding.pk]),
        {"title": "x", "problem": "", "approach": "y"},
    )
    assert empty.status_code == 400
    client.post(
        reverse("indicators:finding", args=[finding.pk]),
        {"title": "泸定县办理成熟度偏低", "problem": "得分偏低", "approach": "集中排查"},
    )
    assert client.post(reverse("indicators:finding_sign", args=[finding.pk])).status_code == 302
    finding.refresh_from_db()
    assert finding.signed and finding.signed_by == luding_supervisor and finding.signed_at
    assert finding.title == "泸定县办理成熟度偏低"
    late = client.post(
        reverse("indicators:finding", args=[finding.pk]),
        {"title": "改", "problem": "改", "approach": "改"},
    )
    assert late.status_code == 400 and "已审定的问题不能再修改" in late.content.decode()
    assert Finding.objects.get().title == "泸定县办理成熟度偏低"
    assert client.post(reverse("indicators:finding_sign", args=[finding.pk])).status_code == 400


def test_findings_of_another_county_are_not_found(
    client, october, kangding_supervisor, luding_supervisor
):
    from helpdesk_site.regions.models import Region

    finding = services.draft_finding(
        luding_supervisor, Region.objects.get(code="513322"), OCTOBER,
        title="t", problem="p", approach="a",
    )  # fmt: skip
    client.force_login(kangding_supervisor)
    assert client.get(reverse("indicators:finding", args=[finding.pk])).status_code == 404
    assert client.post(reverse("indicators:finding_sign", args=[finding.pk])).status_code == 404


def test_an_administrator_edits_but_a_supervisor_signs(client, october, admin_user):
    from helpdesk_site.regions.models import Region

    finding = services.draft_finding(
        admin_user, Region.objects.get(code="513322"), OCTOBER,
        title="t", problem="p", approach="a",
    )  # fmt: skip
    client.force_login(admin_user)
    assert client.post(reverse("indicators:finding_sign", args=[finding.pk])).status_code == 403


def test_a_signed_finding_enters_the_rectification_ledger_once(client, october, luding_supervisor):
    from helpdesk_site.regions.models import Region
    from tests.factories import DepartmentFactory

    luding = Region.objects.get(code="513322")
    centre = DepartmentFactory(name="泸定县政务服务中心", region=luding)
    finding = services.draft_finding(
        luding_supervisor, luding, OCTOBER, title="泸定县办理成熟度偏低",
        problem="得分偏低", approach="集中排查",
        indicator=Indicator.objects.get(year=2026, code="B"),
    )  # fmt: skip
    client.force_login(luding_supervisor)
    data = {"department": centre.pk, "measures": "集中排查综合受办故障", "working_days": 15}
    early = client.post(reverse("indicators:finding_rectify", args=[finding.pk]), data)
    assert early.status_code == 400 and not RectificationItem.objects.exists()
    services.sign_finding(luding_supervisor, finding)
    response = client.post(reverse("indicators:finding_rectify", args=[finding.pk]), data)
    item = RectificationItem.objects.get()
    assert response.status_code == 302 and response.url == reverse(
        "rectification:detail", args=[item.pk]
    )
    assert item.dimension == Dimension.INDICATOR and item.region == luding
    assert (item.period_kind, item.period_start) == ("month", OCTOBER.start)
    assert item.department == centre and item.events.get().action == "create"
    assert "集中排查" in item.finding
    detail = client.get(response.url).content.decode()
    assert "评估指标" in detail and reverse("indicators:finding", args=[finding.pk]) in detail
    again = client.post(reverse("indicators:finding_rectify", args=[finding.pk]), data)
    assert again.status_code == 400 and RectificationItem.objects.count() == 1
    bad = client.post(
        reverse("indicators:finding_rectify", args=[finding.pk]), {**data, "working_days": 0}
    )
    assert bad.status_code == 400


# --- Tickets behind a weak score -------------------------------------------------------


def test_the_faults_behind_a_weak_score_agree_with_their_drill_down(
    client, tree, prefecture_supervisor, kangding_supervisor
):
    from helpdesk_site.tickets.models import Category

    this_month = periods.containing(periods.Kind.MONTH, timezone.localdate())
    services.import_sheet(
        prefecture_supervisor,
        this_month,
        upload(workbook(tree, figures_for(tree, 80, **{"513301": WEAK_B}), this_month)),
    )
    clerk = UserFactory()  # a department of 康定市
    file_ticket(clerk, subsystem="case_handling")
    file_ticket(clerk, subsystem="case_handling", title="办件无法受理")
    file_ticket(clerk, subsystem="case_handling", category=Category.CONSULTATION)
    file_ticket(clerk, subsystem="e_license")
    for user in (prefecture_supervisor, kangding_supervisor):
        page = get(
            client, user, reverse("indicators:county", args=["513301"]), period=this_month.slug
        )
        evidence = [w["evidence"] for w in page.context["weak"] if w["evidence"]]
        faults = {e["evidence"].weak.subsystem: e["evidence"].faults for e in evidence}
        assert faults["case_handling"] == 2
        link = next(e for e in evidence if e["evidence"].weak.subsystem == "case_handling")
        listed = client.get(link["links"][0]["url"])
        assert listed.status_code == 200
        assert listed.context["page"].paginator.count == 2
    # The prefecture's supervisor sees every county, so the mean explains it.
    page = get(
        client, prefecture_supervisor, reverse("indicators:county", args=["513301"]),
        period=this_month.slug,
    )  # fmt: skip
    assert "可能是失分原因" in page.content.decode()
