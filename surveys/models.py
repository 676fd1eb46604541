"""The year-end satisfaction surveys of stations (满意度测评): questions, ballots and their answers.

The models moved here from ``deputies``; their tables kept their names (``db_table``)."""

import datetime
import secrets

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.access import ScopedQuerySet
from deputies.models import Deputy


class Rating(models.TextChoices):
    """The 4-point scale of the year-end survey."""

    VERY_SATISFIED = "very_satisfied", _("Very satisfied")
    SATISFIED = "satisfied", _("Satisfied")
    BASICALLY_SATISFIED = "basically_satisfied", _("Basically satisfied")
    NOT_SATISFIED = "not_satisfied", _("Not satisfied")


SATISFIED_RATINGS = (Rating.VERY_SATISFIED, Rating.SATISFIED)


def new_survey_token() -> str:
    return secrets.token_urlsafe(16)


class Survey(models.Model):
    """A station's year-end satisfaction survey (满意度测评), reached by a public link or QR code."""

    scope_lookup = "station"

    station = models.ForeignKey(
        "stations.Station", verbose_name=_("station"), on_delete=models.PROTECT, related_name="surveys"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=200, blank=True)
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"))
    token = models.CharField(_("public token"), max_length=40, unique=True, default=new_survey_token, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        db_table = "deputies_survey"  # the table kept its name when the model moved out of ``deputies``
        verbose_name = _("satisfaction survey")
        verbose_name_plural = _("satisfaction surveys")
        ordering = ["-year", "station"]
        constraints = [
            models.UniqueConstraint(fields=["station", "year"], name="survey_one_per_station_year"),
            models.CheckConstraint(condition=Q(closes_on__gte=F("opens_on")), name="survey_window_order"),
        ]

    def __str__(self):
        return self.title or f"{self.station_id} {self.year}"

    def is_open(self, *, on: datetime.date | None = None) -> bool:
        on = on or timezone.localdate()
        return self.opens_on <= on <= self.closes_on


class SurveyQuestion(models.Model):
    """ "How satisfied are you with …": the station itself (deputy empty) or one deputy who reported."""

    scope_lookup = "survey__station"

    survey = models.ForeignKey(Survey, verbose_name=_("survey"), on_delete=models.CASCADE, related_name="questions")
    deputy = models.ForeignKey(
        Deputy, verbose_name=_("deputy"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        db_table = "deputies_surveyquestion"  # the table kept its name when the model moved out of ``deputies``
        verbose_name = _("survey question")
        verbose_name_plural = _("survey questions")
        ordering = ["survey", "order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "deputy"], condition=Q(deputy__isnull=False), name="surveyquestion_one_per_deputy"
            ),
            models.UniqueConstraint(
                fields=["survey"], condition=Q(deputy__isnull=True), name="surveyquestion_one_for_station"
            ),
        ]

    def __str__(self):
        return str(self.deputy or _("the station"))


class SurveyResponse(models.Model):
    """One voter's ballot. No personal data: an online ballot keeps only a salted hash of the phone number
    (to allow one response per phone); a paper ballot keeps nothing about its author."""

    scope_lookup = "survey__station"

    class Channel(models.TextChoices):
        ONLINE = "online", _("Online")
        PAPER = "paper", _("Paper ballot")

    survey = models.ForeignKey(Survey, verbose_name=_("survey"), on_delete=models.CASCADE, related_name="responses")
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    phone_hash = models.CharField(_("phone hash"), max_length=64, null=True, blank=True, editable=False)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("entered by"), null=True, blank=True, on_delete=models.SET_NULL
    )
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        db_table = "deputies_surveyresponse"  # the table kept its name when the model moved out of ``deputies``
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")
        ordering = ["survey", "id"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "phone_hash"], name="surveyresponse_one_per_phone"),
            models.CheckConstraint(
                condition=Q(channel="paper") | Q(phone_hash__isnull=False), name="surveyresponse_online_has_phone"
            ),
        ]

    def __str__(self):
        return f"{self.survey_id} #{self.pk}"


SurveyChannel = SurveyResponse.Channel


class SurveyAnswer(models.Model):
    scope_lookup = "response__survey__station"

    response = models.ForeignKey(
        SurveyResponse, verbose_name=_("response"), on_delete=models.CASCADE, related_name="answers"
    )
    question = models.ForeignKey(
        SurveyQuestion, verbose_name=_("question"), on_delete=models.CASCADE, related_name="answers"
    )
    rating = models.CharField(_("rating"), max_length=20, choices=Rating.choices)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        db_table = "deputies_surveyanswer"  # the table kept its name when the model moved out of ``deputies``
        verbose_name = _("survey answer")
        verbose_name_plural = _("survey answers")
        ordering = ["response", "question"]
        constraints = [
            models.UniqueConstraint(fields=["response", "question"], name="surveyanswer_one_per_question"),
            models.CheckConstraint(condition=Q(rating__in=Rating.values), name="surveyanswer_rating_on_scale"),
        ]

    def __str__(self):
        return self.get_rating_display()
