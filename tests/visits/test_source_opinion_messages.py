"""A practical matter's source opinion: "missing" and "another station's" get the same words, so nobody learns
that a record exists elsewhere — through the API, the service and the desk form."""

import pytest
from django.utils import timezone

from core.errors import Invalid
from stations.models import Station
from visits import services
from visits.forms import PracticalMatterForm
from visits.models import Opinion

pytestmark = pytest.mark.django_db

MESSAGE = "No such opinion at this station."


def post(api, source):
    body = {"station": "YL-001", "date": timezone.localdate().isoformat(), "title": "x", "source_opinion": source}
    return api.post("/api/v1/practical-matters/", body, format="json")


def test_missing_and_foreign_source_opinions_answer_alike(login_api, demo_user):
    api = login_api(demo_user("officer"))
    foreign = Opinion.objects.filter(station__code="YL-003").first()
    missing = Opinion.all_objects.order_by("-pk").first().pk + 1000
    answers = [post(api, foreign.pk), post(api, missing)]
    assert [a.status_code for a in answers] == [400, 400]
    assert answers[0].json() == answers[1].json() == {"source_opinion": [MESSAGE]}


def test_the_service_says_the_same(demo_user):
    foreign = Opinion.objects.filter(station__code="YL-003").first()
    with pytest.raises(Invalid) as refused:
        services.practical_matter_create(
            by=demo_user("county"),
            station=Station.objects.get(code="YL-001"),
            date=timezone.localdate(),
            title="x",
            source_opinion=foreign,
        )
    assert refused.value.fields == {"source_opinion": [MESSAGE]}


def test_the_desk_form_says_the_same():
    station = Station.objects.get(code="YL-001")
    foreign = Opinion.objects.filter(station__code="YL-003").first()
    missing = Opinion.all_objects.order_by("-pk").first().pk + 1000
    errors = []
    for source in (foreign.pk, missing):
        form = PracticalMatterForm(
            {"date": timezone.localdate().isoformat(), "title": "x", "source_opinion": source}, station=station
        )
        assert not form.is_valid()
        errors.append(form.errors["source_opinion"])
    assert errors[0] == errors[1] == [MESSAGE]
