"""The opinion work list of street and county staff (/desk/opinions/): every opinion of the user's scope, open,
closed and rejected, filtered by the query string (so a link, e.g. the dashboard's overdue list, carries its
filters), searched, sorted and paged in a fixed number of queries; and bulk assignment to one unit.

Bulk assignment is *all or nothing*: each selected opinion goes through ``services.opinion_transition`` (action
``assign``) inside one transaction; if any of them cannot be assigned, none is, and the page lists which ones
failed and why. The unit is typed or picked by name (a datalist of the units of the user's county) and the
page names it and the opinions before anything is saved."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.http import QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from core.access import has_permission
from core.errors import DomainError
from core.pages import requires
from visits import selectors, services
from visits.models import OpinionStatus

from .forms_opinions import BulkAssignForm, OpinionWorklistFilter

PAGE_SIZE = 50


def list_url(query: str = "") -> str:
    """The work list with a query string (re-encoded, so only its parameters come through)."""
    query = QueryDict(query or "").urlencode()
    return reverse("desk:opinion-list") + (f"?{query}" if query else "")


@requires("opinion.worklist")
def opinion_list(request):
    user = request.user
    worklist = OpinionWorklistFilter(request.GET, queryset=selectors.opinion_worklist(user=user), request=request)
    page = Paginator(worklist.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    can_assign = has_permission(user, "opinion.assign")
    rows = list(page.object_list)
    for opinion in rows:
        opinion.assignable = can_assign and opinion.status == OpinionStatus.REGISTERED
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "desk/opinions/list.html",
        {
            "worklist": worklist,
            "form": worklist.form,
            "page": page,
            "rows": rows,
            "can_assign": can_assign,
            "any_assignable": any(o.assignable for o in rows),
            "units": list(selectors.responsible_units(user=user)) if can_assign else [],
            "back": query.urlencode(),
            "statuses": OpinionStatus.choices,
        },
    )


def _not_registered(opinion) -> str:
    if opinion.status == OpinionStatus.REGISTERED:
        return ""
    return _("Not registered: it cannot be assigned.")


def _assign_all(*, opinions, unit, by) -> dict[int, str]:
    """Assign every opinion to ``unit`` or none: the failures by opinion id (empty when all were assigned)."""
    failures: dict[int, str] = {}
    with transaction.atomic():
        for opinion in opinions:
            try:
                with transaction.atomic():
                    services.opinion_transition(opinion=opinion, action="assign", by=by, unit=unit.pk)
            except DomainError as exc:
                failures[opinion.pk] = " ".join(exc.messages())
        if failures:
            transaction.set_rollback(True)
    return failures


@requires("opinion.assign")
@require_POST
def opinion_bulk_assign(request):
    """Step 1 (no ``confirmed``): name the unit and the selected opinions. Step 2: assign them all, or none."""
    form = BulkAssignForm(request.POST, user=request.user)
    back = request.POST.get("back", "")
    form.is_valid()
    if "opinions" in form.errors:
        for error in form.errors["opinions"]:
            messages.error(request, error)
        return redirect(list_url(back))
    opinions = list(form.cleaned_data["opinions"])
    context = {
        "form": form,
        "opinions": opinions,
        "unit": form.cleaned_data.get("unit"),
        "units": list(selectors.responsible_units(user=request.user)),
        "back": QueryDict(back).urlencode(),
        "back_url": list_url(back),
        "not_registered": [o for o in opinions if o.status != OpinionStatus.REGISTERED],
    }
    if form.errors or not form.cleaned_data["confirmed"]:
        context["rows"] = [(o, _not_registered(o)) for o in opinions]
        return render(request, "desk/opinions/bulk_confirm.html", context, status=400 if form.errors else 200)
    unit = form.cleaned_data["unit"]
    failures = _assign_all(opinions=opinions, unit=unit, by=request.user)
    if failures:
        context["failures"] = failures
        context["rows"] = [(o, failures.get(o.pk, "")) for o in opinions]
        return render(request, "desk/opinions/bulk_confirm.html", context, status=409)
    messages.success(
        request,
        ngettext("%(n)d opinion assigned to %(unit)s.", "%(n)d opinions assigned to %(unit)s.", len(opinions))
        % {"n": len(opinions), "unit": unit.name},
    )
    return redirect(list_url(back))


def transition_confirmation(request, *, opinion, form, unit):
    """The page asking to confirm an assignment or reassignment naming the unit (posts without JavaScript)."""
    return render(
        request,
        "desk/opinions/transition_confirm.html",
        {"opinion": opinion, "action": form.cleaned_data["action"], "unit": unit, "params": form.params()},
    )
