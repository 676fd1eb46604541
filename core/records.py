"""Records a person entered and may correct: voiding instead of deleting, and the trail of every change.

A *void* keeps the row but takes it out of everything that counts: the default manager (``objects``) of a
voidable model returns live rows only, so lists, figures, rollups, exports and the evaluation leave a voided
record out without each query remembering to. ``all_objects`` includes voided rows, for county staff, the
trail and restoring. Every change is kept by django-simple-history (``history``): who, when, why (the change
reason) and the values after it; consecutive versions give before/after.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .access import ScopedQuerySet


class LiveManager(models.Manager):
    """The default manager of a voidable model: voided rows are not there."""

    def get_queryset(self):
        return super().get_queryset().filter(voided_at__isnull=True)


def live_manager(queryset_class: type[models.QuerySet] = ScopedQuerySet) -> models.Manager:
    return LiveManager.from_queryset(queryset_class)()


def all_manager(queryset_class: type[models.QuerySet] = ScopedQuerySet) -> models.Manager:
    return models.Manager.from_queryset(queryset_class)()


class Voidable(models.Model):
    """Who voided the record, when and why; an empty ``voided_at`` is a live record."""

    voided_at = models.DateTimeField(_("voided at"), null=True, blank=True, editable=False, db_index=True)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("voided by"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    void_reason = models.CharField(_("reason for voiding"), max_length=200, blank=True, editable=False)

    objects = live_manager()
    all_objects = all_manager()

    class Meta:
        abstract = True

    @property
    def is_voided(self) -> bool:
        return self.voided_at is not None


def audit_history(**options) -> HistoricalRecords:
    """Every version of a model kept (who, when, why, the values): the audit trail of records and reference
    data. The reason is free text of any length."""
    options.setdefault("history_change_reason_field", models.TextField(null=True))
    return HistoricalRecords(**options)
