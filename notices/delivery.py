"""Sending a notice exactly once: claim, send-and-mark in one transaction, bounded retries, the sweeper.

The protocol for one row (``notice_send``), run by the Celery task ``notices.tasks.send_notice(notice_id)``:

1. **Claim.** ``SELECT … FOR UPDATE SKIP LOCKED`` the row; give up if another worker holds it, if it is no longer
   ``pending``, or if it is already claimed (``claimed_at`` set: an attempt is in flight or was interrupted).
   Otherwise ``attempts += 1``, ``claimed_at = now``, commit. The attempt number is the claim's fencing token.
2. **Send and mark.** In one transaction: ``UPDATE … SET status='sent' WHERE id=… AND attempts=<token> AND
   claimed_at IS NOT NULL`` (this row lock is held until commit), then call the channel as the last step, then
   commit. A channel error rolls the mark back. The in-site channel writes its inbox row in this same
   transaction, so it is exactly once with no window at all.
3. **Failure.** The error (scrubbed of phone numbers and addresses) is recorded; the row goes back to pending with
   ``next_attempt_at`` and a new task queued after ``NOTICE_RETRY_BACKOFF × 2^(attempt−1)`` seconds, or becomes
   ``failed`` after ``NOTICE_MAX_ATTEMPTS`` attempts (or at once when it can never succeed: no address,
   unsubscribed).

Why it cannot send twice: a retry, a duplicate message, a second worker or a second beat all meet the row lock,
the ``pending`` check or the claim. A worker killed mid-send leaves the row claimed but not sent (its transaction
rolls back and its lock goes with its connection); only the sweeper settles such a row, after asking the channel
whether the message went out (``channels.reconcile``: the sink and the inbox always know, an SMS provider may).
The one window left: the provider accepted the message and the worker died before its commit (or the provider
raised after accepting), and the provider cannot be asked: then the sweeper sends the notice again (at least
once, never lost). With the sink and the inbox that window does not exist.

The sweeper (``notices_sweep``) re-queues rows still pending and unclaimed since ``older_than`` seconds (their
message was lost: broker restarted, queue flushed, worker killed before acknowledging) and settles stale claims.
It never touches a row a worker is sending (the row lock), and a claim it resets fences the late worker out.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from core.privacy import scrub

from . import channels
from .models import Notice, Subscriber
from .recipients import PermanentFailure, address_of

logger = logging.getLogger(__name__)

SENT = "sent"
DONE = "done"  # sent or failed before
BUSY = "busy"  # locked or claimed by another worker
GONE = "gone"
FENCED = "fenced"  # the sweeper reset our claim meanwhile
RETRY = "retry"
FAILED = "failed"

SWEEP_BATCH = 5000
UNCONFIRMED_TTL = datetime.timedelta(days=1)


def max_attempts() -> int:
    return getattr(settings, "NOTICE_MAX_ATTEMPTS", 5)


def backoff(attempt: int) -> float:
    """Seconds before attempt ``attempt + 1``: the base doubled each time, at most an hour."""
    base = getattr(settings, "NOTICE_RETRY_BACKOFF", 30)
    return min(3600.0, base * 2 ** max(0, attempt - 1))


def enqueue(ids, *, countdown: float | None = None) -> int:
    """Queue one send task per notice id. A broker that is down is logged, not raised: the rows stay pending and
    the sweeper queues them again."""
    from .tasks import send_notice

    ids = list(ids)
    if not ids:
        return 0
    options = {"countdown": countdown} if countdown else {}
    app = send_notice.app
    if app.conf.task_always_eager:
        for notice_id in ids:
            send_notice.apply_async((notice_id,), **options)
        return len(ids)
    try:
        with app.producer_or_acquire() as producer:
            for notice_id in ids:
                send_notice.apply_async((notice_id,), producer=producer, **options)
    except Exception as exc:  # noqa: BLE001 - broker unreachable: the sweeper re-queues what is pending
        logger.warning("could not queue %d notices (%s); the sweeper will", len(ids), type(exc).__name__)
        return 0
    return len(ids)


def _claim(notice_id: int) -> Notice | str:
    now = timezone.now()
    with transaction.atomic():
        notice = Notice.objects.select_for_update(skip_locked=True).filter(pk=notice_id).first()
        if notice is None:
            return BUSY if Notice.objects.filter(pk=notice_id).exists() else GONE
        if notice.status != Notice.Status.PENDING:
            return DONE
        if notice.claimed_at is not None:
            return BUSY
        notice.attempts += 1
        notice.claimed_at = now
        notice.save(update_fields=["attempts", "claimed_at"])
    return notice


def _mine(notice: Notice):
    """The row as long as our claim holds (fencing token: the attempt number)."""
    return Notice.objects.filter(
        pk=notice.pk, status=Notice.Status.PENDING, attempts=notice.attempts, claimed_at__isnull=False
    )


def notice_send(*, notice_id: int) -> str:
    """Deliver one notice at most once per the protocol in the module docstring; returns what happened."""
    claim = _claim(notice_id)
    if isinstance(claim, str):
        return claim
    notice = claim
    try:
        address, token = address_of(notice.recipient, notice.channel)
        with transaction.atomic():
            if not _mine(notice).update(
                status=Notice.Status.SENT, sent_at=timezone.now(), claimed_at=None, next_attempt_at=None, last_error=""
            ):
                return FENCED
            channels.deliver(notice, address, unsubscribe_token=token)
    except PermanentFailure as exc:
        return _record_failure(notice, exc, permanent=True)
    except Exception as exc:  # noqa: BLE001 - any channel error is a failed attempt, recorded and retried
        return _record_failure(notice, exc)
    return SENT


def _record_failure(notice: Notice, exc: Exception, *, permanent: bool = False) -> str:
    error = str(exc) if permanent else f"{type(exc).__name__}: {exc}"
    error = scrub(error)[:500]
    final = permanent or notice.attempts >= max_attempts()
    now = timezone.now()
    delay = backoff(notice.attempts)
    later = now + datetime.timedelta(seconds=delay)
    with transaction.atomic():
        if final:
            updated = _mine(notice).update(status=Notice.Status.FAILED, claimed_at=None, last_error=error)
        else:
            updated = _mine(notice).update(claimed_at=None, last_error=error, next_attempt_at=later, enqueued_at=later)
            if updated:
                transaction.on_commit(lambda: enqueue([notice.pk], countdown=delay))
    logger.warning("notice %s attempt %s failed%s: %s", notice.pk, notice.attempts, " for good" if final else "", error)
    return (FAILED if final else RETRY) if updated else FENCED


@dataclass
class SweepReport:
    requeued: int = 0
    reconciled: int = 0
    reclaimed: int = 0
    failed: int = 0
    purged_subscribers: int = 0


def notices_sweep(*, older_than: float | None = None) -> SweepReport:
    """Re-queue notices left pending too long and settle interrupted sends (module docstring). Safe any time."""
    if older_than is None:
        older_than = getattr(settings, "NOTICE_SWEEP_AFTER", 300)
    report = SweepReport()
    now = timezone.now()
    threshold = now - datetime.timedelta(seconds=older_than)
    while _settle_stale_claims(threshold=threshold, now=now, report=report) == SWEEP_BATCH:
        pass
    while _requeue_lost(threshold=threshold, now=now, report=report) == SWEEP_BATCH:
        pass
    report.purged_subscribers = Subscriber.objects.filter(
        confirmed_at__isnull=True, created_at__lt=now - UNCONFIRMED_TTL
    ).delete()[0]
    return report


def _settle_stale_claims(*, threshold, now, report: SweepReport) -> int:
    with transaction.atomic():
        stale = list(
            Notice.objects.select_for_update(skip_locked=True)
            .filter(status=Notice.Status.PENDING, claimed_at__lt=threshold)
            .order_by("claimed_at")[:SWEEP_BATCH]
        )
        if not stale:
            return 0
        delivered = channels.reconcile(stale)
        sent, retry, failed = [], [], []
        for notice in stale:
            notice.claimed_at = None
            if notice.pk in delivered:
                notice.status, notice.sent_at, notice.last_error = Notice.Status.SENT, now, ""
                sent.append(notice)
            elif notice.attempts >= max_attempts():
                notice.status, notice.last_error = Notice.Status.FAILED, "interrupted while sending"
                failed.append(notice)
            else:
                notice.enqueued_at = now
                retry.append(notice)
        Notice.objects.bulk_update(stale, ["status", "sent_at", "last_error", "claimed_at", "enqueued_at"])
        transaction.on_commit(lambda: enqueue([n.pk for n in retry]))
    report.reconciled += len(sent)
    report.reclaimed += len(retry)
    report.failed += len(failed)
    return len(stale)


def _requeue_lost(*, threshold, now, report: SweepReport) -> int:
    with transaction.atomic():
        ids = list(
            Notice.objects.select_for_update(skip_locked=True)
            .filter(status=Notice.Status.PENDING, claimed_at__isnull=True)
            .filter(Q(enqueued_at__lt=threshold) | Q(enqueued_at__isnull=True))
            .order_by("enqueued_at")
            .values_list("pk", flat=True)[:SWEEP_BATCH]
        )
        if not ids:
            return 0
        Notice.objects.filter(pk__in=ids).update(enqueued_at=now)
        transaction.on_commit(lambda: enqueue(ids))
    report.requeued += len(ids)
    return len(ids)


def notices_resend(*, notice_ids) -> int:
    """Send failed notices again (the admin's and the API's "resend failed"): they get a fresh set of attempts."""
    now = timezone.now()
    with transaction.atomic():
        ids = list(
            Notice.objects.select_for_update(skip_locked=True)
            .filter(pk__in=list(notice_ids), status=Notice.Status.FAILED)
            .values_list("pk", flat=True)
        )
        Notice.objects.filter(pk__in=ids).update(
            status=Notice.Status.PENDING, attempts=0, claimed_at=None, next_attempt_at=None, enqueued_at=now
        )
        transaction.on_commit(lambda: enqueue(ids))
    return len(ids)
