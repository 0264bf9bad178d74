"""An item past its review date carries `evidence_may_be_outdated`, derived when read."""

from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session

from app.seeding.loader import load_seed
from tests.conftest import serving
from tests.helpers import walk
from tests.test_seed_loader import edit_seed

OUTDATED = "evidence_may_be_outdated"


def test_overdue_review_is_shown_and_filterable(scratch_engine: Engine, seed_copy: Path) -> None:
    overdue: dict[str, str] = {}

    def make_first_overdue(items: list[dict[str, Any]]) -> None:
        items[0]["last_reviewed_on"] = "2019-01-01"
        items[0]["next_review_due"] = "2020-01-01"
        overdue["slug"] = items[0]["slug"]

    edit_seed(seed_copy, "recommendations", make_first_overdue)
    with Session(scratch_engine) as session:
        load_seed(session, seed_copy)
        session.commit()

    with serving(scratch_engine) as client:
        listed = walk(client, f"/v1/recommendations?caveat_kind={OUTDATED}&limit=100")
        assert [item["slug"] for item in listed] == [overdue["slug"]]
        detail = client.get(listed[0]["url"]).json()
        assert OUTDATED in {caveat["kind"] for caveat in detail["caveats"]}
        assert detail["review"]["next_review_due"] == "2020-01-01"
        others = walk(client, "/v1/recommendations?limit=100")
        for item in others:
            if item["slug"] != overdue["slug"]:
                details = client.get(item["url"]).json()
                assert OUTDATED not in {caveat["kind"] for caveat in details["caveats"]}
