"""With Redis down, pages still answer: the cache reads as empty (config/cache.py)."""

import socket

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from tests.reports.conftest import log


def _dead_redis_url() -> str:
    # A port nothing listens on: connections are refused at once.
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"redis://127.0.0.1:{port}/0"


@pytest.fixture
def redis_down(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "config.cache.TolerantRedisCache",
            "LOCATION": _dead_redis_url(),
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"


def test_every_cache_call_reads_as_a_miss(redis_down, caplog):
    cache.set("k", "v", 60)
    assert cache.get("k", "missing") == "missing"
    assert cache.add("k", "v") is False
    assert cache.get_many(["k", "j"]) == {}
    assert cache.has_key("k") is False
    assert cache.delete("k") is False
    cache.set_many({"a": 1})
    cache.delete_many(["a"])
    assert "Cache unavailable" in caplog.text


@pytest.mark.django_db
def test_sign_in_and_dashboard_work_while_redis_is_down(redis_down, world):
    import datetime as dt

    log(world.supervisor, "mentor", dt.date(2025, 6, 3), [world.worker])
    world.users.leader.set_password("长宁督导-2026-春")
    world.users.leader.save()
    client = Client()
    signed_in = client.post(
        reverse("accounts:login"), {"username": "leader", "password": "长宁督导-2026-春"}
    )
    assert signed_in.status_code == 302
    response = client.get(
        reverse("reports:dashboard"), {"kind": "month", "year": 2025, "number": 6}
    )
    assert response.status_code == 200
    card = response.content.decode().split('data-metric="sessions"', 1)[1]
    assert 'class="stat-card__value">1<' in card.replace("\n", "").replace(" ", "")
