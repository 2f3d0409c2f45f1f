"""The site runs under Daphne: the SLA middleware must not touch the lazy user
from the event loop (asgiref inspects context variables between threads)."""

import pytest
from asgiref.sync import sync_to_async
from django.test import AsyncClient
from django.urls import reverse

from tests.factories import OperatorFactory


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_pages_render_through_the_asgi_handler():
    operator = await sync_to_async(OperatorFactory)()
    client = AsyncClient()
    await client.aforce_login(operator)
    for name in ("tickets:list", "sla:at_risk", "notices:list"):
        response = await client.get(reverse(name))
        assert response.status_code == 200, name
