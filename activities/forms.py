"""Forms of the activity desk: one activity, one item of the yearly plan (the services check the rules)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.uploads import BoundedImageField
from deputies.models import Deputy

from .models import ActivityKind


class ActivityForm(forms.Form):
    """Record one activity at the desk (the service checks the rules)."""

    kind = forms.ChoiceField(label=_("Kind"), choices=ActivityKind.choices)
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}))
    title = forms.CharField(label=_("Title"), max_length=200)
    people_reached = forms.IntegerField(label=_("People reached"), min_value=0, initial=0)
    campaign = forms.CharField(label=_("Campaign tag"), max_length=60, required=False,
                               help_text=_("e.g. 聚力强省会·代表新作为, 三个一"))  # fmt: skip
    deputies = forms.ModelMultipleChoiceField(
        label=_("Deputies taking part"), queryset=Deputy.objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )  # fmt: skip
    summary = forms.CharField(label=_("Summary"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    photo = BoundedImageField(label=_("Photo"), required=False)

    def __init__(self, *args, residents, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["deputies"].queryset = residents
        for name, field in self.fields.items():
            if name not in ("deputies",):
                field.widget.attrs.setdefault("class", "form-select" if name == "kind" else "form-control")


class PlanItemForm(forms.Form):
    """Add one item to a station's yearly plan, in a month or a quarter."""

    PERIODS = [("", "—")] + [(f"q{q}", f"Q{q}") for q in range(1, 5)] + [(f"m{m}", f"{m}") for m in range(1, 13)]

    period = forms.ChoiceField(label=_("Month or quarter"), choices=PERIODS)
    kind = forms.ChoiceField(label=_("Kind"), choices=ActivityKind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            field.widget.attrs.setdefault("class", "form-control" if name == "title" else "form-select")

    def item(self) -> dict:
        period = self.cleaned_data["period"]
        key = "quarter" if period.startswith("q") else "month"
        return {key: int(period[1:]), "kind": self.cleaned_data["kind"], "title": self.cleaned_data["title"]}
