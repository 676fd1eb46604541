"""Refuse at the edge what no field of the portal may hold: NUL bytes and other control characters.

A NUL byte in a query string or a form field would reach PostgreSQL ("A string literal cannot contain NUL")
as a 500. This middleware answers 400 before any view runs: JSON for the API, a page in the reader's
language otherwise. Tabs and line breaks stay allowed in bodies (text areas); none is allowed in the path or
the query string.
"""

from __future__ import annotations

import re
from urllib.parse import unquote

from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
CONTROL_IN_URL = re.compile(r"[\x00-\x1f\x7f]")
ESCAPED_CONTROL = re.compile(r"\\u00(?:0[0-8bcefBCEF]|1[0-9a-fA-F])|\\u007[fF]")
JSON_SCAN_LIMIT = 5 * 1024 * 1024


def _bad(request, message: str):
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=400)
    return render(request, "bad_request.html", {"errors": {"": [message]}}, status=400)


class RejectControlCharactersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        message = self._problem(request)
        if message:
            return _bad(request, message)
        return self.get_response(request)

    def _problem(self, request) -> str:
        query = request.META.get("QUERY_STRING", "")
        if CONTROL_IN_URL.search(request.path) or "%00" in query or CONTROL_IN_URL.search(unquote(query)):
            return _("The address contains characters that are not allowed.")
        content_type = request.content_type or ""
        if request.method in ("POST", "PUT", "PATCH", "DELETE"):
            if content_type == "application/json":
                length = int(request.META.get("CONTENT_LENGTH") or 0)
                if 0 < length <= JSON_SCAN_LIMIT:
                    body = request.body.decode("utf-8", "replace")
                    if CONTROL.search(body) or ESCAPED_CONTROL.search(body):
                        return _("The request contains characters that are not allowed.")
            elif content_type == "application/x-www-form-urlencoded" or content_type.startswith("multipart/"):
                for values in request.POST.lists():
                    if any(CONTROL.search(str(v)) for v in values[1]):
                        return _("The form contains characters that are not allowed.")
        return ""


class PermissionsPolicyMiddleware:
    """Send the Permissions-Policy header (settings.PERMISSIONS_POLICY) on every response that has none yet."""

    def __init__(self, get_response):
        from django.conf import settings

        self.get_response = get_response
        self.policy = getattr(settings, "PERMISSIONS_POLICY", "")

    def __call__(self, request):
        response = self.get_response(request)
        if self.policy and "Permissions-Policy" not in response:
            response["Permissions-Policy"] = self.policy
        return response
