"""OpenAPI: an endpoint whose ``core.api.Allowed`` permission leaves the method open (public fields, the
anonymous opinion form) is documented as usable without signing in."""

from drf_spectacular.openapi import AutoSchema
from rest_framework import permissions


class Schema(AutoSchema):
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
