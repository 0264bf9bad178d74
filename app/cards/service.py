from typing import Any

from sqlmodel import Session, select


def title_of(session: Session, model: Any, slug: str) -> str | None:
    """The title of an item in any state, for pages about items no longer published."""
    return session.exec(select(model.title).where(model.slug == slug)).first()
