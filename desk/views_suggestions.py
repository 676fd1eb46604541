"""Pages of deputies' suggestions (代表建议) and their supervision (督办) under /desk/suggestions/.

The work list, filing, the detail page with the timeline, and one POST address per action, each guarded by the
action's permission of ``core.access.PERMISSIONS`` (a role that may not act: 403). Every suggestion is looked
up among those the user may open (``suggestions.selectors.visible_suggestions``: elsewhere, 404); the services
check the rules again. Bad input re-renders the page with the form's errors (400); an action the suggestion's
status does not allow re-renders it with the message (409).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from core.access import STATION_ROLES, Role, effective_role, has_permission
from core.errors import Conflict
from core.pages import requires
from deputies.models import Deputy
from stations.models import Station
from suggestions import selectors, services
from suggestions.forms import (
    AnswerForm,
    AssessForm,
    AssignForm,
    CloseForm,
    CosignForm,
    ExtendForm,
    SuggestionForm,
    SuperviseForm,
    WorklistFilterForm,
    apply_service,
)
from suggestions.models import Suggestion

PAGE_SIZE = 25
MAIN_ACTIONS = ("assign", "answer", "assess")  # the step a suggestion waits for: its form is open on arrival
STAFF_TABS = {"": gettext_lazy("All"), "overdue": gettext_lazy("Overdue"), "supervised": gettext_lazy("Supervised")}
DEPUTY_TABS = {"": gettext_lazy("Mine (lead or co-signed)"), "cosign": gettext_lazy("Open for co-signing")}


def _own_deputy(user) -> Deputy | None:
    return Deputy.objects.filter(user=user).first() if effective_role(user) == Role.DEPUTY else None


# --- the work list ----------------------------------------------------------------------------------------------


@requires("suggestion.worklist")
@require_safe
def suggestion_list(request):
    """The suggestions of the user's scope (a deputy: the ones they lead or co-signed), filtered and paged."""
    user = request.user
    is_deputy = effective_role(user) == Role.DEPUTY
    tabs = DEPUTY_TABS if is_deputy else STAFF_TABS
    tab = request.GET.get("tab", "")
    if tab not in tabs:
        tab = ""
    base = selectors.worklist_base(user, tab=tab)
    # The filters' choices come from every suggestion the user may open, so switching tabs keeps them valid.
    visible = selectors.visible_suggestions(user).order_by()
    years = sorted(set(visible.values_list("year", flat=True).distinct()), reverse=True)
    stations = Station.objects.filter(pk__in=visible.values("station")).order_by("code")
    filters = {key: value for key, value in request.GET.items() if key not in ("tab", "page")}
    form = WorklistFilterForm(filters or None, years=years, stations=stations)
    status = 200
    queryset = base
    if form.is_bound:
        if form.is_valid():
            queryset = selectors.filter_worklist(base, **form.cleaned_data)
        else:
            queryset, status = base.none(), 400
    page = Paginator(selectors.worklist_rows(queryset, tab=tab), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "form": form,
        "tab": tab,
        "tabs": tabs,
        "counts": None if is_deputy else selectors.worklist_tab_counts(user),
        "filtered": form.is_bound,
    }
    return render(request, "desk/suggestions/list.html", context, status=status)


# --- filing and editing -----------------------------------------------------------------------------------------


def _form_choices(user, *, lead: Deputy | None = None) -> dict:
    """The pickers of the filing form for this user: who may lead it, which stations, which co-signers."""
    role = effective_role(user)
    stations = Station.objects.active().for_user(user).order_by("code")
    co_signers = selectors.county_deputies(user)
    if lead is not None:
        co_signers = co_signers.exclude(pk=lead.pk)
    if role == Role.DEPUTY:
        leads = None
    elif role in STATION_ROLES:
        leads = selectors.station_residents(stations)
    else:
        leads = selectors.county_deputies(user)
    return {
        "leads": leads,
        "stations": stations,
        "co_signers": co_signers,
        "station_required": role in STATION_ROLES,
    }


@requires("suggestion.file")
@require_http_methods(["GET", "POST"])
def suggestion_new(request):
    """A deputy files a suggestion as its lead deputy; station staff file for a deputy of their station, county
    staff for any deputy of the county."""
    user = request.user
    own = _own_deputy(user)
    if effective_role(user) == Role.DEPUTY and own is None:
        raise PermissionDenied
    choices = _form_choices(user, lead=own)
    initial = {}
    stations = list(choices["stations"][:2])
    if own is not None or len(stations) == 1:
        initial["station"] = stations[0] if stations else None
    form = SuggestionForm(request.POST or None, initial=initial, **choices)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            suggestion = apply_service(
                form,
                lambda: services.suggestion_file(
                    lead_deputy=own or data.get("lead_deputy"),
                    title=data["title"],
                    content=data["content"],
                    category=data["category"],
                    topics=data["topics"],
                    station=data["station"],
                    co_signers=data["co_signers"],
                    by=user,
                ),
            )
            if suggestion is not None:
                messages.success(request, _("Suggestion %(number)s filed.") % {"number": suggestion.number})
                return redirect("desk:suggestion", pk=suggestion.pk)
    return render(request, "desk/suggestions/form.html", {"form": form, "suggestion": None, "own": own}, status=status)


@requires("suggestion.edit")
@require_http_methods(["GET", "POST"])
def suggestion_edit(request, pk):
    """The lead deputy (or the station's or county staff) change a suggestion until it is assigned."""
    user = request.user
    suggestion = selectors.suggestion_page(user=user, pk=pk)
    own = _own_deputy(user)
    if own is not None and own.pk != suggestion.lead_deputy_id:
        raise PermissionDenied(_("Only the lead deputy edits the suggestion."))
    if suggestion.status != Suggestion.Status.FILED:
        return _detail(
            request,
            suggestion,
            error=_("The suggestion is %(status)s: it can no longer be edited.")
            % {"status": suggestion.get_status_display()},
            status=409,
        )
    choices = _form_choices(user, lead=suggestion.lead_deputy)
    choices["leads"] = None  # the lead deputy stays
    initial = {
        "title": suggestion.title,
        "content": suggestion.content,
        "category": suggestion.category,
        "topics": suggestion.topics,
        "station": suggestion.station,
        "co_signers": list(suggestion.co_signers.all()),
    }
    form = SuggestionForm(request.POST or None, initial=initial, **choices)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                done = apply_service(
                    form,
                    lambda: services.suggestion_edit(
                        suggestion=suggestion,
                        title=data["title"],
                        content=data["content"],
                        category=data["category"],
                        topics=data["topics"],
                        station=data["station"],
                        co_signers=data["co_signers"],
                        by=user,
                    ),
                )
            except Conflict as exc:
                return _detail(request, suggestion, error=exc.message, status=409)
            if done is not None:
                messages.success(request, _("Suggestion saved."))
                return redirect("desk:suggestion", pk=suggestion.pk)
    return render(
        request, "desk/suggestions/form.html", {"form": form, "suggestion": suggestion, "own": own}, status=status
    )


# --- the detail page and its actions ------------------------------------------------------------------------


def available_actions(suggestion: Suggestion, user) -> list[str]:
    """The actions ``user`` may take on ``suggestion`` now (the forms the detail page shows)."""
    role = effective_role(user)
    own = _own_deputy(user)
    actions = []
    if suggestion.status == Suggestion.Status.FILED:
        if has_permission(user, "suggestion.edit") and (own is None or own.pk == suggestion.lead_deputy_id):
            actions.append("edit")
        if (
            own is not None
            and has_permission(user, "suggestion.cosign")
            and own.pk != suggestion.lead_deputy_id
            and all(d.pk != own.pk for d in suggestion.co_signers.all())
        ):
            actions.append("cosign")
    for action in services.WORKFLOW.allowed_actions(status=suggestion.status, user=user):
        if action == "assess" and role == Role.DEPUTY and (own is None or own.pk != suggestion.lead_deputy_id):
            continue
        if action == "supervise" and suggestion.supervised and suggestion.supervision_activity_id:
            continue  # supervised and tied to its activity: nothing left to do
        actions.append(action)
    return actions


def _action_form(action: str, user, data=None):
    auto_id = f"{action}-%s"
    if action == "supervise":
        return SuperviseForm(data, activities=selectors.supervision_activities(user), auto_id=auto_id)
    return FORMS[action](data, auto_id=auto_id)


def _detail(request, suggestion: Suggestion, *, bound=None, error: str = "", status: int = 200):
    """The detail page; ``bound`` is the (action, form) the user just posted with errors."""
    user = request.user
    actions = available_actions(suggestion, user)
    forms = {a: _action_form(a, user) for a in actions if a in FORMS}
    if bound is not None:
        forms[bound[0]] = bound[1]
    events = list(suggestion.events.all())
    # The extension's reason is shown while the deadline in force is the extended one (a return resets it).
    setting = [e.action for e in events if e.action in ("assign", "extend", "return")]
    extended = bool(setting) and setting[-1] == "extend" and bool(suggestion.extension_reason)
    extend_latest = None
    if suggestion.assigned_on:
        extend_latest = services.add_months(suggestion.assigned_on, services.MAX_EXTENSION_MONTHS)
    context = {
        "suggestion": suggestion,
        "events": events,
        "extended": extended,
        "co_signers": list(suggestion.co_signers.all()),
        "action_items": [(action, forms.get(action)) for action in actions],
        "open_action": bound[0] if bound is not None else next((a for a in MAIN_ACTIONS if a in actions), ""),
        "error": error,
        "extend_latest": extend_latest,
        "is_lead": (own := _own_deputy(user)) is not None and own.pk == suggestion.lead_deputy_id,
    }
    return render(request, "desk/suggestions/detail.html", context, status=status)


@requires("suggestion.worklist")
@require_safe
def suggestion_detail(request, pk):
    return _detail(request, selectors.suggestion_page(user=request.user, pk=pk))


FORMS = {
    "cosign": CosignForm,
    "assign": AssignForm,
    "extend": ExtendForm,
    "answer": AnswerForm,
    "assess": AssessForm,
    "supervise": SuperviseForm,
    "close": CloseForm,
}

# The service each action calls with the form's cleaned data.
CALLS = {
    "cosign": lambda s, d, by: services.suggestion_cosign(suggestion=s, by=by),
    "assign": lambda s, d, by: services.suggestion_assign(suggestion=s, unit=d["unit"], by=by),
    "extend": lambda s, d, by: services.suggestion_extend(
        suggestion=s, deadline=d["deadline"], reason=d["reason"], by=by
    ),
    "answer": lambda s, d, by: services.suggestion_answer(
        suggestion=s, answer_class=d["answer_class"], answer=d["answer"], on=d.get("answered_on"), by=by
    ),
    "assess": lambda s, d, by: services.suggestion_assess(
        suggestion=s, assessment=d["assessment"], note=d.get("note", ""), by=by
    ),
    "supervise": lambda s, d, by: services.suggestion_supervise(suggestion=s, activity=d.get("activity"), by=by),
    "close": lambda s, d, by: services.suggestion_close(suggestion=s, reason=d.get("reason", ""), by=by),
}

DONE = {
    "cosign": gettext_lazy("You co-signed the suggestion."),
    "assign": gettext_lazy("Assigned to %(unit)s."),
    "extend": gettext_lazy("The deadline is now %(deadline)s."),
    "answer": gettext_lazy("The unit's answer is recorded."),
    "assess": gettext_lazy("The assessment is recorded."),
    "return": gettext_lazy("Not satisfied: the suggestion goes back to the unit, deadline %(deadline)s."),
    "supervise": gettext_lazy("The suggestion is under supervision."),
    "close": gettext_lazy("The suggestion is closed."),
}


def _done_message(action: str, suggestion: Suggestion) -> str:
    if action == "assess" and suggestion.status == Suggestion.Status.ASSIGNED:
        action = "return"
    return str(DONE[action]) % {
        "unit": suggestion.unit.name if suggestion.unit_id else "",
        "deadline": suggestion.deadline.isoformat() if suggestion.deadline else "",
    }


def _action_view(action: str, permission: str):
    """The POST address of one action, guarded by its permission."""

    def view(request, pk):
        user = request.user
        suggestion = selectors.suggestion_page(user=user, pk=pk)
        form = _action_form(action, user, request.POST)
        if form.is_valid():
            try:
                result = apply_service(form, lambda: CALLS[action](suggestion, form.cleaned_data, user))
            except Conflict as exc:
                return _detail(request, suggestion, error=exc.message, status=409)
            if result is not None:
                messages.success(request, _done_message(action, result))
                return redirect("desk:suggestion", pk=suggestion.pk)
        return _detail(request, suggestion, bound=(action, form), status=400)

    view.__name__ = view.__qualname__ = f"suggestion_{action}"
    view.__doc__ = f"POST: the {action!r} action of a suggestion (permission {permission!r})."
    return requires(permission)(require_POST(view))


ACTION_PERMISSIONS = {
    "cosign": services.BEFORE_ASSIGNMENT.steps["cosign"].permission,
    **{action: step.permission for action, step in services.WORKFLOW.steps.items()},
}
suggestion_cosign = _action_view("cosign", ACTION_PERMISSIONS["cosign"])
suggestion_assign = _action_view("assign", ACTION_PERMISSIONS["assign"])
suggestion_extend = _action_view("extend", ACTION_PERMISSIONS["extend"])
suggestion_answer = _action_view("answer", ACTION_PERMISSIONS["answer"])
suggestion_assess = _action_view("assess", ACTION_PERMISSIONS["assess"])
suggestion_supervise = _action_view("supervise", ACTION_PERMISSIONS["supervise"])
suggestion_close = _action_view("close", ACTION_PERMISSIONS["close"])
