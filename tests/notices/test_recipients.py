"""Recipients are a registry: the outbox resolves ``<kind>:<id>`` through the kind its owning app registered, and
the outbox itself imports no project app but ``core``."""

import ast
from pathlib import Path

import pytest

from notices import recipients
from notices.models import Channel
from notices.recipients import Addresses, PermanentFailure, address_of, reachable
from tests.accounts.factories import UserFactory
from tests.notices.support import add_subscribers, make_station

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
PROJECT_APPS = {
    "accounts",
    "stations",
    "deputies",
    "activities",
    "surveys",
    "visits",
    "suggestions",
    "reports",
    "portal",
    "desk",
    "demo",
}


def _imported_modules(path: Path):
    """Every module a file imports, at the top or inside a function, relative imports resolved to the app."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            yield "notices" if node.level else node.module or ""


def test_the_outbox_imports_only_the_kernel():
    files = sorted((ROOT / "notices").rglob("*.py"))
    assert len(files) > 10
    wrong = {
        (str(path.relative_to(ROOT)), module)
        for path in files
        for module in _imported_modules(path)
        if module.split(".")[0] in PROJECT_APPS
    }
    assert wrong == set()


def test_each_kind_is_registered_by_the_app_that_owns_its_records():
    recipients.autodiscover()
    owners = {kind: entry.resolve.__module__ for kind, entry in recipients.KINDS.items()}
    assert owners["user"] == owners["subscriber"] == "notices.recipients"
    assert owners["deputy"] == "deputies.recipients"
    assert owners["opinion"] == "visits.recipients"


def test_addresses_of_users_deputies_and_subscribers():
    station, deputies = make_station(deputies=2, accounts=1, emails=1)
    with_account, bare = deputies
    subscriber = add_subscribers(station, 1, channel=Channel.EMAIL)[0]
    user = UserFactory(phone="13911112222", email="", is_active=True)
    assert address_of(f"deputy:{with_account.pk}", "sms") == (with_account.phone, "")
    assert address_of(f"deputy:{with_account.pk}", "email") == (with_account.email, "")
    assert address_of(f"deputy:{with_account.pk}", "site") == (with_account.user_id, "")
    assert address_of(f"user:{user.pk}", "site") == (user.pk, "")
    assert address_of(f"subscriber:{subscriber.pk}", "email") == (subscriber.address, subscriber.token)
    for recipient, channel, error in [
        (f"deputy:{bare.pk}", "email", "No address on this channel."),
        (f"user:{user.pk}", "email", "No address on this channel."),
        (f"subscriber:{subscriber.pk}", "sms", "No address on this channel."),
        ("deputy:999999999", "sms", "Unknown recipient."),
        ("nobody:1", "sms", "Unknown recipient."),
        ("user:x", "site", "Unknown recipient."),
    ]:
        with pytest.raises(PermanentFailure, match=error):
            address_of(recipient, channel)
    recipient = subscriber.recipient
    subscriber.delete()
    with pytest.raises(PermanentFailure, match="unsubscribed"):
        address_of(recipient, "email")
    user.is_active = False
    user.save()
    with pytest.raises(PermanentFailure, match="Unknown recipient"):
        address_of(f"user:{user.pk}", "site")


def test_reachable_asks_each_kind_once_for_all_its_recipients(django_assert_num_queries):
    _station, deputies = make_station(deputies=3, accounts=1, emails=1)
    users = [UserFactory(phone="", email=f"u{i}@example.cn") for i in range(3)]
    wanted = [(f"deputy:{d.pk}", c) for d in deputies for c in ("sms", "email", "site")]
    wanted += [(f"user:{u.pk}", c) for u in users for c in ("sms", "email", "site")] + [("nobody:1", "sms")]
    recipients.autodiscover()
    with django_assert_num_queries(2):
        ok = reachable(wanted)
    first = f"deputy:{deputies[0].pk}"
    assert {c for r, c in ok if r == first} == {"sms", "email", "site"}
    assert {c for r, c in ok if r == f"deputy:{deputies[2].pk}"} == {"sms"}
    assert {c for r, c in ok if r.startswith("user:")} == {"email", "site"}
    assert ("nobody:1", "sms") not in ok


def test_an_app_registers_a_kind_of_its_own():
    seen = []

    @recipients.recipient_kind("test_kind", missing="gone for good")
    def resolve(pks):
        seen.append(set(pks))
        return {7: Addresses(sms="13900000007")}

    try:
        assert reachable([("test_kind:7", "sms"), ("test_kind:7", "email"), ("test_kind:8", "sms")]) == {
            ("test_kind:7", "sms")
        }
        assert address_of("test_kind:7", "sms") == ("13900000007", "")
        with pytest.raises(PermanentFailure, match="gone for good"):
            address_of("test_kind:8", "sms")
        assert seen == [{7, 8}, {7}, {8}]
        with pytest.raises(ValueError, match="already registered"):
            recipients.recipient_kind("test_kind")(lambda pks: {})
    finally:
        del recipients.KINDS["test_kind"]


def test_the_contact_rule_is_the_deputy_resolvers_rule():
    assert recipients.contact_channels(phone="139", email="", user_id=None) == ["sms"]
    assert recipients.contact_channels(phone="", email="a@b.cn", user_id=3) == ["email", "site"]
