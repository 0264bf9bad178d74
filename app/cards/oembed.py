"""oEmbed 1.0 (https://oembed.com): which card a URL names, and the iframe that embeds it.

Pure functions: the router supplies the public base URL and the item's title."""

import re
from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlsplit

from markupsafe import Markup, escape
from pydantic import Field

from app.attribution.schemas import Attributed
from app.cards.views import CardKind
from app.core.urls import Link
from app.evidence.schemas import SLUG_PATTERN

# Cards reflow between these widths; wider embeds get the widest card.
MIN_CARD_WIDTH = 280
MAX_CARD_WIDTH = 800
DEFAULT_WIDTH = 560
DEFAULT_HEIGHT = 560
MAX_REQUESTED_SIZE = 10_000
CACHE_AGE_SECONDS = 3600
_SLUG = SLUG_PATTERN.removeprefix("^").removesuffix("$")
_KINDS = "|".join(kind.value for kind in CardKind)
_ITEM_PATH = re.compile(rf"/(?:cards|v1)/(?P<kind>{_KINDS})/(?P<slug>{_SLUG})/?")


@dataclass(frozen=True)
class CardTarget:
    kind: CardKind
    slug: str


def card_target(url: str, public_base_url: str) -> CardTarget | None:
    """The card a URL names: a card page or an item's API URL on this provider's own base URL.
    Anything else, including other hosts and look-alike prefixes, names none."""
    try:
        given, base = urlsplit(url.strip()), urlsplit(public_base_url)
    except ValueError:
        return None
    if given.scheme.lower() != base.scheme.lower() or given.netloc.lower() != base.netloc.lower():
        return None
    prefix = base.path.rstrip("/")
    if given.username or given.password or not given.path.startswith(prefix + "/"):
        return None
    match = _ITEM_PATH.fullmatch(given.path.removeprefix(prefix))
    if match is None:
        return None
    return CardTarget(CardKind(match["kind"]), match["slug"])


def embed_size(maxwidth: int | None, maxheight: int | None) -> tuple[int, int]:
    """The iframe's size: the default card, never wider or taller than the consumer allows."""
    width = min(maxwidth or DEFAULT_WIDTH, MAX_CARD_WIDTH)
    height = min(maxheight or DEFAULT_HEIGHT, MAX_REQUESTED_SIZE)
    return width, height


def iframe(card_url: str, title: str, width: int, height: int) -> str:
    """The embed snippet. The card has no scripts, so the sandbox allows none; links open in a
    new tab."""
    return str(
        Markup(
            '<iframe src="{src}" width="{width}" height="{height}" title="{title}"'
            ' loading="lazy" referrerpolicy="no-referrer"'
            ' sandbox="allow-popups allow-popups-to-escape-sandbox"'
            ' style="border:0;max-width:100%"></iframe>'
        ).format(src=card_url, width=width, height=height, title=escape(f"{title}: guidance card"))
    )


class OEmbed(Attributed):
    """An oEmbed 1.0 `rich` response."""

    type: Literal["rich"] = Field(description="Always `rich`: the card is an HTML page.")
    version: Literal["1.0"]
    title: str
    provider_name: str
    provider_url: Link
    cache_age: int = Field(description="Seconds a consumer may cache this response.")
    html: str = Field(description="An iframe of the card page; embed it as it is.")
    width: int = Field(description="Width of the iframe in pixels, at most `maxwidth`.")
    height: int = Field(description="Height of the iframe in pixels, at most `maxheight`.")
