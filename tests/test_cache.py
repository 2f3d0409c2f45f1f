"""The Redis cache (helpdesk_site.cache), when REDIS_URL configures it."""

import os

import pytest
from django.core.cache import cache

pytestmark = pytest.mark.skipif(
    not os.environ.get("REDIS_URL"), reason="REDIS_URL is not set: the cache is in memory"
)


def test_a_window_counter_counts_and_expires_from_its_first_count():
    assert [cache.incr_in_window("rate:7", 60) for _ in range(3)] == [1, 2, 3]
    client = cache._cache.get_client(write=True)
    ttl = client.ttl(cache.make_and_validate_key("rate:7"))
    assert 58 <= ttl <= 60
    # Later counts do not push the expiry back.
    client.expire(cache.make_and_validate_key("rate:7"), 5)
    cache.incr_in_window("rate:7", 60)
    assert client.ttl(cache.make_and_validate_key("rate:7")) <= 5


def test_the_counter_is_an_ordinary_cache_value():
    cache.incr_in_window("rate:8", 60)
    assert cache.get("rate:8") == 1


def test_one_redis_client_serves_every_call():
    assert cache._cache.get_client(write=True) is cache._cache.get_client(write=True)
    cache.set("k", "v")
    assert cache.get("k") == "v"
