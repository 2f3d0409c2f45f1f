from channels.generic.websocket import AsyncWebsocketConsumer
from django.urls import path, re_path

from helpdesk_site.chat.consumers import FORBIDDEN, ConsoleConsumer, TicketChatConsumer
from helpdesk_site.notices.consumers import NoticeConsumer


class NoSuchSocket(AsyncWebsocketConsumer):
    """Any other websocket path is refused, rather than raising in the router."""

    async def connect(self):
        await self.close(code=FORBIDDEN)


websocket_urlpatterns = [
    path("ws/tickets/<int:ticket_id>/", TicketChatConsumer.as_asgi()),
    path("ws/console/", ConsoleConsumer.as_asgi()),
    path("ws/notices/", NoticeConsumer.as_asgi()),
    re_path(r"", NoSuchSocket.as_asgi()),
]
