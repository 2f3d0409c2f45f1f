import copy
import datetime as dt

import psycopg
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connections
from django.db.utils import load_backend
from django.utils import timezone
from psycopg import sql

from helpdesk_site.chat import services as chat
from helpdesk_site.tickets import services as tickets
from helpdesk_site.tickets.uploads import check_upload
from reporting import services as reporting
from reporting.periods import containing
from sla import services as sla
from tests.factories import (
    PNG,
    DepartmentFactory,
    OperatorFactory,
    UserFactory,
    file_ticket,
    region,
)

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def upload(name: str, content: bytes):
    return check_upload(SimpleUploadedFile(name, content))


def _admin_connection(settings_dict):
    return psycopg.connect(
        host=settings_dict["HOST"] or None,
        port=settings_dict["PORT"] or None,
        user=settings_dict["USER"] or None,
        password=settings_dict["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    )


@pytest.fixture
def fresh_database(transactional_db, tmp_path):
    """The alias of a new, empty database of the default's engine: the empty
    instance a backup is restored into (a new PostgreSQL database, or a new
    SQLite file)."""
    alias = "restored"
    config = copy.deepcopy(connections["default"].settings_dict)
    postgres = connections["default"].vendor == "postgresql"
    if postgres:
        config["NAME"] = f"{config['NAME']}_restored"
        drop = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
            sql.Identifier(config["NAME"])
        )
        with _admin_connection(config) as admin:
            admin.execute(drop)
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(config["NAME"])))
    else:
        config["NAME"] = str(tmp_path / "restored.sqlite3")
    # Set up as a connection made at run time (not in settings), which
    # Django's test isolation lets a test use.
    connections[alias] = load_backend(config["ENGINE"]).DatabaseWrapper(config, alias)
    yield alias
    connections[alias].close()
    del connections[alias]
    if postgres:
        with _admin_connection(config) as admin:
            admin.execute(drop)


@pytest.fixture
def desk(transactional_db, settings):
    """A small desk with every kind of record a backup must keep: tickets of
    two counties, comments with files, chat lines (one an image), running and
    paused SLA clocks, fault-handling log lines and a stored report."""
    reporter = UserFactory()
    luding = UserFactory(department=DepartmentFactory(region=region("513322")))
    operator = OperatorFactory()
    first = file_ticket(reporter, attachments=[upload("截图.png", PNG), upload("说明.pdf", PDF)])
    second = file_ticket(luding, subsystem="e_seal", title="印章无法认领", description="认领时报错")
    tickets.add_comment(
        user=reporter,
        ticket=first,
        comment="补充：仍然无法制作",
        attachments=[upload("日志.txt", "第一行\n第二行\n".encode())],
    )
    tickets.add_comment(user=operator, ticket=first, comment="收到，正在排查。")
    chat.post_message(operator, first, "请把报错截图发给我。")
    chat.post_message(reporter, first, "好的", image=SimpleUploadedFile("报错.png", PNG))
    sla.set_on_hold(second, operator, on_hold=True, reason="等待部门提供材料")
    sla.record_resolution(first, operator, root_cause="证照模板配置错误", fix="已修正模板")
    reporting.generate_report(
        containing("week", timezone.localdate() - dt.timedelta(days=7)),
        region("513300"),
        "xlsx",
        mail=False,
    )
    return [first, second]
