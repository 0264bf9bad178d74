from typing import Annotated

from pydantic import BaseModel, Field

from app.core.urls import Link


class ContentLicense(BaseModel):
    """The licence of the service's own editorial text."""

    id: str = Field(description="SPDX license identifier.", examples=["CC-BY-4.0"])
    name: str = Field(examples=["Creative Commons Attribution 4.0 International"])
    url: Link = Field(description="Where the licence can be read.")


class Attribution(BaseModel):
    """What a republisher may do with this response and how to credit it: the same block in
    every public JSON response."""

    license: ContentLicense
    copyright_holder: str = Field(
        description="Who holds the copyright of the editorial text.",
        examples=["Gut-brain guidance"],
    )
    attribution_text: str = Field(
        description="The credit a republisher must show with the content, as it is.",
        examples=[
            "Contains guidance from Gut-brain guidance (https://api.example.org), licensed under"
            " Creative Commons Attribution 4.0 International"
            " (https://spdx.org/licenses/CC-BY-4.0.html)."
        ],
    )
    third_party_notice: str = Field(
        description="Quotes from source documents are their publishers' text, not under the"
        " licence."
    )


class ThirdPartyText(BaseModel):
    """Whose words a verbatim quote is: the source document's, under its publisher's terms,
    never under this service's licence."""

    document: str = Field(description="The document's title, as it states it.")
    author: str | None = Field(description="As the document states it; null if it does not.")
    publisher: str | None = Field(description="As the document states it; null if it does not.")
    url: Link | None = Field(description="Where the document was published, where known.")


Citation = Annotated[
    str,
    Field(
        description="A ready citation of this version of the item: publisher, title, version"
        " and date, URL.",
        examples=[
            "Gut-brain guidance. Breastfeed if you can. Version 3, updated 2026-12-03."
            " https://api.example.org/v1/recommendations/breastfeed"
        ],
    ),
]


class Attributed(BaseModel):
    """A response that carries the attribution block (a page, a result set): once, at the top."""

    attribution: Attribution
