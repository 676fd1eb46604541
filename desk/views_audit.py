"""The audit trail page for county staff and administrators (/desk/audit/)."""

from django import forms
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from core.forms import BootstrapMixin
from core.pages import requires

from .audit import audit_trail


class AuditFilterForm(BootstrapMixin, forms.Form):
    KINDS = [("", _("Everything")), ("change", _("Changes to records")), ("unmask", _("Unmasking")),
             ("sign_in", _("Failed sign-ins"))]  # fmt: skip
    kind = forms.ChoiceField(label=_("What"), choices=KINDS, required=False)
    since = forms.DateField(label=_("From (date)"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=_("To (date)"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    who = forms.CharField(label=_("Who (account or name)"), max_length=50, required=False)
    text = forms.CharField(label=_("Reason contains"), max_length=100, required=False)


@requires("audit.view")
def audit_page(request):
    form = AuditFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    entries = audit_trail(user=request.user, limit=100, **{k: v for k, v in filters.items() if v})
    return render(request, "desk/audit/list.html", {"form": form, "entries": entries})
