"""Full-text queries against the search index: one SQL text per database, one result shape.

The query is never handed to a full-text query parser: it is split into words first, and each
word is searched for as a plain word (a quoted string on SQLite, `plainto_tsquery` on
PostgreSQL), so quotes, `*`, `-`, `NEAR`, parentheses or colons cannot be read as syntax.
An item matches if it holds any of the words, stemmed ("sleeping" finds "sleep"); more of the
words, and words in the title, rank it higher.
"""

import html
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from app.core.errors import AppError, ProblemType
from app.evidence.vocabulary import PUBLIC_STATUSES
from app.models import Mechanism, Recommendation, Study
from app.search.index import GREATER_THAN, LESS_THAN, MARK_START, MARK_STOP, SEARCH_TABLE
from app.search.schemas import SearchKind

MAX_TERMS = 16
SNIPPET_WORDS = 24
TIMEOUT_SECONDS = 2.0
ELLIPSIS = "…"

# Letters and digits: what both databases' tokenizers keep as words.
_WORD = re.compile(r"[^\W_]+")
# PostgreSQL's `english` stop words, left out on SQLite too, so that both answer alike.
_STOP_WORDS = """
i me my myself we our ours ourselves you your yours yourself yourselves he him his himself she her
hers herself it its itself they them their theirs themselves what which who whom this that these
those am is are was were be been being have has had having do does did doing a an the and but if
or because as until while of at by for with about against between into through during before
after above below to from up down in out on off over under again further then once here there
when where why how all any both each few more most other some such no nor not only own same so
than too very s t can will just don should now
"""
STOP_WORDS = frozenset(_STOP_WORDS.split())

_TABLES = {
    SearchKind.recommendation: Recommendation.__tablename__,
    SearchKind.mechanism: Mechanism.__tablename__,
    SearchKind.study: Study.__tablename__,
}
# Only what is published now, even if the index was built before an item was unpublished.
_PUBLIC = " OR ".join(
    f"(kind = '{kind.value}' AND slug IN"
    f" (SELECT slug FROM {table} WHERE status IN :public_statuses))"
    for kind, table in _TABLES.items()
)
# Recommendations and mechanisms are the answers, studies the evidence behind them: at equal
# text relevance, an answer ranks first.
KIND_WEIGHTS = {SearchKind.recommendation: 1.5, SearchKind.mechanism: 1.5, SearchKind.study: 1.0}
_KIND_WEIGHT = (
    "CASE kind "
    + " ".join(f"WHEN '{kind.value}' THEN {weight}" for kind, weight in KIND_WEIGHTS.items())
    + " END"
)
# FTS5's bm25 weighs the columns (kind, slug, language, title, body), the title 10 times the
# body, and normalises each by its length; it is negative, lower for better matches.
_SQLITE_SCORE = f"-bm25({SEARCH_TABLE}, 0, 0, 0, 10, 1) * {_KIND_WEIGHT}"
# PostgreSQL's `document` holds the title's words at weight A and the body's at D. Title and
# body are ranked apart, each normalised by its own length as bm25 does, at ts_rank's default
# weights for A and D (1.0 and 0.1): the title 10 times the body again.
_POSTGRES_SCORE = (
    "(ts_rank(ts_filter(document, '{a}'), query, 1)"
    " + ts_rank(ts_filter(document, '{d}'), query, 1)) * " + _KIND_WEIGHT
)
_HEADLINE = f'StartSel="{MARK_START}", StopSel="{MARK_STOP}"'


def _sqlite_sql(kind_clause: str) -> str:
    """The inner query ranks and limits, so that snippets are made for the rows returned only."""
    return f"""
    SELECT kind, slug, language, title, body, {_SQLITE_SCORE} AS score,
           highlight({SEARCH_TABLE}, 3, :start, :stop) AS marked_title,
           snippet({SEARCH_TABLE}, 4, :start, :stop, '', :words) AS marked_body
    FROM {SEARCH_TABLE}
    WHERE {SEARCH_TABLE} MATCH :match AND rowid IN (
        SELECT rowid FROM {SEARCH_TABLE}
        WHERE {SEARCH_TABLE} MATCH :match{kind_clause} AND ({_PUBLIC})
        ORDER BY {_SQLITE_SCORE} DESC, kind, slug
        LIMIT :limit
    )
    ORDER BY score DESC, kind, slug
    """


def _postgres_sql(query: str, kind_clause: str) -> str:
    """As on SQLite, headlines are made for the rows returned only; `<` and `>` are stood in
    for meanwhile, as ts_headline leaves out what looks like a tag."""
    return f"""
    WITH top AS (
        SELECT kind, slug, language, title, body, query, {_POSTGRES_SCORE} AS score
        FROM {SEARCH_TABLE}, ({query}) AS q(query)
        WHERE document @@ query{kind_clause} AND ({_PUBLIC})
        ORDER BY score DESC, kind, slug
        LIMIT :limit
    )
    SELECT kind, slug, language, title, body, score,
           ts_headline('english', translate(title, '<>', :stand_ins), query, :title_options)
               AS marked_title,
           ts_headline('english', translate(body, '<>', :stand_ins), query, :body_options)
               AS marked_body
    FROM top
    ORDER BY score DESC, kind, slug
    """


class SearchTimeout(AppError):
    status_code = 503
    problem_type = ProblemType.http_error
    title = "Service Unavailable"


@dataclass(frozen=True)
class Hit:
    kind: SearchKind
    slug: str
    language: str
    title: str
    snippet: str
    rank: float


def terms_of(text: str) -> list[str]:
    """The words of a query, lowercased, each once, without stop words; at most MAX_TERMS."""
    words = dict.fromkeys(word.lower() for word in _WORD.findall(text))
    return [word for word in words if word not in STOP_WORDS][:MAX_TERMS]


def forms_of(terms: list[str]) -> list[str]:
    """The terms, with the "-eed" form of each "-eeding" word and the other way round: both
    stemmers take "breastfeed" to one stem and "breastfeeding" to another (Porter's -eed rule),
    so each would miss the other."""
    forms: dict[str, None] = {}
    for term in terms:
        forms[term] = None
        if term.endswith("eeding"):
            forms[term.removesuffix("ing")] = None
        elif term.endswith("eed"):
            forms[f"{term}ing"] = None
    return list(forms)


def search(session: Session, terms: list[str], kind: SearchKind | None, limit: int) -> list[Hit]:
    """The best `limit` published items holding any of the terms, best first."""
    if not terms:
        return []
    forms = forms_of(terms)
    params: dict[str, Any] = {
        "limit": limit,
        "public_statuses": [status.value for status in PUBLIC_STATUSES],
    }
    kind_clause = ""
    if kind is not None:
        kind_clause = " AND kind = :kind"
        params["kind"] = kind.value
    if session.get_bind().dialect.name == "sqlite":
        sql = _sqlite_sql(kind_clause)
        params |= {
            "match": " OR ".join(f'"{form}"' for form in forms),
            "start": MARK_START,
            "stop": MARK_STOP,
            "words": SNIPPET_WORDS,
        }
    else:
        words = {f"term_{index}": form for index, form in enumerate(forms)}
        query = " || ".join(f"plainto_tsquery('english', :{name})" for name in words)
        sql = _postgres_sql(f"SELECT {query}", kind_clause)
        params |= {
            **words,
            "stand_ins": LESS_THAN + GREATER_THAN,
            "title_options": f"HighlightAll=true, {_HEADLINE}",
            "body_options": f"MaxWords={SNIPPET_WORDS}, MinWords={SNIPPET_WORDS // 2}, {_HEADLINE}",
        }
    statement = sa.text(sql).bindparams(sa.bindparam("public_statuses", expanding=True))
    with _bounded(session):
        rows = session.execute(statement, params).mappings().all()
    return [
        Hit(
            kind=SearchKind(row["kind"]),
            slug=row["slug"],
            language=row["language"],
            title=row["title"],
            snippet=snippet_of(row["marked_title"], row["marked_body"], row["body"]),
            rank=float(row["score"]),
        )
        for row in rows
    ]


_UNMARKED = str.maketrans("", "", MARK_START + MARK_STOP)
_ANGLES = str.maketrans({LESS_THAN: "<", GREATER_THAN: ">"})


def snippet_of(marked_title: str, marked_body: str, body: str) -> str:
    """HTML: the body's passage if the words matched there (else the title), escaped, with
    `<mark>` around each match and `…` where text is left out."""
    marked_title, marked_body = marked_title.translate(_ANGLES), marked_body.translate(_ANGLES)
    if MARK_START in marked_body:
        passage = marked_body.strip()
        plain = passage.translate(_UNMARKED)
        start = body.find(plain)
        lead = f"{ELLIPSIS} " if start != 0 else ""
        tail = f" {ELLIPSIS}" if start < 0 or start + len(plain) < len(body.rstrip()) else ""
    else:
        passage, lead, tail = marked_title, "", ""
    escaped = html.escape(passage).replace(MARK_START, "<mark>").replace(MARK_STOP, "</mark>")
    return f"{lead}{escaped}{tail}"


@contextmanager
def _bounded(session: Session) -> Iterator[None]:
    """Cut the statements off after TIMEOUT_SECONDS, and answer 503 if they are.

    PostgreSQL: a `statement_timeout` local to the read session's transaction, which ends with
    the request. SQLite, which has no such setting: a progress handler that interrupts the
    statement once past its deadline.
    """
    if session.get_bind().dialect.name != "sqlite":
        session.execute(
            sa.text("SELECT set_config('statement_timeout', :ms, true)"),
            {"ms": str(round(TIMEOUT_SECONDS * 1000))},
        )
        try:
            yield
        except sa.exc.OperationalError as error:
            if getattr(error.orig, "sqlstate", None) == "57014":  # query_canceled
                raise _timed_out() from error
            raise
        return
    connection: Any = session.connection().connection.dbapi_connection
    deadline = time.monotonic() + TIMEOUT_SECONDS
    connection.set_progress_handler(lambda: time.monotonic() > deadline, 1000)
    try:
        yield
    except sa.exc.OperationalError as error:
        if time.monotonic() > deadline:
            raise _timed_out() from error
        raise
    finally:
        connection.set_progress_handler(None, 0)


def _timed_out() -> SearchTimeout:
    return SearchTimeout(f"The search took longer than {TIMEOUT_SECONDS:g} s; try fewer words.")
