"""helpdesk's own e-mails to staff (the assignee, the queue's CC) come from
the service desk, for the queues there are and for those added later."""

import pytest
from django.core import mail
from helpdesk.models import Queue
from helpdesk.update_ticket import update_ticket

from tests.factories import OperatorFactory

pytestmark = pytest.mark.django_db


def test_the_assignee_and_the_queue_cc_hear_from_the_service_desk(desk, settings):
    settings.SERVICE_DESK_EMAIL_NAME = "甘孜州政务服务平台运维服务台"
    settings.SERVICE_DESK_EMAIL_ADDRESS = "desk@ganzi.example.cn"
    desk.ticket.queue.updated_ticket_cc = "watch@example.invalid"
    desk.ticket.queue.save()
    update_ticket(desk.supervisor, desk.ticket, owner=desk.operator.pk, comment="请处理")
    sent = {m.to[0]: m.from_email for m in mail.outbox}
    assert sent["op@example.invalid"] == "甘孜州政务服务平台运维服务台 <desk@ganzi.example.cn>"
    assert sent["watch@example.invalid"] == "甘孜州政务服务平台运维服务台 <desk@ganzi.example.cn>"


def test_a_queue_made_later_has_the_same_sender(desk, settings):
    settings.SERVICE_DESK_EMAIL_ADDRESS = "desk@ganzi.example.cn"
    later = Queue.objects.create(
        title="新增队列", slug="later", new_ticket_cc="", updated_ticket_cc="cc@example.invalid"
    )
    colleague = OperatorFactory(email="colleague@example.invalid")
    desk.ticket.queue = later
    desk.ticket.save()
    update_ticket(desk.supervisor, desk.ticket, owner=colleague.pk, comment="转交")
    assert {m.to[0] for m in mail.outbox} >= {"colleague@example.invalid", "cc@example.invalid"}
    for message in mail.outbox:
        assert message.from_email.endswith("<desk@ganzi.example.cn>")
        assert "NO QUEUE EMAIL ADDRESS DEFINED" not in message.from_email
