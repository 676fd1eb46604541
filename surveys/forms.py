"""The ballot form of the year-end survey: one 4-point rating per question, plus the voter's phone online."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Rating

PHONE_WIDGET = forms.TextInput(
    attrs={
        "class": "form-control",
        "inputmode": "numeric",
        "autocomplete": "tel",
        "pattern": "1[3-9][0-9]{9}",
        "maxlength": "11",
    }
)


class BallotForm(forms.Form):
    """Fields ``q<id>`` (a radio group per question); the station's own question is required, a deputy may be
    skipped ("don't know"). Online ballots also ask for the phone number (checked, hashed, never stored)."""

    def __init__(self, *args, questions, with_phone: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions
        if with_phone:
            self.fields["phone"] = forms.CharField(
                label=_("Mobile phone number"),
                max_length=20,
                widget=PHONE_WIDGET,
                help_text=_("Only to allow one ballot per phone: it is stored as a salted hash, never in full."),
            )
        for question in questions:
            is_station = question.deputy_id is None
            label = (
                _("How satisfied are you with the work of this station?")
                if is_station
                else _("How satisfied are you with deputy %(name)s?") % {"name": question.deputy.name}
            )
            choices = list(Rating.choices)
            if not is_station:
                choices.append(("", _("Don't know")))
            self.fields[f"q{question.pk}"] = forms.ChoiceField(
                label=label,
                choices=choices,
                widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
                required=is_station,
            )

    def question_fields(self):
        return [self[f"q{q.pk}"] for q in self.questions]

    def ratings(self) -> dict[int, str]:
        return {q.pk: self.cleaned_data.get(f"q{q.pk}", "") for q in self.questions}
