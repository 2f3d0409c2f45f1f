"""Demo key work: a dozen items of the year across counties and kinds, with
milestones, progress updates (one with a file), one item late and two
material submissions (one handed in, one due soon). Everything is dated up
to now, and the reminders and escalations the past implies are recorded as
history without notices, so the first beat after seeding tells nobody about
the past."""

import datetime as dt
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from docx import Document

from helpdesk_site.people.models import Department, User
from helpdesk_site.regions.models import Region
from keywork import services
from keywork.models import Item, Kind

DOCS = {
    "province": (
        "关于深化政务服务“一网通办”推进高效办成一件事的实施意见",
        "川办发〔2026〕8号",
        "四川省人民政府办公厅",
    ),
    "prefecture": (
        "甘孜州2026年政务服务重点工作任务清单",
        "甘府办函〔2026〕15号",
        "甘孜州人民政府办公室",
    ),
    "centre": (
        "关于报送政务服务工作材料的通知",
        "甘政务函〔2026〕21号",
        "甘孜州政务服务和公共资源交易中心",
    ),
}

# (title, kind, doc, county, department name or "", goal,
#  milestones as (title, days from today, days from today reached or None),
#  updates as (days from today, text), due in days from today)
ITEMS = [
    (
        "新生儿出生“一件事”全面落地",
        Kind.ONE_THING,
        "province",
        "513301",
        "康定市政务服务中心",
        "出生医学证明、户口登记、医保参保、社保卡申领一表申请、一次办结，全市线上办理率达到60%。",
        [
            ("梳理事项清单并完成配置", -70, -72),
            ("窗口试运行", -30, -31),
            ("线上办理率达到60%", 20, None),
        ],
        [
            (-72, "已完成事项梳理，四个部门的材料清单合并为一张表。"),
            (-31, "综合窗口试运行两周，办结46件。"),
        ],
        40,
    ),
    (
        "跨省通办事项扩面至150项",
        Kind.CROSS_REGION,
        "province",
        "513322",
        "泸定县政务服务中心",
        "在现有102项基础上新增跨省通办事项48项，与重庆、西藏相关县区签订合作协议。",
        [
            ("确定新增事项清单", -50, -52),
            ("签订合作协议", -10, -12),
            ("新增事项上线运行", 25, None),
        ],
        [(-52, "新增事项清单经县政府审定，共48项。"), (-12, "已与昌都市相关县签订合作协议。")],
        45,
    ),
    (
        "电子证照共享应用“免证办”",
        Kind.E_LICENSE,
        "prefecture",
        "513334",
        "理塘县政务服务中心",
        "高频事项电子证照调用率达到80%，实现营业执照、身份证等10类证照免提交。",
        [
            ("完成存量证照数据归集", -45, -46),
            ("高频事项关联电子证照", -8, None),
            ("调用率达到80%", 30, None),
        ],
        [(-46, "存量证照归集完成，共3.2万条。")],
        50,
    ),
    (
        "企业电子印章免费发放",
        Kind.E_SEAL,
        "prefecture",
        "513337",
        "稻城县市场监督管理局",
        "新设立企业同步免费发放电子印章，存量企业申领率达到50%。",
        [("新设企业同步发放", -20, -21), ("存量企业申领率达到50%", 35, None)],
        [(-21, "新设企业已同步发放电子印章，本月发放37枚。")],
        50,
    ),
    (
        "政务服务事项网上规范办理",
        Kind.ONLINE,
        "prefecture",
        "513330",
        "德格县政务服务中心",
        "实施清单要素完整准确，依申请事项全程网办率达到85%。",
        [("实施清单要素核查", 12, None), ("全程网办率达到85%", 60, None)],
        [],
        70,
    ),
    (
        "藏汉双语政务服务窗口",
        Kind.INNOVATION,
        "prefecture",
        "513323",
        "丹巴县政务服务中心",
        "在县政务服务中心设立藏汉双语服务窗口，编印双语办事指南。",
        [("设立双语窗口", -60, -61), ("编印双语办事指南", -25, -27)],
        [(-61, "双语窗口已设立，配备双语工作人员2名。"), (-27, "双语办事指南编印完成，共120项。")],
        -20,
    ),
    (
        "“川藏通办”服务专区",
        Kind.INNOVATION,
        "prefecture",
        "513300",
        "甘孜州政务服务和公共资源交易中心",
        "在四川政务服务网甘孜州分站点上线“川藏通办”专区，汇集两地高频通办事项。",
        [("专区页面设计", -15, -16), ("专区上线", 20, None)],
        [(-16, "专区页面设计稿已确认，进入开发。")],
        30,
    ),
    (
        "营业执照电子证照应用推广",
        Kind.E_LICENSE,
        "prefecture",
        "513301",
        "康定市市场监督管理局",
        "营业执照电子证照在银行开户、税务登记等场景全面应用。",
        [("对接银行开户场景", -5, -6), ("对接税务登记场景", 15, None)],
        [(-6, "已与三家银行完成开户场景对接。")],
        30,
    ),
    (
        "企业开办“一件事”",
        Kind.ONE_THING,
        "province",
        "513324",
        "",
        "企业开办全流程一日办结，实现营业执照、印章、发票、社保登记一次办理。",
        [("梳理办理流程", 10, None), ("一日办结", 55, None)],
        [],
        60,
    ),
    (
        "社会保障卡跨省通办",
        Kind.CROSS_REGION,
        "prefecture",
        "513322",
        "泸定县人力资源和社会保障局",
        "社保卡申领、补换、挂失等业务跨省通办。",
        [("业务流程对接", -12, -13), ("上线运行", 18, None)],
        [(-13, "业务流程与省级系统对接完成。")],
        30,
    ),
]

SUBMISSIONS = [
    (
        "上半年政务服务工作总结报送",
        "513322",
        "泸定县政务服务中心",
        "报送上半年政务服务工作总结及下半年工作计划。",
        -10,
        -11,
    ),
    (
        "一体化平台运行情况材料报送",
        "513301",
        "康定市政务服务中心",
        "报送本年度一体化政务服务平台运行情况及存在问题。",
        4,
        None,
    ),
]


def _at(today: dt.date, days: int, now: dt.datetime, hour: int = 10) -> dt.datetime:
    moment = timezone.make_aware(dt.datetime.combine(today + dt.timedelta(days), dt.time(hour)))
    return min(moment, now - dt.timedelta(minutes=5))


def _department(code: str, name: str):
    return Department.objects.filter(region_id=code, name=name).first() if name else None


def _staff(department, fallback):
    if department is None:
        return fallback
    return User.objects.filter(department=department, is_active=True).first() or fallback


def _word(title: str, text: str) -> SimpleUploadedFile:
    document = Document()
    document.add_heading(title, level=1)
    document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return SimpleUploadedFile(f"{title}.docx", buffer.getvalue())


def seed(accounts: dict, now: dt.datetime) -> None:
    if Item.objects.exists():
        return
    supervisor = accounts["gz_supervisor"]
    today = timezone.localtime(now).date()
    year = today.year
    for title, kind, doc, code, department_name, goal, milestones, updates, due in ITEMS:
        department = _department(code, department_name)
        source_title, number, issuer = DOCS[doc]
        created = _at(today, -90, now, 9)
        item = services.create_item(
            supervisor,
            year=year,
            title=title,
            kind=kind,
            goal=goal,
            source_title=source_title,
            source_number=number,
            source_issuer=issuer,
            region=Region.objects.get(code=code),
            department=department,
            due_date=today + dt.timedelta(days=due),
            milestones=[(m, today + dt.timedelta(days=d)) for m, d, _reached in milestones],
            now=created,
        )
        staff = _staff(department, supervisor)
        reached = {
            days: m
            for m, (_title, _deadline, days) in zip(
                item.milestones.order_by("deadline"), milestones, strict=True
            )
            if days is not None
        }
        for days, text in updates:
            milestone = reached.pop(days, None)
            files = [_word(f"{title}进展", text)] if days == updates[-1][0] else []
            services.post_update(
                item,
                staff,
                text=text,
                files=files,
                milestone=milestone,
                now=_at(today, days, now, 16),
            )
        for days, milestone in reached.items():
            services.reach_milestone(item, milestone, staff, now=_at(today, days, now, 16))
        if all(m.is_done for m in item.milestones.all()) and item.milestones.exists():
            services.complete(
                item,
                supervisor,
                note="各节点均已完成，经验在全州推广。",
                now=_at(today, due + 1 if due < 0 else -1, now, 17),
            )
    for title, code, department_name, goal, due, submitted in SUBMISSIONS:
        centre_title, number, issuer = DOCS["centre"]
        department = _department(code, department_name)
        item = services.create_item(
            supervisor,
            year=year,
            title=title,
            kind=Kind.SUBMISSION,
            goal=goal,
            source_title=centre_title,
            source_number=number,
            source_issuer=issuer,
            region=Region.objects.get(code=code),
            department=department,
            due_date=today + dt.timedelta(days=due),
            now=_at(today, -30, now, 9),
        )
        if submitted is not None:
            services.submit_material(
                item,
                _staff(department, supervisor),
                files=[_word(title, goal)],
                note="材料已按要求报送，请审阅。",
                now=_at(today, submitted, now, 15),
            )
    services.send_reminders(now, quiet=True)
    services.escalate_late(now, quiet=True)
