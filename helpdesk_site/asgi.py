import gc
import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpdesk_site.settings")
django_asgi_app = get_asgi_application()

# These need Django set up.
from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402

from helpdesk_site.chat.handshake import RefuseOnError, SameOriginValidator  # noqa: E402
from helpdesk_site.chat.routing import websocket_urlpatterns  # noqa: E402

# Websockets: the Origin must be the site's own (scheme, host and port), a
# handshake that fails is refused cleanly, the user comes from the Django
# session, and each consumer asks the scope module itself.
application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": SameOriginValidator(
            RefuseOnError(AuthMiddlewareStack(URLRouter(websocket_urlpatterns)))
        ),
    }
)

# Everything loaded so far (Django, the apps, their modules) lives as long as
# the process: keep it out of the garbage collector's full collections, which
# otherwise walked it all while holding up every socket of the process (up to
# 213 ms a pause at 1,000 connections; 73 ms with this, bench/chat_load.py).
# Collected first, so that no start-up garbage is kept for good.
gc.collect()
gc.freeze()
