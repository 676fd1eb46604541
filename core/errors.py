"""The one family of expected failures. Services and selectors raise these (never ``rest_framework`` or
``Http404`` exceptions); ``core.api.exception_handler`` turns them into API answers and ``core.pages``
into pages, with the same status everywhere:

===============  ======  ==========================================================================
``Invalid``      400     bad input: a message, or field errors ``{"field": [message, ...]}``
``NotPermitted`` 403     the user's role may not do this, inside their area
``OutOfScope``   404     the record or station is outside the user's area: reported as not found
``Conflict``     409     the record's state does not allow it (a workflow action from a wrong status)
===============  ======  ==========================================================================
"""

from __future__ import annotations


class DomainError(Exception):
    """An expected failure of a service (a rule of the domain said no)."""

    status_code = 400
    default_code = "invalid"

    def __init__(self, message="", *, code: str | None = None, extra: dict | None = None, fields: dict | None = None):
        if isinstance(message, dict) and fields is None:  # Invalid({"field": "message"})
            fields, message = message, ""
        self.fields = {
            name: msgs if isinstance(msgs, list | tuple) else [msgs] for name, msgs in (fields or {}).items()
        }
        if not message and self.fields:
            message = next(iter(self.fields.values()))[0]
        super().__init__(message)
        self.message = message
        self.code = code or self.default_code
        self.extra = extra or {}

    def body(self) -> dict:
        """The JSON body the API answers with: field errors when there are any, else ``detail`` and ``code``."""
        if self.fields:
            return {name: [str(m) for m in msgs] for name, msgs in self.fields.items()}
        return {"detail": str(self.message), "code": self.code, **self.extra}

    def messages(self) -> list[str]:
        if self.fields:
            return [str(m) for msgs in self.fields.values() for m in msgs]
        return [str(self.message)]


class Invalid(DomainError):
    """Bad input (400): a message or field errors."""


class NotPermitted(DomainError):
    """The user's role may not do this (403), inside their area."""

    status_code = 403
    default_code = "forbidden"


class OutOfScope(DomainError):
    """The record or station is outside the user's area (404): never reported as forbidden."""

    status_code = 404
    default_code = "not_found"


class Conflict(DomainError):
    """The record's current state does not allow the operation (409), e.g. a workflow action from a wrong status;
    ``extra`` carries the allowed actions."""

    status_code = 409
    default_code = "conflict"


# The names the codebase grew up with.
ConflictError = Conflict
