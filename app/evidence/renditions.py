"""The renditions of a recommendation: the same advice at three lengths, each with its rule.

A push notification shows a short tip, a card a summary, a page the full text (`statement`).
Whatever the length, a rendition says the advice no more and no less surely than its headline
certainty allows: it uses the hedge of that level (none at high certainty) and no hedge but that
one and the gut-brain rationale's, which a rendition may mention beside the advice.
"""

import re
from dataclasses import dataclass

from app.evidence.rules import wording_levels
from app.evidence.vocabulary import CERTAINTY_HEDGES, Certainty


@dataclass(frozen=True)
class Rendition:
    field: str
    label: str
    max_chars: int | None
    # The full text is whatever the statement says; only the short renditions are worded here
    # for their certainty, the statement's claims carry their own wording checks.
    hedged: bool


PUSH_TIP = Rendition("push_tip", "push-notification tip", 140, hedged=True)
CARD_SUMMARY = Rendition("card_summary", "card summary", 300, hedged=True)
FULL_TEXT = Rendition("statement", "full text", None, hedged=False)
RENDITIONS = (PUSH_TIP, CARD_SUMMARY, FULL_TEXT)

# Words that stand in for text not yet written; none reaches a reader.
PLACEHOLDERS = ("todo", "tbd", "lorem ipsum", "xxx")


def _placeholder_in(text: str) -> str | None:
    return next(
        (word for word in PLACEHOLDERS if re.search(rf"\b{word}\b", text, re.IGNORECASE)), None
    )


def rendition_problems(
    rendition: Rendition,
    text: str,
    certainty: Certainty,
    rationale_certainty: Certainty,
    shorter_than: int | None = None,
) -> list[str]:
    """What is wrong with one rendition of advice rated `certainty` (its gut-brain rationale
    `rationale_certainty`); `shorter_than`, where given, is the length of a rendition it must
    be shorter than."""
    name = rendition.label
    problems = []
    if not text.strip():
        return [f"the {name} is empty"]
    if rendition.max_chars is not None and len(text) > rendition.max_chars:
        problems.append(
            f"the {name} has {len(text)} characters; at most {rendition.max_chars} are allowed"
        )
    if shorter_than is not None and len(text) >= shorter_than:
        problems.append(f"the {name} is not shorter than the text it condenses")
    if (placeholder := _placeholder_in(text)) is not None:
        problems.append(f"the {name} holds the placeholder {placeholder!r}")
    if rendition.hedged:
        used = wording_levels(text)
        if certainty is not Certainty.high and certainty not in used:
            expected = " or ".join(repr(h) for h in CERTAINTY_HEDGES[certainty])
            problems.append(
                f"the {name} must word the advice at its {certainty} certainty: say {expected}"
            )
        if stray := sorted(used - {certainty, rationale_certainty}):
            levels = ", ".join(stray)
            problems.append(
                f"the {name} hedges at {levels}, but the advice is {certainty} and its gut-brain"
                f" rationale {rationale_certainty}: {text!r}"
            )
    return problems
