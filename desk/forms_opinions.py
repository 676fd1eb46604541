"""Forms of the opinion work list (/desk/opinions/) and of assigning: the list's filters (a django-filter
FilterSet read from the query string, so a link carries them), bulk assignment and the desk's transition form
whose unit is typed or picked by name (the service takes a unit's id or its exact name)."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from core.errors import Invalid
from stations.models import Area, Station
from visits import selectors, services
from visits.forms import TransitionForm
from visits.models import Opinion, OpinionStatus, ResponsibleUnit

UNIT_ACTIONS = ("assign", "reassign")  # the actions that take a unit and ask for a confirmation naming it
SEARCH_MAX = 100

SORTS = {
    "due": (F("due_date").asc(nulls_last=True), "received_at", "id"),
    "-due": (F("due_date").desc(nulls_last=True), "-received_at", "-id"),
    "received": ("received_at", "id"),
    "-received": ("-received_at", "-id"),
}
DEFAULT_SORT = "due"


class OpinionActionForm(TransitionForm):
    """The desk's transition form: ``unit`` is the unit's exact name (the picker's datalist) or its id, and an
    assignment or reassignment is saved only once ``confirmed`` (the page showed the unit's name first)."""

    unit = forms.CharField(label=_("Responsible unit"), max_length=100, required=False)
    confirmed = forms.BooleanField(required=False)

    def params(self) -> dict:
        params = super().params()
        params.pop("confirmed", None)
        return params

    @property
    def needs_confirmation(self) -> bool:
        return self.cleaned_data.get("action") in UNIT_ACTIONS and not self.cleaned_data.get("confirmed")


class OpinionWorklistFilter(django_filters.FilterSet):
    """The filters of the work list; every choice is limited to the user's scope (``request.user``)."""

    q = django_filters.CharFilter(method="filter_q", max_length=SEARCH_MAX, label=_("Tracking code or text"))
    status = django_filters.MultipleChoiceFilter(
        choices=OpinionStatus.choices, widget=forms.CheckboxSelectMultiple, label=_("Status")
    )
    station = django_filters.ModelChoiceFilter(
        queryset=Station.objects.none(), to_field_name="code", label=_("Station"), empty_label=_("All stations")
    )
    area = django_filters.ModelChoiceFilter(
        queryset=Area.objects.none(), method="filter_area", label=_("Street/township"), empty_label=_("All areas")
    )
    unit = django_filters.ModelChoiceFilter(
        queryset=ResponsibleUnit.objects.none(),
        label=_("Responsible unit"),
        empty_label=_("All units"),
    )
    kind = django_filters.ChoiceFilter(
        field_name="station__kind", choices=Station.Kind.choices, label=_("Kind of station"), empty_label=_("All")
    )
    channel = django_filters.ChoiceFilter(choices=Opinion.Channel.choices, label=_("Channel"), empty_label=_("All"))
    overdue = django_filters.ChoiceFilter(
        choices=[("1", _("Overdue only"))], method="filter_overdue", label=_("Overdue only"), empty_label=None
    )
    received_from = django_filters.DateFilter(
        field_name="received_at",
        lookup_expr="date__gte",
        label=_("Received from"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    received_to = django_filters.DateFilter(
        field_name="received_at",
        lookup_expr="date__lte",
        label=_("Received until"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    sort = django_filters.ChoiceFilter(
        choices=[
            ("due", _("Due date, soonest first")),
            ("-due", _("Due date, latest first")),
            ("-received", _("Received, newest first")),
            ("received", _("Received, oldest first")),
        ],
        method="filter_sort",
        label=_("Sort by"),
        empty_label=None,
    )

    class Meta:
        model = Opinion
        fields = [
            "q",
            "status",
            "station",
            "area",
            "kind",
            "unit",
            "channel",
            "overdue",
            "received_from",
            "received_to",
        ]

    def __init__(self, data=None, *args, request=None, **kwargs):
        super().__init__(data, *args, request=request, **kwargs)
        user = request.user
        self.filters["station"].queryset = Station.objects.for_user(user).order_by("code")
        self.filters["area"].queryset = (
            Area.objects.for_user(user)
            .filter(kind__in=[Area.Kind.COUNTY, Area.Kind.STREET, Area.Kind.TOWNSHIP])
            .order_by("path")
        )
        self.filters["unit"].queryset = selectors.responsible_units(user=user, active=None)

    @property
    def form(self):
        form = super().form
        if not getattr(form, "_styled", False):
            for name, field in form.fields.items():
                widget = field.widget
                if name == "status":
                    widget.attrs["class"] = "form-check-input"
                elif isinstance(widget, forms.Select):
                    widget.attrs["class"] = "form-select form-select-sm"
                else:
                    widget.attrs["class"] = "form-control form-control-sm"
            form.fields["q"].widget.attrs.update(
                {"type": "search", "placeholder": _("e.g. 7KQ2-M9XD-4HPA or street light"), "autocomplete": "off"}
            )
            form._styled = True
        return form

    @property
    def sort_key(self) -> str:
        self.form.is_valid()  # a bad value of another filter leaves the sort as asked
        return getattr(self.form, "cleaned_data", {}).get("sort") or DEFAULT_SORT

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        return queryset.order_by(*SORTS[self.sort_key])

    def filter_q(self, queryset, name, value):
        return selectors.search_opinions(queryset, value)

    def filter_area(self, queryset, name, value):
        return queryset.filter(station__area__path__startswith=value.path)

    def filter_overdue(self, queryset, name, value):
        # ``overdue`` is annotated by the selector (``with_deadline``).
        return queryset.filter(overdue=True) if value == "1" else queryset

    def filter_sort(self, queryset, name, value):
        return queryset  # applied last, in filter_queryset


class BulkAssignForm(forms.Form):
    """Several registered opinions of the user's scope, one unit (its exact name or id). Without ``confirmed``
    the page shows what would be done; with it, every opinion is assigned or none."""

    opinions = forms.ModelMultipleChoiceField(
        queryset=Opinion.objects.none(),
        error_messages={
            "required": _("Select the opinions to assign."),
            "invalid_choice": _("One of the selected opinions is not in your area any more."),
        },
    )
    unit = forms.CharField(label=_("Responsible unit"), max_length=100)
    confirmed = forms.BooleanField(required=False)
    back = forms.CharField(required=False, max_length=2000)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["opinions"].queryset = selectors.opinion_worklist(user=user).order_by("received_at", "id")
        self.fields["unit"].error_messages["required"] = _("Choose the responsible unit.")

    def clean_unit(self):
        try:
            return services.resolve_unit(self.cleaned_data["unit"])
        except Invalid as exc:
            raise forms.ValidationError(exc.messages()) from None
