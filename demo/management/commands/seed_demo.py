from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.module_loading import import_string

from demo import STEPS, core
from stations.models import Station


def positive_int(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise CommandError(f"--scale must be a whole number, got {value!r}") from None
    if number < 1:
        raise CommandError(f"--scale must be at least 1, got {number}")
    return number


class Command(BaseCommand):
    help = "Load the Yuelu District demo data (idempotent). --scale N multiplies stations and records."

    def add_arguments(self, parser):
        parser.add_argument("--scale", default="1", help="multiply stations and records by N (load tests)")
        parser.add_argument("--if-empty", action="store_true", help="do nothing when stations already exist")

    def handle(self, *args, scale, if_empty, **options):
        scale = positive_int(scale)
        if if_empty and Station.objects.exists():
            self.stdout.write("demo data already loaded; nothing to do")
            return
        ctx = core.Context(scale=scale, stdout=self.stdout)
        with transaction.atomic():
            for step in STEPS:
                import_string(step)(ctx)
        self.stdout.write(self.style.SUCCESS(f"demo data ready (scale {scale})"))
