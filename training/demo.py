"""Demo training (培训) for seed_demo: this year's prefecture plan with
sessions held and planned, invitations, attendance (one corrected by hand)
and a material in two versions. Nothing is dated after `now`; the planned
sessions' own times lie ahead, as a plan's do. Idempotent."""

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from helpdesk_site.people.models import Role
from helpdesk_site.regions.models import Region
from helpdesk_site.tickets.models import Subsystem
from kb.models import Faq, FaqState
from training import services
from training.models import (
    Attendance,
    AttendanceMethod,
    Enrolment,
    Form,
    Invitation,
    TrainingPlan,
    TrainingSession,
)

# (days from now, title, form, subsystem codes, outline)
SESSIONS = [
    (
        -200,
        "事项管理系统实施清单编制与认领培训",
        Form.BOTH,
        ["service_items"],
        "一、目录清单与实施清单的关系\n二、认领、编辑、审核、发布流程\n三、常见退回原因",
    ),
    (
        -95,
        "电子证照制作与电子印章申领培训",
        Form.OFFLINE,
        ["e_license", "e_seal"],
        "一、证照模板与数据项\n二、电子印章认领与制章\n三、现场实操",
    ),
    (
        -25,
        "综合受办平台办件受理与超期件处理（乡镇线上专场）",
        Form.ONLINE,
        ["case_handling"],
        "一、办件受理、补正、办结\n二、超期件预警与处理\n三、好差评回访",
    ),
    (
        12,
        "一件事一次办配置培训",
        Form.BOTH,
        ["one_thing"],
        "一、套餐配置\n二、联办流程\n三、答疑",
    ),
    (
        45,
        "政务资源目录编目培训",
        Form.OFFLINE,
        ["resource_catalog"],
        "一、编目规范\n二、挂接与更新",
    ),
]
VENUE = "甘孜州政务服务中心四楼培训室"
MEETING = "https://meeting.example.invalid/ganzi-training"


def seed(accounts: dict, now: dt.datetime) -> TrainingPlan | None:
    prefecture = Region.objects.filter(level=Region.Level.PREFECTURE).first()
    supervisor = accounts.get("gz_supervisor")
    if prefecture is None or supervisor is None:
        return None
    year = timezone.localdate(now).year
    plan = TrainingPlan.objects.filter(region=prefecture, year=year).first()
    if plan is not None:
        return plan
    plan = TrainingPlan.objects.create(
        region=prefecture,
        year=year,
        created_by=supervisor,
        created_at=min(now, _local(year, 1, 5)),
        notes="依据运维合同，全年不少于四期，线上线下结合，乡镇和村（社区）以线上为主。",
    )
    clerks = [u for u in accounts.values() if u.role == Role.REPORTER and u.department_id]
    trainers = [accounts["operator"], accounts["team_lead"]]
    sessions = []
    for index, (days, title, form, codes, outline) in enumerate(SESSIONS):
        day = timezone.localdate(now) + dt.timedelta(days=days)
        if day.year != year:
            continue
        starts = timezone.make_aware(dt.datetime.combine(day, dt.time(14, 30)))
        session = TrainingSession.objects.create(
            plan=plan,
            title=title,
            outline=outline,
            starts_at=starts,
            ends_at=starts + dt.timedelta(hours=2),
            form=form,
            venue=VENUE if form != Form.ONLINE else "",
            meeting_link=f"{MEETING}-{index + 1}" if form != Form.OFFLINE else "",
            recording_link=f"{MEETING}-{index + 1}/recording"
            if days < 0 and form != Form.OFFLINE
            else "",
            outside_trainers="省大数据中心 陈工" if index == 1 else "",
            audience_levels=["township", "village"] if form == Form.ONLINE else [],
            created_by=supervisor,
            created_at=min(now, starts - dt.timedelta(days=20)),
        )
        session.subsystems.set(Subsystem.objects.filter(code__in=codes))
        session.trainers.set(trainers[: 1 + index % 2])
        if form != Form.ONLINE:
            session.audience_departments.set({c.department for c in clerks})
        sessions.append((days, session))
        invited_at = min(now, starts - dt.timedelta(days=10))
        for clerk in clerks:
            Invitation.objects.create(
                session=session, user=clerk, invited_by=supervisor, invited_at=invited_at
            )
        for n, clerk in enumerate(clerks):
            if n % 3 != 2:
                Enrolment.objects.create(
                    session=session, user=clerk, enrolled_at=invited_at + dt.timedelta(hours=n)
                )
        if days < 0:
            _attend(session, clerks, form)
    _correct_one(sessions, supervisor, clerks)
    _materials(supervisor, sessions, now)
    return plan


def _local(year, month, day) -> dt.datetime:
    return timezone.make_aware(dt.datetime(year, month, day, 9))


def _attend(session, clerks, form) -> None:
    method = AttendanceMethod.ONLINE if form == Form.ONLINE else AttendanceMethod.QR
    for n, clerk in enumerate(clerks):
        if n % 4 == 3:
            continue
        attendance = Attendance(
            session=session,
            user=clerk,
            method=method,
            at=session.starts_at + dt.timedelta(minutes=n % 20 - 10),
            recorded_by=clerk,
        )
        attendance._history_date = attendance.at
        attendance._history_user = clerk
        attendance.save()


def _correct_one(sessions, supervisor, clerks) -> None:
    """A clerk who came but could not scan (phone flat), marked present by hand."""
    held = [s for days, s in sessions if days < 0 and s.is_offline]
    if not held or len(clerks) < 4:
        return
    services.correct_attendance(
        supervisor,
        held[-1],
        clerks[3],
        present=True,
        note="现场参训，手机没电未能扫码，按签到表补录",
        now=held[-1].ends_at,
    )


def _materials(supervisor, sessions, now) -> None:
    if not sessions:
        return
    first = sessions[0][1]
    material = services.add_material(
        supervisor,
        title="事项管理系统操作手册",
        region=first.plan.region,
        sessions=[s for _, s in sessions],
        subsystems=Subsystem.objects.filter(code="service_items"),
        faqs=Faq.objects.filter(state=FaqState.PUBLISHED, subsystem__code="service_items")[:3],
        now=first.starts_at - dt.timedelta(days=15),
    )
    text = "事项管理系统操作手册\n一、登录\n二、实施清单认领\n"
    services.add_version(
        supervisor,
        material,
        SimpleUploadedFile("事项管理系统操作手册.txt", text.encode()),
        platform_change="",
        now=first.starts_at - dt.timedelta(days=15),
    )
    services.add_version(
        supervisor,
        material,
        SimpleUploadedFile(
            "事项管理系统操作手册.txt", (text + "三、容缺受理字段的填写\n").encode()
        ),
        platform_change="事项管理系统升级：实施清单新增“容缺受理”字段",
        now=min(now, sessions[-1][1].starts_at - dt.timedelta(days=5)),
    )
