"""The chat's channel layer on Redis: channels-redis's pub/sub layer, where an
event for a room is one PUBLISH that each daphne process fans out to its own
sockets. (The list-based core layer makes one Redis round trip per socket per
event, one at a time per process; that capped delivery at about 1,700 frames
a second on two cores.)

Pub/sub delivers at most once: an event published while a process is cut off
from Redis never reaches it. The chat can afford that, because every message
is stored before it is published and clients catch up from the database when
they are told the layer is live again. What it cannot afford is not knowing,
so this layer adds a watch to each event loop that has sockets:

- every few seconds it publishes a probe to a channel of its own and waits for
  it to come back through the process's subscription: it checks exactly the
  path that room events take;
- when the probe fails it puts a ``layer.down`` event in every local socket's
  queue; when it succeeds again it first subscribes what could not be
  subscribed during the outage, then puts ``layer.up`` in every queue;
- a channel or group whose subscription fails (Redis away) is kept locally
  rather than raising, and is subscribed when Redis answers again.
"""

import asyncio
import contextlib
import logging
import uuid
from dataclasses import dataclass, field

from channels_redis.pubsub import RedisPubSubChannelLayer

logger = logging.getLogger(__name__)

WATCH_SECONDS = 2.0
PROBE_TIMEOUT = 1.0
DOWN, UP = "layer.down", "layer.up"


@dataclass
class _LoopWatch:
    """One event loop's view of Redis, shared by the sockets of that loop."""

    sockets: int = 0
    live: bool = True
    probe_channel: str = ""
    probes_sent: int = 0
    probes_back: int = 0
    probe_arrived: asyncio.Event = field(default_factory=asyncio.Event)
    check_requested: asyncio.Event = field(default_factory=asyncio.Event)
    unsubscribed: set = field(default_factory=set)
    tasks: list = field(default_factory=list)


class ChatChannelLayer(RedisPubSubChannelLayer):
    """channels-redis's RedisPubSubChannelLayer with the watch described above.

    Configured like it (``hosts``, ``prefix``); ``watch_seconds`` sets how
    often the watch probes."""

    def __init__(self, *args, watch_seconds=WATCH_SECONDS, **kwargs):
        super().__init__(*args, **kwargs)
        self.watch_seconds = watch_seconds
        self._watches: dict[asyncio.AbstractEventLoop, _LoopWatch] = {}

    # --- what the consumers use -------------------------------------------

    async def new_channel(self, prefix="specific."):
        """A channel for a socket; if Redis is away it is kept locally and
        subscribed when Redis returns, instead of failing the socket."""
        loop_layer = self._get_layer()
        channel = f"{loop_layer.prefix}{prefix}{uuid.uuid4().hex}"
        loop_layer.channels[channel] = asyncio.Queue()
        try:
            await loop_layer._get_shard(channel).subscribe(channel)
        except Exception:
            logger.warning("chat: Redis unreachable, channel subscribed later")
            self._watch().unsubscribed.add(channel)
            self.check_now()
        return channel

    async def group_add(self, group, channel):
        """Join a group; if Redis is away the membership is kept locally and
        the group subscribed when Redis returns. Raises to tell the caller
        that live delivery is not there yet."""
        loop_layer = self._get_layer()
        try:
            await loop_layer.group_add(group, channel)
        except Exception:
            self._watch().unsubscribed.add(loop_layer._get_group_channel_name(group))
            self.check_now()
            raise

    async def group_send_many(self, sends):
        """Several group events (a chat line to its room and the consoles) in
        one round trip to each Redis: the PUBLISHes pipelined, not awaited one
        by one. Raises as group_send does when Redis is away."""
        loop_layer = self._get_layer()
        by_shard = {}
        # One event for several groups (a line to the consoles) is encoded once.
        encoded = {}
        for group, message in sends:
            channel = loop_layer._get_group_channel_name(group)
            shard = loop_layer._get_shard(channel)
            if id(message) not in encoded:
                encoded[id(message)] = loop_layer.channel_layer.serialize(message)
            by_shard.setdefault(shard, []).append((channel, encoded[id(message)]))
        for shard, publishes in by_shard.items():
            async with shard._lock:
                shard._ensure_redis()
                pipeline = shard._redis.pipeline(transaction=False)
                for channel, payload in publishes:
                    pipeline.publish(channel, payload)
                await pipeline.execute()

    async def forget_channel(self, channel):
        """Drop a socket's channel and unsubscribe it. channels-redis does this
        when a receive on the channel is cancelled, which never happens when a
        consumer crashes while handling a message from that channel (the
        receive has already returned): the subscription stayed for good."""
        loop_layer = self._get_layer()
        self._watch().unsubscribed.discard(channel)
        if loop_layer.channels.pop(channel, None) is not None:
            await loop_layer._get_shard(channel).unsubscribe(channel)

    def is_live(self) -> bool:
        """Whether this process's last probe came back."""
        return self._watch().live

    def check_now(self) -> None:
        """Probe without waiting for the next round (a publish just failed)."""
        self._watch().check_requested.set()

    @contextlib.asynccontextmanager
    async def watching(self):
        """Held by each socket for its lifetime: the loop's watch runs while
        at least one socket holds it."""
        watch = self._watch()
        watch.sockets += 1
        if not watch.tasks:
            watch.tasks = [asyncio.ensure_future(self._run_watch(watch))]
        try:
            yield
        finally:
            watch.sockets -= 1
            if watch.sockets == 0:
                for task in watch.tasks:
                    task.cancel()
                watch.tasks = []
                self._watches.pop(asyncio.get_running_loop(), None)

    # --- the watch ---------------------------------------------------------

    def _watch(self) -> _LoopWatch:
        loop = asyncio.get_running_loop()
        if loop not in self._watches:
            self._watches[loop] = _LoopWatch()
        return self._watches[loop]

    async def _run_watch(self, watch: _LoopWatch):
        watch.probe_channel = await self.new_channel("probe.")
        watch.tasks.append(asyncio.ensure_future(self._collect_probes(watch)))
        while True:
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(watch.check_requested.wait(), self.watch_seconds)
            watch.check_requested.clear()
            live = await self._resubscribe(watch) and await self._probe(watch)
            if live != watch.live:
                watch.live = live
                logger.warning("chat: channel layer %s", "live again" if live else "unreachable")
                self._tell_local_sockets(UP if live else DOWN)

    async def _collect_probes(self, watch: _LoopWatch):
        while True:
            message = await self.receive(watch.probe_channel)
            watch.probes_back = max(watch.probes_back, message.get("n", 0))
            watch.probe_arrived.set()

    async def _probe(self, watch: _LoopWatch) -> bool:
        watch.probes_sent += 1
        sent = watch.probes_sent
        try:
            await self.send(watch.probe_channel, {"type": "probe", "n": sent})
            async with asyncio.timeout(PROBE_TIMEOUT):
                while watch.probes_back < sent:
                    watch.probe_arrived.clear()
                    await watch.probe_arrived.wait()
        except Exception:
            return False
        return True

    async def _resubscribe(self, watch: _LoopWatch) -> bool:
        """Subscribe what an outage left unsubscribed; False while Redis is away."""
        loop_layer = self._get_layer()
        for name in sorted(watch.unsubscribed):
            if name in loop_layer.channels or name in loop_layer.groups:
                try:
                    await loop_layer._get_shard(name).subscribe(name)
                except Exception:
                    return False
            watch.unsubscribed.discard(name)
        return True

    def _tell_local_sockets(self, kind: str) -> None:
        loop_layer = self._get_layer()
        data = self.serialize({"type": kind})
        for name, queue in loop_layer.channels.items():
            if not name.startswith(f"{loop_layer.prefix}probe."):
                queue.put_nowait(data)
