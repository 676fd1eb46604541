"""Forms of the desk and the public pages. They check the shape of the input; the services enforce the rules
(``apply_service`` turns a service's field errors into form errors)."""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.errors import Invalid
from core.privacy import PHONE_HELP
from deputies.models import Deputy
from stations.models import ReceptionDay

from .models import CONTENT_MAX, Opinion, ResponsibleUnit, VisitLog

CATEGORIES = [
    "交通出行",
    "环境保护",
    "城市管理",
    "住房与小区",
    "医疗卫生",
    "教育",
    "社会保障",
    "就业创业",
    "营商环境",
    "乡村振兴",
    "公共安全",
    "其他",
]


def apply_service(form: forms.Form, call):
    """Run ``call()``; bad input refused by the service (``core.errors.Invalid``, or a Django ValidationError
    from opinion_create) becomes form errors and the result is None. Other domain errors (403, 404, 409)
    propagate to the view."""
    try:
        return call()
    except Invalid as exc:
        if exc.fields:
            for field, errors in exc.fields.items():
                form.add_error(field if field in form.fields else None, [str(e) for e in errors])
        else:
            form.add_error(None, exc.messages())
        return None
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            form.add_error(None, exc.messages)
        return None


class BootstrapMixin:
    """Bootstrap classes on every widget, so templates render fields with one include."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput | forms.CheckboxSelectMultiple | forms.RadioSelect):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs.setdefault("class", css)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def _not_future(value):
    if value and value > timezone.localdate():
        raise ValidationError(_("The date cannot be in the future."))


class CategoryField(forms.CharField):
    def __init__(self, **kwargs):
        super().__init__(max_length=50, required=False, label=_("Category"), **kwargs)
        self.widget = forms.TextInput(attrs={"list": "opinion-categories", "autocomplete": "off"})


class PublicOpinionForm(BootstrapMixin, forms.Form):
    """The citizen's form behind the station's QR code."""

    category = forms.ChoiceField(
        label=_("What is it about?"), choices=[("", "—")] + [(c, c) for c in CATEGORIES], required=False
    )
    content = forms.CharField(
        label=_("Your opinion or the problem"),
        max_length=CONTENT_MAX,
        widget=forms.Textarea(attrs={"rows": 6, "maxlength": CONTENT_MAX}),
        help_text=_("Where, what, since when. At most 2,000 characters."),
    )
    citizen_name = forms.CharField(label=_("Your name (optional)"), max_length=50, required=False)
    citizen_phone = forms.CharField(
        label=_("Your phone (optional)"),
        max_length=20,
        required=False,
        help_text=_("Only staff see it, to call you back. Its last four digits let you rate the answer."),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    send_sms = forms.BooleanField(label=_("Send me the tracking code by SMS"), required=False)
    # Honeypot: hidden from people, filled by bots.
    website = forms.CharField(required=False, label=_("Leave this empty"))


class TrackLookupForm(BootstrapMixin, forms.Form):
    code = forms.CharField(label=_("Tracking code"), max_length=20)


class RatingForm(BootstrapMixin, forms.Form):
    satisfied = forms.TypedChoiceField(
        label=_("Are you satisfied with the answer?"),
        choices=[("yes", _("Satisfied")), ("no", _("Not satisfied"))],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
    )
    proof = forms.CharField(
        label=_("Last four digits of your phone, or your rating key"),
        max_length=12,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )


# ---------------------------------------------------------------------------------------------------------
# Desk forms: bound to one station


class StationForm(BootstrapMixin, forms.Form):
    def __init__(self, *args, station, **kwargs):
        self.station = station
        super().__init__(*args, **kwargs)

    def residents(self):
        return Deputy.objects.filter(memberships__in=self.station.memberships.current()).order_by("name").distinct()


class VisitLogForm(StationForm):
    date = forms.DateField(label=_("Date"), widget=DateInput(), validators=[_not_future])
    people_count = forms.IntegerField(label=_("People"), min_value=1, max_value=100000, initial=1)
    reception_day = forms.ModelChoiceField(
        label=_("Reception day"), queryset=ReceptionDay.objects.none(), required=False
    )
    deputies = forms.ModelMultipleChoiceField(
        label=_("Deputies who received"),
        queryset=Deputy.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    topics = forms.CharField(label=_("Topics"), max_length=200, required=False)
    summary = forms.CharField(
        label=_("Summary"), max_length=CONTENT_MAX, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    visitor_name = forms.CharField(label=_("Visitor's name"), max_length=50, required=False)
    visitor_phone = forms.CharField(label=_("Visitor's phone"), max_length=20, required=False, help_text=PHONE_HELP)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reception_day"].queryset = self.station.reception_days.exclude(status="cancelled").order_by(
            "-date"
        )
        self.fields["deputies"].queryset = self.residents()


class OpinionForm(StationForm):
    channel = forms.ChoiceField(label=_("Channel"), choices=Opinion.Channel.choices, initial="visit")
    category = CategoryField()
    content = forms.CharField(label=_("Content"), max_length=CONTENT_MAX, widget=forms.Textarea(attrs={"rows": 3}))
    citizen_name = forms.CharField(label=_("Citizen's name"), max_length=50, required=False)
    citizen_phone = forms.CharField(label=_("Citizen's phone"), max_length=20, required=False, help_text=PHONE_HELP)
    deputy = forms.ModelChoiceField(label=_("Deputy who gathered it"), queryset=Deputy.objects.none(), required=False)
    visit_log = forms.ModelChoiceField(label=_("From visit log"), queryset=VisitLog.objects.none(), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["deputy"].queryset = self.residents()
        recent = timezone.localdate() - timedelta(days=120)
        self.fields["visit_log"].queryset = VisitLog.objects.filter(station=self.station, date__gte=recent).order_by(
            "-date", "-id"
        )
        self.fields["visit_log"].label_from_instance = lambda v: f"{v.date:%Y-%m-%d} · {v.topics or v.people_count}"


class OutreachForm(StationForm):
    deputy = forms.ModelChoiceField(label=_("Deputy"), queryset=Deputy.objects.none())
    date = forms.DateField(label=_("Date"), widget=DateInput(), validators=[_not_future])
    place = forms.CharField(label=_("Place"), max_length=200)
    people_count = forms.IntegerField(label=_("People met"), min_value=1, max_value=100000)
    summary = forms.CharField(
        label=_("Summary"), max_length=CONTENT_MAX, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["deputy"].queryset = self.residents()


class PracticalMatterForm(StationForm):
    date = forms.DateField(label=_("Date"), widget=DateInput(), validators=[_not_future])
    title = forms.CharField(label=_("Title"), max_length=200)
    beneficiaries = forms.IntegerField(label=_("People who benefit"), min_value=0, max_value=10000000, initial=0)
    source_opinion = forms.ModelChoiceField(label=_("Source opinion"), queryset=Opinion.objects.none(), required=False)
    summary = forms.CharField(
        label=_("Summary"), max_length=CONTENT_MAX, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source_opinion"].queryset = Opinion.objects.filter(station=self.station).order_by("-received_at")
        self.fields["source_opinion"].label_from_instance = lambda o: f"{o.tracking_code} · {o.category or ''}"


class TransitionForm(BootstrapMixin, forms.Form):
    action = forms.ChoiceField(choices=[])
    unit = forms.ModelChoiceField(
        label=_("Responsible unit"), queryset=ResponsibleUnit.objects.filter(is_active=True), required=False
    )
    answer = forms.CharField(
        label=_("Answer to the citizen"), max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    satisfied = forms.TypedChoiceField(
        label=_("Rating"),
        choices=[("", "—"), ("yes", _("Satisfied")), ("no", _("Not satisfied"))],
        coerce=lambda v: v == "yes",
        empty_value=None,
        required=False,
    )
    reason = forms.CharField(label=_("Reason"), max_length=1000, required=False)
    note = forms.CharField(label=_("Note"), max_length=1000, required=False)
    resolved = forms.BooleanField(label=_("Resolved"), required=False)

    def __init__(self, *args, actions=(), **kwargs):
        super().__init__(*args, **kwargs)
        from .services import ACTIONS

        self.fields["action"].choices = [(a, a) for a in ACTIONS]

    def params(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("action", None)
        return {k: v for k, v in data.items() if v not in ("", None) or k == "satisfied"}


class LedgerRangeForm(BootstrapMixin, forms.Form):
    start = forms.CharField(label=_("From month"), max_length=7, widget=forms.TextInput(attrs={"type": "month"}))
    end = forms.CharField(label=_("To month"), max_length=7, widget=forms.TextInput(attrs={"type": "month"}))
    unmasked = forms.BooleanField(label=_("Unmasked personal data (logged)"), required=False)

    def clean(self):
        import datetime

        data = super().clean()
        try:
            start = datetime.date.fromisoformat(f"{data.get('start')}-01")
            end = datetime.date.fromisoformat(f"{data.get('end')}-01")
        except (TypeError, ValueError):
            raise ValidationError(_("Months are written YYYY-MM.")) from None
        if end < start:
            raise ValidationError(_("The range ends before it starts."))
        data["start_month"], data["end_month"] = start, end
        return data


class LedgerImportForm(BootstrapMixin, forms.Form):
    file = forms.FileField(label=_("Ledger workbook (.xlsx)"))
