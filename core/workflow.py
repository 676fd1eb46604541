"""The one shape of a record's workflow (an opinion, a suggestion): a transition table of action → (the statuses
it may start from, the permission of ``core.access.PERMISSIONS`` it needs), and one function per action in the
owning app's services that changes the record under a row lock.

``check`` is called with the locked record's status, so two concurrent actions cannot both pass it: the second
sees the new status and gets a ``Conflict`` (409) that lists the actions its user may take now.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from .access import has_permission
from .errors import Conflict, Invalid, NotPermitted


@dataclass(frozen=True)
class Step:
    sources: tuple[str, ...]  # statuses the action may start from
    permission: str  # a name of core.access.PERMISSIONS


class Workflow:
    def __init__(self, steps: dict[str, Step], *, conflict_message, action_labels: dict | None = None):
        """``conflict_message``: a lazy text with ``%(action)s`` and ``%(status)s`` (the status's label), in the
        record's own words ("… while the opinion is %(status)s."); ``action_labels`` names the actions in it
        (default: the action's code)."""
        self.steps = steps
        self.conflict_message = conflict_message
        self.action_labels = action_labels or {}

    @property
    def actions(self) -> tuple[str, ...]:
        return tuple(self.steps)

    def actions_from(self, status: str) -> list[str]:
        """Actions the workflow allows from ``status``, whoever asks."""
        return [action for action, step in self.steps.items() if status in step.sources]

    def allowed_actions(self, *, status: str, user) -> list[str]:
        """Actions ``user`` may take from ``status`` (the record is assumed to be in the user's scope)."""
        return [a for a in self.actions_from(status) if has_permission(user, self.steps[a].permission)]

    def check(self, action: str, *, status: str, status_label: str, user) -> None:
        """Raise ``Invalid`` for an unknown action, ``Conflict`` when ``status`` does not allow it (listing the
        actions allowed now), ``NotPermitted`` when the user's role may not take it."""
        step = self.steps.get(action)
        if step is None:
            raise Invalid(
                {"action": _("Unknown action. Use one of: %(a)s.") % {"a": ", ".join(self.actions)}},
                code="unknown_action",
            )
        if status not in step.sources:
            raise Conflict(
                self.conflict_message % {"action": self.action_labels.get(action, action), "status": status_label},
                code="invalid_transition",
                extra={"status": status, "allowed_actions": self.allowed_actions(status=status, user=user)},
            )
        if not has_permission(user, step.permission):
            raise NotPermitted(_("Your role may not take this action."))
