import pytest
from helpdesk.models import Ticket

from helpdesk_site.tickets.models import Category
from sla import services as sla_services
from tests.factories import OperatorFactory
from tests.satisfaction.conftest import (  # noqa: F401  fixtures shared with satisfaction
    file_at,
    kangding_reporter,
    luding_reporter,
    now,
    resolve_at,
)
from tests.sla.conftest import at


@pytest.fixture
def week(file_at, resolve_at, kangding_reporter, luding_reporter, now):  # noqa: F811
    """A week (Mon 2025-11-10 … Sun 11-16, Asia/Shanghai) with known answers.

    康定 (513301): A resolved in 240 working minutes; B resolved late (1560 >
    1260, breached Friday 10:00); E filed the week before, still open, due
    Monday 11-10 10:00. 泸定 (513322): C filed Sunday 23:30 (this week), an
    emergency F of 120 minutes, D filed Monday 00:30 (next week).
    """
    from helpdesk_site.satisfaction import services as ratings

    operator = OperatorFactory(username="op_wang", first_name="王", last_name="")
    e = file_at(kangding_reporter, "2025-11-05 10:00", title="旧积压工单")
    a = file_at(kangding_reporter, "2025-11-10 09:00", title="A 证照无法制作")
    sla_services.record_first_response(a, operator, at=at("2025-11-10 09:30"))
    b = file_at(kangding_reporter, "2025-11-11 10:00", title="B 印章无法认领")
    sla_services.record_first_response(b, operator, at=at("2025-11-11 11:00"))
    f = file_at(
        luding_reporter,
        "2025-11-12 20:00",
        title="F 平台宕机",
        subsystem="e_seal",
        category=Category.EMERGENCY,
        priority=1,
    )
    sla_services.record_first_response(f, operator, at=at("2025-11-12 20:10"))
    Ticket.objects.filter(pk__in=[a.pk, b.pk, f.pk]).update(assigned_to=operator)
    a = resolve_at(a, "2025-11-10 15:00")
    f = resolve_at(f, "2025-11-12 22:00")
    b = resolve_at(b, "2025-11-14 17:00")
    c = file_at(luding_reporter, "2025-11-16 23:30", title="C 周日深夜")
    d = file_at(luding_reporter, "2025-11-17 00:30", title="D 下周一")
    now.set("2025-11-10 16:00")
    ratings.rate_ticket(a, kangding_reporter, score=5)
    now.set("2025-11-14 18:00")
    ratings.rate_ticket(b, kangding_reporter, score=1, comment="太慢")
    now.set("2025-11-20 12:00")
    return {"A": a, "B": b, "C": c, "D": d, "E": e, "F": f, "operator": operator}
