"""Kernel tasks (thin: they call the management command)."""

from celery import shared_task
from django.core.management import call_command


@shared_task(name="core.prune_audit")
def prune_audit() -> None:
    call_command("prune_audit")
