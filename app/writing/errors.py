"""What a write refuses, for its caller to report as a seed error or a problem response."""

from app.evidence.checks import Path, Violation
from app.evidence.vocabulary import ItemKind


class ContentInvalid(Exception):
    """The item breaks content rules; each violation names the input field by its path."""

    def __init__(self, kind: ItemKind, slug: str, violations: list[Violation]) -> None:
        super().__init__("; ".join(str(violation) for violation in violations))
        self.kind, self.slug, self.violations = kind, slug, violations

    @classmethod
    def at(cls, kind: ItemKind, slug: str, path: Path, message: str) -> "ContentInvalid":
        return cls(kind, slug, [Violation(path, message)])


class StaleItem(Exception):
    """The item's version moved on since it was read: someone else wrote it first."""

    def __init__(self, kind: ItemKind, slug: str) -> None:
        super().__init__(f"{kind} {slug} changed since it was read")
        self.kind, self.slug = kind, slug
