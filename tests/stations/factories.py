"""Factories of the stations app: areas, stations, staff, documents, memberships."""

import datetime

import factory
from factory.django import DjangoModelFactory

from accounts.models import Role
from stations.models import Area, Membership, Station, StationDocument, StationStaff
from tests.accounts.factories import UserFactory
from tests.deputies.factories import DeputyFactory

SINCE = datetime.date(2024, 1, 1)


class AreaFactory(DjangoModelFactory):
    class Meta:
        model = Area
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"T{n:05d}")
    name = factory.Sequence(lambda n: f"测试区{n}")
    kind = Area.Kind.COUNTY
    parent = None


class StreetFactory(AreaFactory):
    kind = Area.Kind.STREET
    name = factory.Sequence(lambda n: f"测试街道{n}")
    parent = factory.SubFactory(AreaFactory)


class StationFactory(DjangoModelFactory):
    class Meta:
        model = Station

    code = factory.Sequence(lambda n: f"TS-{n:04d}")
    name = factory.Sequence(lambda n: f"测试联络站{n}")
    area = factory.SubFactory(StreetFactory)
    address = "测试路1号"
    latitude = "28.200000"
    longitude = "112.900000"
    opening_hours = "工作日 9:00-17:00"
    phone = "0731-88888888"


class StationStaffFactory(DjangoModelFactory):
    class Meta:
        model = StationStaff

    station = factory.SubFactory(StationFactory)
    user = factory.SubFactory(UserFactory, role=Role.OFFICER)
    role = StationStaff.Role.OFFICER
    since = SINCE


class StationDocumentFactory(DjangoModelFactory):
    class Meta:
        model = StationDocument

    station = factory.SubFactory(StationFactory)
    kind = StationDocument.Kind.WORK_SYSTEM
    title = "工作制度"
    effective_date = SINCE


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    deputy = factory.SubFactory(DeputyFactory)
    station = factory.SubFactory(StationFactory)
    since = SINCE
