"""Every filter on an index: serves each filtered list, search and detail once through the app,
records the SQL it ran, and has PostgreSQL EXPLAIN each statement with its parameters. A
sequential scan that filters a table of at least --min-rows rows down to under a fifth of them
fails the check (exit status 1); smaller tables (the content state, the three source
documents) are cheaper to scan than to look up, and the planner rightly scans them.

Run it on a PostgreSQL database loaded by bench/scale_dataset.py:

    .venv/bin/python bench/explain_plans.py --database-url postgresql+psycopg://.../db
"""

import argparse
import json
import os
import sys
from typing import Any

import sqlalchemy as sa

SELECTIVE = 0.2

URLS = [
    "/v1/recommendations?limit=50",
    "/v1/recommendations?life_stage=toddler",
    "/v1/recommendations?topic=physical_activity",
    "/v1/recommendations?min_certainty=moderate",
    "/v1/recommendations?strength=conditional",
    "/v1/recommendations?mechanism=serotonin",
    "/v1/recommendations?study=kramer-2001-probit-trial",
    "/v1/recommendations?caveat_kind=consult_professional",
    "/v1/recommendations?updated_since=2026-01-01T00:00:00Z",
    "/v1/recommendations?life_stage=toddler&min_certainty=low&limit=20",
    "/v1/recommendations/breastfeed",
    "/v1/mechanisms?pathway=scfa",
    "/v1/mechanisms?caveat_kind=consult_professional",
    "/v1/mechanisms/serotonin",
    "/v1/studies?design=prospective_cohort",
    "/v1/studies?caveat_kind=consult_professional",
    "/v1/studies/kramer-2001-probit-trial",
    "/v1/sources?source_type=news",
    "/v1/tips?life_stage=toddler&limit=20",
    "/v1/tips/daily",
    "/v1/search?q=serotonin",
    "/v1/search?q=PROBIT",
    "/v1/search?q=walking%20lentils&kind=recommendation",
    "/v1/changes?limit=100",
]


def seq_scans(plan: dict[str, Any], sizes: dict[str, int]) -> list[str]:
    """Tables scanned whole to keep a few of their rows (a filter the planner expects to keep
    under a fifth of them): what an index is for. Reading a table whole because most of it is
    wanted, or to hash-join it, is the planner's right call."""
    found = []
    if plan.get("Node Type") == "Seq Scan" and "Filter" in plan:
        table = plan["Relation Name"]
        if plan["Plan Rows"] < SELECTIVE * max(sizes.get(table, 0), 1):
            found.append(table)
    for child in plan.get("Plans", []):
        found += seq_scans(child, sizes)
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--min-rows", type=int, default=1000)
    parser.add_argument("--verbose", action="store_true", help="print the statements that scan")
    arguments = parser.parse_args()
    os.environ["DATABASE_URL"] = arguments.database_url
    os.environ["RESPONSE_CACHE_MB"] = "0"
    os.environ["RATE_LIMIT_ENABLED"] = "false"
    from fastapi.testclient import TestClient

    from app.core.db import get_engine
    from app.main import create_app

    engine = get_engine()
    if engine.dialect.name != "postgresql":
        sys.exit("EXPLAIN plans are checked on PostgreSQL")
    statements: list[tuple[str, Any]] = []

    def record(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if statement.lstrip().upper().startswith(("SELECT", "WITH")):
            statements.append((statement, parameters))

    with engine.connect() as connection:
        connection.execute(sa.text("ANALYZE"))
        connection.commit()
        counted = connection.execute(sa.text("SELECT relname, n_live_tup FROM pg_stat_user_tables"))
        sizes: dict[str, int] = {row[0]: row[1] for row in counted}
    problems = []
    with TestClient(create_app()) as client:
        for url in URLS:
            statements.clear()
            sa.event.listen(engine, "before_cursor_execute", record)
            response = client.get(url)
            sa.event.remove(engine, "before_cursor_execute", record)
            if response.status_code != 200:
                problems.append(f"{url}: answered {response.status_code}")
                continue
            scanned: list[str] = []
            with engine.connect() as connection:
                cursor = connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
                for statement, parameters in statements:
                    cursor.execute(f"EXPLAIN (FORMAT JSON) {statement}", parameters)
                    plan = cursor.fetchone()[0]
                    plan = plan if isinstance(plan, list) else json.loads(plan)
                    tables = seq_scans(plan[0]["Plan"], sizes)
                    if arguments.verbose and any(
                        sizes.get(t, 0) >= arguments.min_rows for t in tables
                    ):
                        print(f"  scans {tables}: {' '.join(statement.split())[:600]}")
                    scanned += tables
            large = sorted({t for t in scanned if sizes.get(t, 0) >= arguments.min_rows})
            verdict = (
                f"sequential scan of {', '.join(large)}" if large else "no large table scanned"
            )
            small = sorted(set(scanned) - set(large))
            note = f" (scans small tables: {', '.join(small)})" if small else ""
            print(f"{url}: {len(statements)} statements, {verdict}{note}")
            if large:
                problems.append(f"{url}: {verdict}")
    for problem in problems:
        print(f"FAILED {problem}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
