import os

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.utils import translation
from rest_framework.test import APIClient

from accounts.models import Role

pytest_plugins = ["tests.browser"]

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"


def _missing_service(item):
    if item.get_closest_marker("postgres") and connection.vendor != "postgresql":
        return "PostgreSQL (set DATABASE_URL=postgres://...)"
    if item.get_closest_marker("redis") and not settings.REDIS_URL:
        return "Redis (set REDIS_URL=redis://...)"
    return None


@pytest.fixture(autouse=True)
def _require_services(request):
    """A test marked ``postgres`` or ``redis`` skips without the service, or fails with REQUIRE_SERVICES=1."""
    missing = _missing_service(request.node)
    if missing:
        if REQUIRE_SERVICES:
            pytest.fail(f"REQUIRE_SERVICES=1 but {missing} is not configured")
        pytest.skip(f"needs {missing}")


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the demo district once per session; each test runs in a transaction rolled back after it."""
    with django_db_blocker.unblock():
        call_command("seed_demo", "--if-empty", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115


@pytest.fixture(autouse=True)
def _clear_cache():
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture(autouse=True)
def _english_outside_requests():
    """Code called directly by a test (services, commands, messages) speaks English, so assertions can name
    the words; requests still negotiate their language (Chinese by default), and tests of pages say which."""
    with translation.override("en"):
        yield


@pytest.fixture
def client():
    """A page client that asks for Chinese, the portal's default language: every page test says which language
    it reads (``HTTP_ACCEPT_LANGUAGE="en"`` on a request, or the ``en_client`` fixture)."""
    from django.test import Client

    return Client(HTTP_ACCEPT_LANGUAGE="zh-hans")


@pytest.fixture
def en_client():
    from django.test import Client

    return Client(HTTP_ACCEPT_LANGUAGE="en")


@pytest.fixture
def api():
    """An API client asking for English messages (the API's error texts are asserted in English)."""
    return APIClient(HTTP_ACCEPT_LANGUAGE="en")


@pytest.fixture
def login_api():
    """An API client signed in as the given demo (or any) user."""

    def make(user):
        client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
        client.force_authenticate(user)
        return client

    return make


@pytest.fixture
def demo_user(django_user_model):
    def get(username):
        return django_user_model.objects.get(username=username)

    return get


@pytest.fixture
def roles():
    return Role
