"""Factories of the deputies app: deputies and their mandates."""

import datetime

import factory
from factory.django import DjangoModelFactory

from deputies.models import Deputy, Mandate


class DeputyFactory(DjangoModelFactory):
    class Meta:
        model = Deputy

    ref = factory.Sequence(lambda n: f"T-D{n:05d}")
    name = factory.Sequence(lambda n: f"代表{n}")
    gender = Deputy.Gender.FEMALE
    occupation = "医生"
    phone = "13812345678"


class MandateFactory(DjangoModelFactory):
    class Meta:
        model = Mandate

    deputy = factory.SubFactory(DeputyFactory)
    level = "county"
    term_start = datetime.date(2021, 12, 28)
