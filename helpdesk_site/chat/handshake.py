"""What every websocket handshake passes through before a consumer runs.

- SameOriginValidator: the Origin must be this site's own: scheme, host and
  port, read the way Django's CSRF check reads them for a form post (a page
  on another port of the same host is another site). channels'
  AllowedHostsOriginValidator only compares the host with ALLOWED_HOSTS.
- RefuseOnError: a handshake that fails before the socket is accepted (the
  session store unreachable, say) is refused, as a closed socket the panel
  answers by talking over HTTP, rather than crashing into a server error.
"""

import logging
from urllib.parse import urlsplit

from channels.security.websocket import WebsocketDenier
from django.conf import settings
from django.http.request import split_domain_port, validate_host
from django.utils.http import is_same_domain

logger = logging.getLogger(__name__)

DEFAULT_PORTS = {"http": 80, "https": 443}
# "Try again later": the server cannot take the socket now.
TRY_AGAIN_LATER = 1013


def _origin(scheme: str, netloc: str) -> tuple[str, str, int] | None:
    """(scheme, host, port) with the default port filled in; None if malformed."""
    try:
        parts = urlsplit(f"{scheme}://{netloc}")
        port = parts.port or DEFAULT_PORTS.get(scheme)
    except ValueError:
        return None
    if not parts.hostname or port is None:
        return None
    return scheme, parts.hostname, port


def _is_secure(headers: dict[bytes, bytes], scope: dict) -> bool:
    if scope.get("scheme") in ("wss", "https"):
        return True
    # Behind a TLS proxy (BEHIND_PROXY): its header, as request.is_secure() reads it.
    proxy_header = settings.SECURE_PROXY_SSL_HEADER
    if proxy_header:
        name, value = proxy_header
        header = name.removeprefix("HTTP_").replace("_", "-").lower().encode("latin1")
        forwarded = headers.get(header, b"").decode("latin1").split(",")[0].strip()
        return forwarded == value
    return False


def same_origin(scope: dict) -> bool:
    headers = dict(scope.get("headers", ()))
    raw_origin = headers.get(b"origin", b"").decode("latin1")
    origin = urlsplit(raw_origin) if "://" in raw_origin else None
    if origin is None or origin.scheme not in DEFAULT_PORTS:
        return False
    claimed = _origin(origin.scheme, origin.netloc)
    if claimed is None:
        return False
    host = headers.get(b"host", b"").decode("latin1")
    domain, _port = split_domain_port(host)
    if domain and validate_host(domain, settings.ALLOWED_HOSTS):
        own = _origin("https" if _is_secure(headers, scope) else "http", host)
        if claimed == own:
            return True
    for trusted in settings.CSRF_TRUSTED_ORIGINS:
        scheme, _, netloc = trusted.partition("://")
        if scheme != claimed[0]:
            continue
        if netloc.startswith("*."):
            if is_same_domain(origin.netloc.lower(), netloc[1:].lower()):
                return True
        elif _origin(scheme, netloc) == claimed:
            return True
    return False


class SameOriginValidator:
    """ASGI middleware around a websocket application: a handshake from
    another origin is refused before anything else runs."""

    def __init__(self, application):
        self.application = application

    async def __call__(self, scope, receive, send):
        if scope["type"] == "websocket" and not same_origin(scope):
            return await WebsocketDenier()(scope, receive, send)
        return await self.application(scope, receive, send)


class RefuseOnError:
    """ASGI middleware around a websocket application (see the module's doc)."""

    def __init__(self, application):
        self.application = application

    async def __call__(self, scope, receive, send):
        accepted = False

        async def watch_send(message):
            nonlocal accepted
            accepted = accepted or message["type"] == "websocket.accept"
            await send(message)

        try:
            return await self.application(scope, receive, watch_send)
        except Exception:
            if accepted:
                raise
            logger.exception("chat: websocket handshake failed; refused")
            await send({"type": "websocket.close", "code": TRY_AGAIN_LATER})
