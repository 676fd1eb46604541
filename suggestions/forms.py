"""Forms of the suggestion pages (/desk/suggestions/). They check the shape of the input; the services enforce
the rules, and ``apply_service`` turns what a service refuses into errors of the form's own fields."""

from __future__ import annotations

import re

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.errors import Invalid
from core.forms import BootstrapMixin
from stations.models import Station
from visits.models import ResponsibleUnit

from .models import Suggestion, SuggestionCategory
from .services import MAX_TOPICS

TOPIC_SEPARATORS = re.compile(r"[,，、;；\n]+")
TOPIC_MAX = 30

# The field a service's error code belongs to (the services raise ``Invalid(message, code=...)``).
CODE_FIELDS = {
    "lead_deputy_required": "lead_deputy",
    "not_resident": "lead_deputy",
    "invalid_category": "category",
    "invalid_topic": "topics",
    "station_required": "station",
    "required": "content",
    "unit_required": "unit",
    "reason_required": "reason",
    "extension_too_long": "deadline",
    "not_later": "deadline",
    "invalid_answer_class": "answer_class",
    "answer_required": "answer",
    "invalid_assessment": "assessment",
    "wrong_activity_kind": "activity",
}


def apply_service(form: forms.Form, call):
    """Run ``call()``; an ``Invalid`` from the service becomes an error of the form (of the field its code
    names, when the form has it) and the result is None. Other domain errors propagate to the view."""
    try:
        return call()
    except Invalid as exc:
        if exc.fields:
            for field, errors in exc.fields.items():
                form.add_error(field if field in form.fields else None, [str(e) for e in errors])
        else:
            field = CODE_FIELDS.get(exc.code)
            form.add_error(field if field in form.fields else None, exc.messages())
        return None


class DateInput(forms.DateInput):
    input_type = "date"

    def format_value(self, value):
        return value.isoformat() if hasattr(value, "isoformat") else value


class TopicsField(forms.CharField):
    """Topics typed as text, separated by commas, 顿号 (、), semicolons or new lines: ``交通管理、停车``."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 400)
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return "、".join(value)
        return value

    def clean(self, value):
        text = super().clean(value)
        topics = []
        for topic in TOPIC_SEPARATORS.split(text or ""):
            topic = topic.strip()
            if topic and topic not in topics:
                topics.append(topic)
        too_long = [t for t in topics if len(t) > TOPIC_MAX]
        if too_long:
            raise forms.ValidationError(
                _("A topic is at most %(n)d characters: %(topic)s") % {"n": TOPIC_MAX, "topic": too_long[0]}
            )
        if len(topics) > MAX_TOPICS:
            raise forms.ValidationError(_("At most %(n)d topics.") % {"n": MAX_TOPICS})
        return topics


class DeputyChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        station = getattr(obj, "station_name", None)
        return f"{obj.name}（{station}）" if station else obj.name


class DeputyMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        station = getattr(obj, "station_name", None)
        return f"{obj.name}（{station}）" if station else obj.name


class SuggestionForm(BootstrapMixin, forms.Form):
    """File or edit a suggestion. ``leads``: the deputies the user may file for (None: the user is the deputy
    and leads it); ``stations``: the stations it may grow from; ``co_signers``: the deputies of the county."""

    lead_deputy = DeputyChoiceField(label=_("Lead deputy"), queryset=None, empty_label=_("— choose a deputy —"))
    title = forms.CharField(label=_("Title"), max_length=200)
    content = forms.CharField(label=_("Content"), widget=forms.Textarea(attrs={"rows": 8}))
    category = forms.ChoiceField(label=_("Category"), choices=[("", "—"), *SuggestionCategory.choices])
    topics = TopicsField(
        label=_("Suggestion topics"),
        help_text=_("Separate topics with commas or 、, e.g. 交通管理、停车难. At most 10."),
    )
    station = forms.ModelChoiceField(
        label=_("Station it grew from"), queryset=Station.objects.none(), required=False, empty_label=_("— none —")
    )
    co_signers = DeputyMultipleChoiceField(
        label=_("Co-signers"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Deputies of the district who co-sign (附议) it; type in the box to find a name."),
    )

    def __init__(self, *args, leads, stations, co_signers, station_required=False, **kwargs):
        super().__init__(*args, **kwargs)
        if leads is None:
            del self.fields["lead_deputy"]
        else:
            self.fields["lead_deputy"].queryset = leads
        self.fields["station"].queryset = stations
        self.fields["station"].required = station_required
        self.fields["co_signers"].queryset = co_signers

    def clean(self):
        data = super().clean()
        lead = data.get("lead_deputy")
        if lead is not None and lead in (data.get("co_signers") or []):
            self.add_error("co_signers", _("The lead deputy is not also a co-signer."))
        return data


class AssignForm(BootstrapMixin, forms.Form):
    """Assign to a handling unit: no unit is chosen beforehand."""

    unit = forms.ModelChoiceField(
        label=_("Handling unit"), queryset=ResponsibleUnit.objects.filter(is_active=True), empty_label=None
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A list box with nothing selected: the user must pick a unit (the browser and the form insist).
        self.fields["unit"].widget.attrs.update({"size": 8, "required": True})


class ExtendForm(BootstrapMixin, forms.Form):
    deadline = forms.DateField(label=_("New deadline"), widget=DateInput)
    reason = forms.CharField(label=_("Reason for the extension"), max_length=300)


class AnswerForm(BootstrapMixin, forms.Form):
    answer_class = forms.ChoiceField(
        label=_("Answer class"), choices=Suggestion.AnswerClass.choices, widget=forms.RadioSelect
    )
    answer = forms.CharField(label=_("The unit's answer"), widget=forms.Textarea(attrs={"rows": 5}))
    answered_on = forms.DateField(label=_("Answered on"), widget=DateInput, required=False)

    def clean_answered_on(self):
        day = self.cleaned_data.get("answered_on")
        if day and day > timezone.localdate():
            raise forms.ValidationError(_("The answer cannot be dated in the future."))
        return day


class AssessForm(BootstrapMixin, forms.Form):
    assessment = forms.ChoiceField(
        label=_("Assessment of the answer"), choices=Suggestion.Assessment.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(label=_("Note"), max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 3}))


class SuperviseForm(BootstrapMixin, forms.Form):
    activity = forms.ModelChoiceField(
        label=_("Supervision activity"),
        queryset=None,
        required=False,
        empty_label=_("— none yet —"),
        help_text=_("An activity of the kind “supervision of suggestions”; it can be linked later too."),
    )

    def __init__(self, *args, activities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["activity"].queryset = activities
        self.fields["activity"].label_from_instance = lambda a: f"{a.date:%Y-%m-%d} {a.title}（{a.station.name}）"


class CloseForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(
        label=_("Note on closing"),
        max_length=300,
        required=False,
        help_text=_("Required when the deputy has not assessed the answer."),
    )


class CosignForm(forms.Form):
    """Co-signing asks for nothing but the button."""


YES_NO = [("", _("Any")), ("1", _("Yes")), ("0", _("No"))]


class WorklistFilterForm(BootstrapMixin, forms.Form):
    """The work list's filters (GET). A bad value is a form error, the page answers 400."""

    q = forms.CharField(label=_("Search"), max_length=100, required=False)
    year = forms.TypedChoiceField(label=_("Year"), coerce=int, required=False, empty_value=None)
    status = forms.ChoiceField(label=_("Status"), choices=[("", _("Any")), *Suggestion.Status.choices], required=False)
    category = forms.ChoiceField(
        label=_("Category"), choices=[("", _("Any")), *SuggestionCategory.choices], required=False
    )
    station = forms.ModelChoiceField(
        label=_("Station"), queryset=Station.objects.none(), required=False, empty_label=_("Any"), to_field_name="code"
    )
    deputy = forms.CharField(label=_("Deputy"), max_length=50, required=False)
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
    supervised = forms.TypedChoiceField(
        label=_("Supervised"),
        choices=YES_NO,
        coerce=lambda v: v == "1",
        required=False,
        empty_value=None,
    )

    def __init__(self, *args, years, stations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", _("Any")), *[(y, y) for y in years]]
        self.fields["station"].queryset = stations
        self.fields["station"].label_from_instance = lambda s: f"{s.code} {s.name}"
        self.fields["q"].widget.attrs["placeholder"] = _("Number, title or text")
        self.fields["deputy"].widget.attrs["placeholder"] = _("Name of the lead deputy or a co-signer")
