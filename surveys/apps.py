from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    """The year-end satisfaction surveys (满意度测评): questions, online and paper ballots, results. It reads
    deputies, stations and activities (the duty reports decide whom a survey asks about); ``visits`` and the apps
    above may read it."""

    name = "surveys"
    verbose_name = _("Surveys")

    def ready(self):
        from activities.models import DutyReport
        from activities.services import duty_report_recorded

        from .services import sync_after_duty_report

        duty_report_recorded.connect(sync_after_duty_report, sender=DutyReport, dispatch_uid="surveys-duty-report")
