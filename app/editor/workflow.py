"""The editorial workflow as data: which status may follow which, and the scope each step needs.

Writing, sending for review and flagging for update need `content:write`; whatever makes
content public or takes it down (publishing, withdrawing, reinstating, taking a public item back
into review) needs `content:publish`, and so does changing the content of an item the public
already sees.
"""

from app.evidence.vocabulary import PUBLIC_STATUSES, Status
from app.keys.scopes import Scope

TRANSITIONS: dict[Status, dict[Status, Scope]] = {
    Status.draft: {Status.in_review: Scope.content_write, Status.withdrawn: Scope.content_publish},
    Status.in_review: {
        Status.draft: Scope.content_write,
        Status.published: Scope.content_publish,
        Status.withdrawn: Scope.content_publish,
    },
    Status.published: {
        Status.needs_update: Scope.content_write,
        Status.withdrawn: Scope.content_publish,
    },
    Status.needs_update: {
        Status.published: Scope.content_publish,
        # Back into review takes it off the site, as a withdrawal does.
        Status.in_review: Scope.content_publish,
        Status.withdrawn: Scope.content_publish,
    },
    Status.withdrawn: {Status.draft: Scope.content_publish},
}


def transition_scope(current: Status, target: Status) -> Scope | None:
    """The scope a step from `current` to `target` needs; None when the step is not allowed."""
    return TRANSITIONS[current].get(target)


def allowed_next(current: Status) -> list[Status]:
    return list(TRANSITIONS[current])


def edit_scope(current: Status) -> Scope | None:
    """The scope changing an item's content needs in this status; None when it cannot change
    (a withdrawn item is reinstated as a draft first)."""
    if current is Status.withdrawn:
        return None
    return Scope.content_publish if current in PUBLIC_STATUSES else Scope.content_write
