from datetime import datetime, timedelta
from typing import Annotated, Self

from pydantic import BaseModel, Field, model_validator

from app.core.pagination import Page
from app.core.types import utcnow
from app.core.urls import Link
from app.evidence.schemas import SLUG_PATTERN as NAME_PATTERN
from app.evidence.schemas import InputModel, Timestamp
from app.keys.scopes import Scope
from app.keys.service import known_scopes
from app.models import ApiKey

MAX_DAYS = 3650
KeyName = Annotated[
    str,
    Field(
        pattern=NAME_PATTERN,
        max_length=100,
        description="Unique name of the key: the client that holds it, in lowercase words"
        " joined by hyphens.",
        examples=["cms-production"],
    ),
]
_EXAMPLE_TIME = "2026-12-04T09:30:00Z"


class ApiKeyCreate(InputModel):
    name: KeyName
    scopes: list[Scope] = Field(
        min_length=1,
        description="What the key may do: `content:write`, `content:publish`, `keys:admin`,"
        " `webhooks:admin`.",
        examples=[["content:write"]],
    )
    expires_at: Timestamp | None = Field(
        default=None,
        description="When the key stops working; never if neither this nor"
        " `expires_in_days` is given.",
    )
    expires_in_days: int | None = Field(
        default=None,
        ge=1,
        le=MAX_DAYS,
        description="Days from now until the key stops working; instead of `expires_at`.",
        examples=[90],
    )

    @model_validator(mode="after")
    def one_expiry_in_the_future(self) -> Self:
        if self.expires_at is not None and self.expires_in_days is not None:
            raise ValueError("give expires_at or expires_in_days, not both")
        if self.expires_at is not None and self.expires_at <= utcnow():
            raise ValueError("expires_at must be in the future")
        return self

    def expiry(self) -> datetime | None:
        if self.expires_in_days is not None:
            return utcnow() + timedelta(days=self.expires_in_days)
        return self.expires_at


class ApiKeyPublic(BaseModel):
    """An API key as listed: never the key nor its hash."""

    name: str = Field(examples=["cms-production"])
    prefix: str = Field(
        description="The key's public prefix, `gbk_<prefix>_...`, to recognise it by.",
        examples=["k3x9q2vd"],
    )
    scopes: list[Scope] = Field(examples=[["content:write"]])
    created_at: datetime = Field(examples=[_EXAMPLE_TIME])
    expires_at: datetime | None = Field(
        description="When the key stops working; null if never.", examples=[None]
    )
    revoked_at: datetime | None = Field(
        description="When the key was revoked; null while it is not.", examples=[None]
    )
    last_used_at: datetime | None = Field(
        description="When the key last authenticated a request, to the minute; null if never.",
        examples=[None],
    )
    url: Link = Field(
        description="The key's URL.",
        examples=["http://127.0.0.1:8000/v1/editor/keys/cms-production"],
    )


class ApiKeyIssued(ApiKeyPublic):
    """A new API key, with the key itself: shown this once, stored nowhere."""

    key: str = Field(
        description="Send as `Authorization: Bearer <key>`. It cannot be shown again: store it"
        " now, or revoke the key and create another.",
        examples=["gbk_k3x9q2vd_qbZl7mQyRk2c1Xo9VtT0eH4sFj8NwPaL5gUdYiC3Ez6"],
    )


class ApiKeyPage(Page[ApiKeyPublic]):
    pass


def key_fields(row: ApiKey, url: str) -> dict[str, object]:
    return {
        "name": row.name,
        "prefix": row.prefix,
        "scopes": known_scopes(row),
        "created_at": row.created_at,
        "expires_at": row.expires_at,
        "revoked_at": row.revoked_at,
        "last_used_at": row.last_used_at,
        "url": url,
    }
