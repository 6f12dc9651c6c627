"""Rate limits on guessing: sign-in, registration, password reset and links; shared via Redis."""

from __future__ import annotations

import os
import uuid

import pytest
from conftest import IN_CI, PASSWORD, post, register, sign_in, sign_out

REDIS_URL = os.environ.get("KCS_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def test_failed_sign_ins_to_one_account_are_limited(another_app):
    app = another_app(RATE_LIMIT_SIGN_IN_ACCOUNT="3 per minute")
    client = app.test_client()
    register(client)
    sign_out(client)
    for _ in range(3):
        assert sign_in(client, password="wrong password!").status_code == 422
    response = sign_in(client)  # even the right password waits: the account is under attack
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) > 0
    page = response.get_data(as_text=True)
    assert "Too many attempts" in page and "Nothing was saved" in page
    assert sign_in(client, email="someone.else@example.org").status_code == 422


def test_successful_sign_ins_are_not_counted(another_app):
    app = another_app(RATE_LIMIT_SIGN_IN_ACCOUNT="2 per minute",
                      RATE_LIMIT_SIGN_IN_ADDRESS="2 per minute")
    client = app.test_client()
    register(client)
    for _ in range(4):
        sign_out(client)
        assert sign_in(client).status_code == 302


def test_failed_sign_ins_from_one_address_are_limited(another_app):
    app = another_app(RATE_LIMIT_SIGN_IN_ADDRESS="3 per minute")
    client = app.test_client()
    for number in range(3):
        assert sign_in(client, email=f"guess{number}@example.org").status_code == 422
    assert sign_in(client, email="guess9@example.org").status_code == 429


def test_the_429_page_is_translated(another_app):
    from kcs_assess.i18n import Translator

    app = another_app(RATE_LIMIT_SIGN_IN_ADDRESS="1 per minute")
    client = app.test_client()
    post(client, "/language", {"locale": "fr", "next": "/sign-in"})
    sign_in(client, email="guess@example.org")
    response = sign_in(client, email="guess@example.org")
    assert response.status_code == 429
    title = Translator.for_locale("fr").gettext("Too many attempts")
    assert title != "Too many attempts" and title in response.get_data(as_text=True)


def test_registration_password_reset_and_links_are_limited(another_app):
    app = another_app(RATE_LIMIT_REGISTER="1 per minute", RATE_LIMIT_RESET_ACCOUNT="1 per minute",
                      RATE_LIMIT_TOKEN="2 per minute")
    client = app.test_client()
    assert register(client).status_code == 302
    sign_out(client)
    assert register(client, email="second@example.org").status_code == 429
    assert post(client, "/password/forgot", {"email": "a@example.org"}).status_code == 200
    assert post(client, "/password/forgot", {"email": "A@example.org"}).status_code == 429
    assert post(client, "/password/forgot", {"email": "b@example.org"}).status_code == 200
    for _ in range(2):
        assert post(client, "/invitations/guessed-token").status_code == 404
    assert post(client, "/invitations/guessed-token").status_code == 429


def redis_problem() -> str | None:
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        return str(exc)
    return None


def test_two_app_instances_share_one_limit_through_redis(another_app):
    problem = redis_problem()
    if problem:
        if IN_CI:
            pytest.fail(f"CI must test the shared limits against Redis at {REDIS_URL}: {problem}")
        pytest.skip(f"Redis not reachable at {REDIS_URL}")
    shared = {"RATELIMIT_STORAGE_URI": REDIS_URL,
              "RATELIMIT_KEY_PREFIX": f"kcs-test-{uuid.uuid4().hex}",
              "RATE_LIMIT_SIGN_IN_ACCOUNT": "4 per minute"}
    first, second = another_app(**shared), another_app(**shared)
    one, two = first.test_client(), second.test_client()
    register(one)
    sign_out(one)
    for client in (one, two, one, two):
        assert sign_in(client, password="wrong password!").status_code == 422
    assert sign_in(two, password=PASSWORD).status_code == 429
    assert sign_in(one, password=PASSWORD).status_code == 429
    unshared = another_app(RATE_LIMIT_SIGN_IN_ACCOUNT="4 per minute").test_client()
    assert sign_in(unshared, password=PASSWORD).status_code == 302  # in memory: its own count
