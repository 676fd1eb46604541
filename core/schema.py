"""OpenAPI: an endpoint whose ``core.api.Allowed`` permission leaves the method open (public fields, the
anonymous opinion form) is documented as usable without signing in; every operation documents the error
answers ``core.api.exception_handler`` gives (400 field errors, 401/403/404/409/429 ``{"detail": ...}``)."""

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import ResolvedComponent
from rest_framework import permissions, serializers

# DRF writes times as "09:00:00" (no offset), which JSON Schema's "time" format (RFC 3339 full-time) refuses.
TIME_SCHEMA = {
    "type": "string",
    "pattern": r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]{1,6})?)?$",
    "example": "09:00:00",
}

# {"detail": "...", "code": "..."} (DRF's errors, core.errors.DomainError); ``detail`` is a list when a Django
# ValidationError without fields is turned into a 400.
ERROR_SCHEMA = {
    "type": "object",
    "properties": {
        "detail": {"oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]},
        "code": {"type": "string"},
    },
    "additionalProperties": {},
}
# 400: field errors ({"field": ["message"], "non_field_errors": [...]}, nested for nested fields), a domain
# error's {"detail", "code"}, or a bare list of messages.
VALIDATION_ERROR_SCHEMA = {
    "oneOf": [
        {"type": "object", "additionalProperties": {}},
        {"type": "array", "items": {}},
    ]
}
ERROR_RESPONSES = {
    "400": ("ValidationError", VALIDATION_ERROR_SCHEMA, "Invalid input: field errors, or a rule of the domain"),
    "401": ("Error", ERROR_SCHEMA, "Not signed in, or the token is invalid or expired"),
    "403": ("Error", ERROR_SCHEMA, "The caller's role or scope does not allow this"),
    "404": ("Error", ERROR_SCHEMA, "Not found, outside the caller's scope, or an invalid page cursor"),
    "409": ("Error", ERROR_SCHEMA, "Conflicts with the record's state"),
    "429": ("Error", ERROR_SCHEMA, "Too many requests"),
}
WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


class Schema(AutoSchema):
    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        for code, (name, schema, description) in ERROR_RESPONSES.items():
            if code == "409" and self.method not in WRITE_METHODS:
                continue
            component = ResolvedComponent(name=name, type=ResolvedComponent.SCHEMA, object=name, schema=schema)
            self.registry.register_on_missing(component)
            documented = responses.get(code)
            if documented is None:
                responses[code] = {
                    "content": {"application/json": {"schema": component.ref}},
                    "description": description,
                }
            elif "content" not in documented:  # described without a body: the body is the generic error
                documented["content"] = {"application/json": {"schema": component.ref}}
            else:  # a view's own error body, or the generic one (a parse error, the control-character guard)
                json = documented["content"].get("application/json")
                if json and json.get("schema") and json["schema"] != component.ref:
                    json["schema"] = {"anyOf": [json["schema"], component.ref]}
        return responses

    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        if isinstance(field, serializers.TimeField):
            schema = dict(TIME_SCHEMA)
            if field.allow_null:
                schema["nullable"] = True
            return schema
        if isinstance(field, serializers.ChoiceField) and field.read_only and not field.allow_blank:
            # DRF drops allow_blank from read-only model fields, yet a blank=True choice reads back as ""
            model_field = _model_field(field)
            if model_field is not None and model_field.blank:
                field.allow_blank = True
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        if isinstance(field, serializers.FileField) and direction == "response":
            schema["nullable"] = True  # DRF writes an empty file or picture as null
        return schema

    def get_auth(self):
        auths = super().get_auth()
        if {} not in auths and self._open_to_anonymous():
            auths.append({})
        return auths

    def _open_to_anonymous(self) -> bool:
        declared = [getattr(p, "names", None) for p in self.view.get_permissions()]
        if not declared or any(names is None for names in declared):
            return False
        action = getattr(self.view, "action", None)
        for names in declared:
            if action in names and action not in ("read", "write"):
                needed = names[action]
            else:
                needed = names["read"] if self.method in permissions.SAFE_METHODS else names["write"]
            if needed is not None:
                return False
        return True


def _model_field(field):
    model = getattr(getattr(field.parent, "Meta", None), "model", None)
    if model is None or not field.source or "." in field.source:
        return None
    try:
        return model._meta.get_field(field.source)
    except Exception:  # noqa: BLE001 - not a model field (a property, an annotation)
        return None
