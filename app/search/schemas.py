from enum import StrEnum

from pydantic import BaseModel, Field

from app.attribution.schemas import Attributed
from app.core.urls import Link
from app.evidence.public import Language


class SearchKind(StrEnum):
    recommendation = "recommendation"
    mechanism = "mechanism"
    study = "study"


class SearchResult(BaseModel):
    kind: SearchKind = Field(description="What the item is.", examples=["recommendation"])
    slug: str = Field(examples=["prioritise-sleep"])
    title: str = Field(examples=["Get enough sleep"])
    url: Link = Field(description="Absolute URL of the item.")
    snippet: str = Field(
        description="A passage of the item where the words matched: from its body where they"
        " occur there, otherwise its title. HTML: the text is escaped (`&amp;`, `&lt;`, `&gt;`,"
        " `&quot;`, `&#x27;`) and every matching word is wrapped in `<mark>` and `</mark>`, the"
        " only markup it carries; `…` stands for text left out.",
        examples=["<mark>Sleep</mark> is when the body and brain recover …"],
    )
    rank: float = Field(
        description="Relevance: higher is better. Results come in rank order; the numbers only"
        " compare results of one response (their scale depends on the database).",
        examples=[4.2],
    )
    language: Language


class SearchResults(Attributed):
    items: list[SearchResult] = Field(description="The best matches first.")
    terms: list[str] = Field(
        description="The words searched for: the query lowercased and split into words, with"
        " punctuation, operators and common words (the, of, and ...) left out. Empty when no"
        " word remains, and then so are the results.",
        examples=[["sleeping"]],
    )
