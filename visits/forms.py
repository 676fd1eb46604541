"""Forms of the desk and the public pages. They check the shape of the input; the services enforce the rules
(``apply_service`` turns a service's field errors into form errors)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.errors import Invalid
from core.forms import BootstrapMixin
from core.privacy import PHONE_HELP, mask_name, mask_phone
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
# Desk forms: bound to one station, the same form for entering a record and for correcting it


# A day typed as 2026-12-02, 2026/12/02, 2026.12.02 or 20261202 (full-width digits too).
DAY_INPUT_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d")
DAY_PATTERN = r"\d{4}[\-\/.]?\d{1,2}[\-\/.]?\d{1,2}"
_FULL_WIDTH = str.maketrans("０１２３４５６７８９－／．", "0123456789-/.")


class DayInput(forms.DateInput):
    """A date as ONE text field with ONE Tab stop. A browser's date input is three segments (year, month,
    day) that Tab walks through, so text typed after one Tab lands in the date; this one takes the day as
    typed, prefilled, and Tab leaves it at once."""

    input_type = "text"

    def __init__(self, attrs=None):
        defaults = {
            "inputmode": "numeric",
            "placeholder": "YYYY-MM-DD",
            "pattern": DAY_PATTERN,
            "autocomplete": "off",
            "spellcheck": "false",
            "maxlength": "10",
        }
        super().__init__(attrs={**defaults, **(attrs or {})}, format="%Y-%m-%d")


class DayField(forms.DateField):
    widget = DayInput
    input_formats = DAY_INPUT_FORMATS

    def to_python(self, value):
        if isinstance(value, str):
            value = value.translate(_FULL_WIDTH).replace(" ", "").strip()
        return super().to_python(value)


class CountInput(forms.TextInput):
    """A count typed on the number keys: starts empty and keeps exactly what is typed (no spinner, no wheel,
    no value of its own the typing lands before)."""

    def __init__(self, attrs=None):
        defaults = {"inputmode": "numeric", "pattern": "[0-9]*", "autocomplete": "off"}
        super().__init__(attrs={**defaults, **(attrs or {})})


def _day_field(**kwargs):
    return DayField(label=_("Date"), validators=[_not_future], **kwargs)


@dataclass
class LayoutItem:
    """One field of a desk form where the page shows it: its grid column and, for a field folded away, the
    summary of the ``<details>`` it sits in."""

    field: forms.BoundField
    css: str
    folded: str = ""


class StationForm(BootstrapMixin, forms.Form):
    """A desk form of one station. With ``record`` it corrects that record: only the fields a person may
    correct (``visits.services.EDITABLE_FIELDS``), prefilled from the record with personal data masked (a
    masked value sent back means "unchanged"), plus an optional reason.

    Field order is the page's visual order (the templates render ``layout``), so Tab follows what the eye
    sees. No field is focused on a prefilled value: a blank entry form focuses its first, empty field
    (``autofocus_first``); a form with errors focuses the first invalid field, whose error the field's
    ``aria-describedby`` names."""

    id_prefix = "desk"
    autofocus_first = False
    columns: dict[str, str] = {}
    folded: dict[str, object] = {}

    def __init__(self, *args, station, record=None, **kwargs):
        self.station = station
        self.record = record
        kwargs.setdefault("auto_id", f"{self.id_prefix}_%s")
        super().__init__(*args, **kwargs)
        if record is not None:
            self._for_correction(record)
        self._place_focus()

    def residents(self):
        return Deputy.objects.filter(memberships__in=self.station.memberships.current()).order_by("name").distinct()

    # corrections

    def _for_correction(self, record) -> None:
        from .services import EDITABLE_FIELDS, REASON_MAX, kind_of

        editable = EDITABLE_FIELDS[kind_of(record)]
        for name in list(self.fields):
            if name not in editable:
                del self.fields[name]
        for field in self.fields.values():
            field.widget.attrs.pop("accesskey", None)
        self.fields["reason"] = forms.CharField(
            label=_("Reason for the correction (optional)"),
            max_length=REASON_MAX,
            required=False,
            widget=forms.TextInput(attrs={"class": "form-control", "autocomplete": "off"}),
        )
        if not self.is_bound:
            self.initial = self.initial_from(record)

    def initial_from(self, record) -> dict:
        from .services import MASKED_FIELDS

        initial = {}
        for name in self.fields:
            if name == "reason":
                continue
            field = record._meta.get_field(name)
            if field.many_to_many:
                initial[name] = [obj.pk for obj in getattr(record, name).all()]
            elif field.is_relation:
                initial[name] = getattr(record, field.attname)
            elif name in MASKED_FIELDS:
                mask = mask_phone if name.endswith("_phone") else mask_name
                initial[name] = mask(getattr(record, name))
            else:
                initial[name] = getattr(record, name)
        return initial

    def changes(self) -> dict:
        """The cleaned values the service takes as corrections (everything but the reason)."""
        return {k: v for k, v in self.cleaned_data.items() if k != "reason"}

    # layout and focus

    @property
    def layout(self) -> list[LayoutItem]:
        items = []
        for bound in self:
            folded = self.folded.get(bound.name, "")
            items.append(LayoutItem(bound, self.columns.get(bound.name, "col-12"), folded(bound) if folded else ""))
        return items

    def _place_focus(self) -> None:
        for field in self.fields.values():
            field.widget.attrs.pop("autofocus", None)
        target = None
        if self.is_bound and self._errors is not None and self._errors:
            target = next((name for name in self.fields if name in self._errors), None) or next(iter(self.fields))
        elif not self.is_bound and self.record is None and self.autofocus_first:
            target = next(iter(self.fields))
        if target is not None:
            self.fields[target].widget.attrs["autofocus"] = True

    def full_clean(self):
        super().full_clean()
        self._place_focus()

    def add_error(self, field, error):
        super().add_error(field, error)
        if self._errors is not None and hasattr(self, "cleaned_data"):
            self._place_focus()


def _deputies_summary(bound) -> str:
    chosen = bound.value() or []
    return ngettext("Deputies who received (%(n)d chosen)", "Deputies who received (%(n)d chosen)", len(chosen)) % {
        "n": len(chosen)
    }


class VisitLogForm(StationForm):
    """People received at the station. In the order the page shows it: how many, when, topics, summary, the
    visitor, the deputies (folded)."""

    id_prefix = "visit"
    autofocus_first = True
    columns = {
        "people_count": "col-4 col-md-3",
        "date": "col-8 col-md-4",
        "reception_day": "col-12 col-md-5",
        "visitor_name": "col-6",
        "visitor_phone": "col-6",
    }
    folded = {"deputies": _deputies_summary}

    people_count = forms.IntegerField(
        label=_("People"),
        min_value=1,
        max_value=100000,
        widget=CountInput(attrs={"id": "v-people", "class": "form-control form-control-lg", "accesskey": "1"}),
    )
    date = _day_field()
    reception_day = forms.ModelChoiceField(
        label=_("Reception day"), queryset=ReceptionDay.objects.none(), required=False
    )
    topics = forms.CharField(label=_("Topics"), max_length=200, required=False)
    summary = forms.CharField(
        label=_("Summary"), max_length=CONTENT_MAX, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    visitor_name = forms.CharField(label=_("Visitor's name"), max_length=50, required=False)
    visitor_phone = forms.CharField(
        label=_("Visitor's phone"),
        max_length=20,
        required=False,
        help_text=PHONE_HELP,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    deputies = forms.ModelMultipleChoiceField(
        label=_("Deputies who received"),
        queryset=Deputy.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A correction also offers what the record holds when it is no longer offered for a new entry.
        record = self.record
        days = ~Q(status="cancelled")
        if record is not None and record.reception_day_id:
            days |= Q(pk=record.reception_day_id)
        self.fields["reception_day"].queryset = self.station.reception_days.filter(days).order_by("-date")
        deputies = self.residents()
        if record is not None:
            deputies = (
                Deputy.objects.filter(Q(pk__in=deputies.values("pk")) | Q(pk__in=record.deputies.values("pk")))
                .order_by("name")
                .distinct()
            )
        self.fields["deputies"].queryset = deputies


class OpinionForm(StationForm):
    id_prefix = "id"  # the opinion panel's ids stay id_channel, id_content, ...

    channel = forms.ChoiceField(label=_("Channel"), choices=Opinion.Channel.choices, initial="visit")
    category = CategoryField()
    content = forms.CharField(label=_("Content"), max_length=CONTENT_MAX, widget=forms.Textarea(attrs={"rows": 3}))
    citizen_name = forms.CharField(label=_("Citizen's name"), max_length=50, required=False)
    citizen_phone = forms.CharField(label=_("Citizen's phone"), max_length=20, required=False, help_text=PHONE_HELP)
    deputy = forms.ModelChoiceField(label=_("Deputy who gathered it"), queryset=Deputy.objects.none(), required=False)
    visit_log = forms.ModelChoiceField(label=_("From visit log"), queryset=VisitLog.objects.none(), required=False)

    columns = {"channel": "col-6", "category": "col-6"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.record is not None:
            return
        self.fields["deputy"].queryset = self.residents()
        recent = timezone.localdate() - timedelta(days=120)
        self.fields["visit_log"].queryset = VisitLog.objects.filter(station=self.station, date__gte=recent).order_by(
            "-date", "-id"
        )
        self.fields["visit_log"].label_from_instance = lambda v: f"{v.date:%Y-%m-%d} · {v.topics or v.people_count}"


class OutreachForm(StationForm):
    id_prefix = "outreach"
    columns = {"deputy": "col-12 col-md-6", "date": "col-6 col-md-3", "people_count": "col-6 col-md-3"}

    deputy = forms.ModelChoiceField(label=_("Deputy"), queryset=Deputy.objects.none())
    date = _day_field()
    people_count = forms.IntegerField(label=_("People met"), min_value=1, max_value=100000, widget=CountInput())
    place = forms.CharField(label=_("Place"), max_length=200)
    summary = forms.CharField(
        label=_("Summary"), max_length=CONTENT_MAX, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "deputy" in self.fields:
            self.fields["deputy"].queryset = self.residents()


class PracticalMatterForm(StationForm):
    id_prefix = "pm"
    columns = {"date": "col-6", "beneficiaries": "col-6"}

    title = forms.CharField(label=_("Title"), max_length=200)
    date = _day_field()
    beneficiaries = forms.IntegerField(
        label=_("People who benefit"),
        min_value=0,
        max_value=10000000,
        required=False,
        widget=CountInput(),
        help_text=_("Leave empty for none."),
    )
    source_opinion = forms.ModelChoiceField(
        label=_("Source opinion"),
        queryset=Opinion.objects.none(),
        required=False,
        error_messages={"invalid_choice": _("No such opinion at this station.")},
    )
    summary = forms.CharField(
        label=_("Summary"), max_length=CONTENT_MAX, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # the station's live opinions, and on a correction the one the record names even if voided since
        mine = Q(station=self.station, voided_at__isnull=True)
        if self.record is not None and self.record.source_opinion_id:
            mine |= Q(pk=self.record.source_opinion_id)
        self.fields["source_opinion"].queryset = Opinion.all_objects.filter(mine).order_by("-received_at")
        self.fields["source_opinion"].label_from_instance = lambda o: f"{o.tracking_code} · {o.category or ''}"

    def clean_beneficiaries(self):
        value = self.cleaned_data.get("beneficiaries")
        return 0 if value is None else value


def correction_form(record, data=None) -> StationForm:
    """The entry form of ``record``'s kind, to correct it (see ``StationForm``)."""
    from .services import kind_of

    form_class = {
        "visit_log": VisitLogForm,
        "outreach": OutreachForm,
        "practical_matter": PracticalMatterForm,
        "opinion": OpinionForm,
    }[kind_of(record)]
    return form_class(data, station=record.station, record=record)


class VoidForm(BootstrapMixin, forms.Form):
    """Voiding asks why, always."""

    reason = forms.CharField(
        label=_("Why is it voided?"),
        max_length=200,
        help_text=_("For example: entered twice, wrong station, test entry."),
        error_messages={"required": _("Give the reason.")},
        widget=forms.TextInput(attrs={"autocomplete": "off", "autofocus": True}),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "void_%s")
        super().__init__(*args, **kwargs)


class RestoreForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(
        label=_("Reason for restoring (optional)"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "restore_%s")
        super().__init__(*args, **kwargs)


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
