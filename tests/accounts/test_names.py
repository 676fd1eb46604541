"""A person's name prints as its script writes it: Chinese family name first (伍婷婷), Latin "Given Family"."""

import pytest

from accounts.models import User, display_name, person_name


def test_names_print_in_the_order_of_their_script():
    assert person_name("伍", "婷婷") == "伍婷婷"
    assert person_name("Lovelace", "Ada") == "Ada Lovelace"
    assert person_name("", "") == ""
    assert User(username="o1", last_name="伍", first_name="婷婷").get_full_name() == "伍婷婷"
    assert User(username="o1").display_name == "o1"
    assert display_name(None) == ""


@pytest.mark.django_db
def test_the_signed_in_officer_is_named_family_name_first(client, demo_user):
    officer = demo_user("officer")
    assert (officer.last_name, officer.first_name) == ("伍", "婷婷")
    client.force_login(officer)
    body = client.get("/").content.decode()
    assert "伍婷婷" in body and "婷婷 伍" not in body
