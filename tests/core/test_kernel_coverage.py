"""The kernel covers everything: every model that reaches a station has a scope rule, and every page and API
endpoint names its permission in the one table (``core.access.PERMISSIONS``). A new model or URL that forgets
fails here, not in production."""

import pytest
from django.apps import apps
from django.db import models
from django.urls import URLPattern, URLResolver, get_resolver

from core.access import PERMISSIONS, Role
from core.pages import PUBLIC

PROJECT_APPS = {
    "core",
    "accounts",
    "notices",
    "stations",
    "deputies",
    "activities",
    "surveys",
    "visits",
    "suggestions",
    "reports",
}

# Models that reach a station but are deliberately not scoped, each with the reason.
UNSCOPED = {
    "accounts.User": "accounts are managed by system administrators only (accounts.manage)",
    "stations.Area": "areas are scoped by the area path itself (AreaQuerySet.for_user)",
}

# URL names (or namespaces) outside the permission table, each with the reason.
EXEMPT_URLS = {
    "admin": "Django's admin: every ModelAdmin derives its rights from the table (core.admin)",
    "accounts": "sign-in and sign-out",
    "set_language": "Django's language switch",
    "api-token": "obtaining a token is how one signs in",
    "schema": "the OpenAPI schema",
    "api-docs": "the API's documentation page",
    "healthz": "liveness probe",
    "readyz": "readiness probe",
    "api-root": "DRF's router index",
}


def _reaches_station(model, depth=0, seen=None) -> bool:
    Station = apps.get_model("stations", "Station")
    if model is Station:
        return True
    if depth >= 2:
        return False
    seen = seen or set()
    for field in model._meta.get_fields():
        if not (field.is_relation and (field.many_to_one or field.one_to_one or field.many_to_many)):
            continue
        if field.auto_created and not field.concrete:
            continue  # reverse relations
        related = field.related_model
        if related is None or related in seen:
            continue
        if related is Station or _reaches_station(related, depth + 1, seen | {model}):
            return True
    return False


def project_models():
    return [m for m in apps.get_models() if m._meta.app_label in PROJECT_APPS and not m._meta.auto_created]


def test_every_model_that_reaches_a_station_has_a_scope_rule(django_user_model, db):
    county = django_user_model.objects.get(username="county")
    missing = []
    for model in project_models():
        label = model._meta.label
        if label in UNSCOPED or not _reaches_station(model):
            continue
        if hasattr(model, "instance_type") or model._meta.object_name.startswith("Historical"):
            # django-simple-history's versions: read only through visits.trail.record_trail (which requires
            # the record's station) and the audit page (audit.view, county staff and administrators)
            continue
        manager = model._default_manager
        if not hasattr(manager, "for_user") or not hasattr(model, "scope_lookup"):
            missing.append(label)
            continue
        str(manager.for_user(county).query)  # the lookup compiles: the path to the station exists
    assert not missing, f"models reaching a station without ScopedQuerySet + scope_lookup: {missing}"
    assert len([m for m in project_models() if _reaches_station(m)]) > 20  # the walk sees the domain


def test_the_walk_would_catch_an_unscoped_model():
    class Orphan(models.Model):  # noqa: DJ008 - a throwaway model
        station = models.ForeignKey("stations.Station", on_delete=models.CASCADE)

        class Meta:
            app_label = "stations"
            managed = False

    try:
        assert _reaches_station(Orphan) and not hasattr(Orphan._default_manager, "for_user")
    finally:
        apps.all_models["stations"].pop("orphan", None)
        apps.clear_cache()


def _walk(resolver, prefix="", namespace=""):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or namespace
            yield from _walk(entry, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), namespace, entry


def _permission_names(callback):
    """The table names a URL's view declares: a page's ``permission``, or an API view's ``Allowed`` classes."""
    if hasattr(callback, "permission"):
        return {callback.permission}
    view_class = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
    if view_class is None:
        return None
    names = set()
    for permission_class in getattr(view_class, "permission_classes", []):
        declared = getattr(permission_class, "names", None)
        if declared is None:
            return None  # a permission class that is not derived from the table
        names |= {name for name in declared.values() if name}
    return names or {PUBLIC}


def test_every_page_and_endpoint_names_its_permission_in_the_table():
    undeclared, unknown = [], []
    for route, namespace, pattern in _walk(get_resolver()):
        name = pattern.name or ""
        if namespace in EXEMPT_URLS or name in EXEMPT_URLS or route.lstrip("^").startswith("media/"):
            continue
        names = _permission_names(pattern.callback)
        if names is None:
            undeclared.append(f"{route} ({namespace}:{name})")
            continue
        unknown += [f"{route}: {n}" for n in names if n != PUBLIC and n not in PERMISSIONS]
    assert not undeclared, f"views without a permission from core.access.PERMISSIONS: {undeclared}"
    assert not unknown, f"permission names missing from the table: {unknown}"


def test_the_table_grants_only_roles_that_exist_and_every_role_can_do_something():
    granted = set()
    for name, roles in PERMISSIONS.items():
        assert roles and set(roles) <= set(Role), name
        granted |= set(roles)
    assert granted == set(Role)


@pytest.mark.parametrize("name", sorted(EXEMPT_URLS))
def test_exemptions_exist(name):
    """An exemption for a URL that no longer exists is dead weight: drop it."""
    seen = {n for _route, ns, p in _walk(get_resolver()) for n in (ns, p.name) if n}
    assert name in seen


def test_the_schema_says_which_endpoints_need_no_sign_in(api):
    """``core.schema``: an operation the table leaves open is documented with the empty security requirement."""
    import yaml

    schema = yaml.safe_load(api.get("/api/schema/").content)
    security = {
        (path, method): {next(iter(s), "") for s in op.get("security", [])}
        for path, ops in schema["paths"].items()
        for method, op in ops.items()
    }
    assert "" in security[("/api/v1/stations/", "get")]
    assert "" in security[("/api/v1/opinions/", "post")]  # the QR form's API
    assert "" not in security[("/api/v1/opinions/", "get")]
    assert "" not in security[("/api/v1/notices/", "get")]
