"""The chat's floor, for `bench/chat_load.py --floor`: the same daphne, the
same handshake middleware, the same consumer and the same channel layer, with
the database taken out. A line is rendered, announced to its room and to the
consoles' groups and acknowledged as the site does, but nothing is stored
and nobody's session or scope is read. What a line costs here is what
storing it does not explain: the rest of the site's cost is the database's
part (its thread, the queries and the hop to it).

Served by daphne only for the bench:
    python -m daphne -b 127.0.0.1 -p PORT bench.chat_floor:application
"""

import gc
import itertools
import json
import math

from django.core.asgi import get_asgi_application

django_asgi_app = get_asgi_application()

# These need Django set up.
from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from django.urls import path  # noqa: E402
from django.utils import timezone  # noqa: E402

from helpdesk_site.chat import layer, rendering  # noqa: E402
from helpdesk_site.chat.consumers import TicketChatConsumer  # noqa: E402
from helpdesk_site.chat.errors import ChatRefused  # noqa: E402
from helpdesk_site.chat.handshake import RefuseOnError, SameOriginValidator  # noqa: E402
from helpdesk_site.chat.selectors import local_time  # noqa: E402

_line_ids = itertools.count(1)
_people = itertools.count(1)


class FloorConsumer(TicketChatConsumer):
    """TicketChatConsumer with every database call left out."""

    async def websocket_connect(self, message):
        self.ticket_id = self.scope["url_route"]["kwargs"]["ticket_id"]
        self.group = layer.ticket_group(self.ticket_id)
        self.present: dict[str, dict] = {}
        self.last_typing = 0.0
        # Never due for a new check of the session: there is none to read.
        self.checked_at = math.inf
        self.me = {"id": next(_people), "name": "压测用户", "staff": False}
        await self.accept()
        live = await self.join([self.group])
        await self.send_json(
            {
                "type": "hello",
                "me": self.me,
                "can_post": True,
                "state": "live" if live else "degraded",
                "reads": [],
                "presence": [self.me],
            }
        )
        if live:
            await self.announce("chat.presence_join")

    async def do_post(self, frame, extra):
        body = frame.get("body")
        if not isinstance(body, str):
            raise ChatRefused("invalid", "The message must be text.")
        body = rendering.normalize_body(body)
        now = timezone.now()
        payload = {
            "kind": "chat",
            "id": next(_line_ids),
            "prev": None,
            "ticket": self.ticket_id,
            "author": self.me,
            "body": body,
            "html": rendering.render_body(body),
            "image": None,
            "created": now.isoformat(),
            "when": local_time(now),
        }
        room_event = {
            "type": "chat.message",
            "frame": json.dumps({"type": "message", "message": payload}, ensure_ascii=False),
            "channel": self.channel_name,
        }
        console_event = {
            "type": "console.message",
            "ticket": {
                "id": self.ticket_id,
                "title": "压测房间",
                "status": "处理中",
                "created": None,
            },
            "message": payload,
        }
        consoles = [layer.console_queue_group(1), layer.CONSOLE_ALL_GROUP]
        await layer.apublish_many(
            self.channel_layer,
            [(self.group, room_event), *((group, console_event) for group in consoles)],
        )
        await self.send_json({"type": "ack", "message": payload, **extra})


application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": SameOriginValidator(
            RefuseOnError(
                AuthMiddlewareStack(
                    URLRouter([path("ws/tickets/<int:ticket_id>/", FloorConsumer.as_asgi())])
                )
            )
        ),
    }
)

# As helpdesk_site/asgi.py does: what is loaded lives as long as the process.
gc.collect()
gc.freeze()
