"""The outbox: every message the portal sends is a row here, delivered exactly once (``notices.delivery``).

The tables were created by the stations app (its migrations 0003); ``db_table`` keeps them where they are.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.access import ScopedQuerySet
from core.privacy import mask_contact


class Channel(models.TextChoices):
    SMS = "sms", _("SMS")
    EMAIL = "email", _("E-mail")
    SITE = "site", _("In-site message")


class Notice(models.Model):
    """One message to one recipient on one channel: a reception notice, a change notice, a reminder, an
    opinion's tracking code.

    (kind, key, recipient, channel) is unique, so planning the same occurrence twice adds nothing. ``recipient``
    is a stable string ("deputy:12", "subscriber:5", "user:3", "opinion:7"; ``notices.recipients``); the
    address is looked up when sending, so the table holds no phone number or e-mail address. A row is delivered
    exactly once by ``notices.delivery``: claimed (``claimed_at``, ``attempts``) under a row lock, then marked
    sent in the transaction that calls the channel.
    """

    scope_lookup = "station"

    class Kind(models.TextChoices):
        RECEPTION = "reception", _("Reception day notice")
        RECEPTION_CHANGE = "reception_change", _("Reception day change")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    # Free text: the reception kinds above, or any kind another app records (a reminder planner's, the tracking
    # code's: visits.notices).
    kind = models.CharField(_("kind"), max_length=40)
    key = models.CharField(_("occurrence"), max_length=200)
    reception_day = models.ForeignKey(
        "stations.ReceptionDay",
        verbose_name=_("reception day"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notices",
    )
    station = models.ForeignKey(
        "stations.Station",
        verbose_name=_("station"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notices",
    )
    recipient = models.CharField(_("recipient"), max_length=40)
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    title = models.CharField(_("title"), max_length=200, blank=True)
    text = models.TextField(_("text"))
    link = models.CharField(_("link"), max_length=300, blank=True)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    enqueued_at = models.DateTimeField(_("queued at"), null=True, blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    claimed_at = models.DateTimeField(_("sending since"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        db_table = "stations_notice"  # created by the stations app before the outbox had its own
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "key", "recipient", "channel"], name="notice_once_per_recipient_channel"
            ),
            models.CheckConstraint(
                condition=~Q(status="sent") | Q(sent_at__isnull=False), name="notice_sent_has_sent_at"
            ),
        ]
        indexes = [
            # The sweeper's scan: only rows still pending are in this index, so it stays small.
            models.Index(fields=["enqueued_at"], condition=Q(status="pending"), name="notice_pending_idx"),
        ]

    def __str__(self):
        # the kind and channel in the reader's language; key and recipient are references (reception-day:12)
        return f"{self.kind_label} {self.key} → {self.recipient} ({self.get_channel_display()})"

    @property
    def kind_label(self) -> str:
        """The kind in the reader's language: a reception kind's label, else the notice's own title."""
        try:
            return str(self.Kind(self.kind).label)
        except ValueError:
            return self.title or self.kind


class SubscriberQuerySet(ScopedQuerySet):
    def confirmed(self):
        return self.filter(confirmed_at__isnull=False)


class Subscriber(models.Model):
    """A resident who asked for a station's reception-day reminders (double opt-in).

    Stores the minimum: the station, one phone number or e-mail address, and what the confirmation needs. No
    name, no IP address. Unconfirmed sign-ups are deleted after a day; unsubscribing deletes the row.
    """

    scope_lookup = "station"

    station = models.ForeignKey(
        "stations.Station", verbose_name=_("station"), on_delete=models.CASCADE, related_name="subscribers"
    )
    channel = models.CharField(
        _("channel"), max_length=8, choices=[(Channel.SMS, Channel.SMS.label), (Channel.EMAIL, Channel.EMAIL.label)]
    )
    address = models.CharField(_("phone or e-mail"), max_length=254)
    token = models.CharField(_("token"), max_length=64, unique=True, editable=False)
    code_hash = models.CharField(max_length=64, blank=True, editable=False)
    code_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    code_attempts = models.PositiveSmallIntegerField(default=0, editable=False)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = SubscriberQuerySet.as_manager()

    class Meta:
        db_table = "stations_subscriber"  # created by the stations app before the outbox had its own
        verbose_name = _("subscriber")
        verbose_name_plural = _("subscribers")
        ordering = ["station", "id"]
        constraints = [
            models.UniqueConstraint(fields=["station", "channel", "address"], name="subscriber_once_per_station"),
        ]

    def __str__(self):
        return f"{self.station.code} {self.masked_address}"

    @property
    def recipient(self) -> str:
        return f"subscriber:{self.pk}"

    @property
    def masked_address(self) -> str:
        return mask_contact(self.address)


class InboxMessage(models.Model):
    """A message in a user's in-site inbox (the ``site`` channel). A notice makes at most one."""

    scope_lookup = "station"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="inbox_messages"
    )
    station = models.ForeignKey(
        "stations.Station",
        verbose_name=_("station"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    notice = models.OneToOneField(
        Notice, verbose_name=_("notice"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("body"), blank=True)
    link = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        db_table = "stations_inboxmessage"  # created by the stations app before the outbox had its own
        verbose_name = _("inbox message")
        verbose_name_plural = _("inbox messages")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "-created_at"], name="inbox_user_recent_idx")]

    def __str__(self):
        return self.title
