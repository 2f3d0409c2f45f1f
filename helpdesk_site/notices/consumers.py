from helpdesk_site.chat.consumers import FORBIDDEN, ResilientJsonConsumer, _authorize, db
from helpdesk_site.notices import selectors


class NoticeConsumer(ResilientJsonConsumer):
    """/ws/notices/: a page's live count of unread notices, and each new one."""

    actions = ("ping",)

    async def websocket_connect(self, message):
        user = await _authorize(self.session_key)
        if user is None:
            await self.close(code=FORBIDDEN)
            return
        if not await self.take_place(user):
            return
        await self.accept()
        live = await self.join([selectors.user_group(user.pk)])
        unread = await db(selectors.unread_count)(user)
        await self.send_json(
            {"type": "hello", "state": "live" if live else "degraded", "unread": unread}
        )

    async def notice_new(self, event):
        await self.send_json(
            {"type": "notice", "notice": event["notice"], "unread": event["unread"]}
        )
