"""Throughput and latency of the API under wrk, as ratios to FastAPI's hello world served by the
same server with the same settings in the same run.

For each database (SQLite, PostgreSQL), dataset (the seed; the seed plus --scale generated
recommendations, see bench/scale_dataset.py) and worker count, it starts the API and the hello
world (bench/hello_app.py) on 127.0.0.1, and over --rounds rounds runs wrk against the hello
world, then against each route, alternating, every run --duration seconds long. A route's ratio
is its requests per second over the hello world's in the same round (median over rounds); p50
and p99 are wrk's latency percentiles. "after an edit" rows are served by a second API process with
RESPONSE_CACHE_MB=0: every request runs its route, as the first one after an edit does, with the
item representations the edit left standing; "nothing kept" rows by a third with
ITEM_CACHE_ITEMS=0 as well, as on a worker's first request. "first after ..." rows are the
literal case, on the API as deployed: an edit through the editor API, then one request, timed;
over --edits edits per case, each after one timed request to the hello world on the same
connection, and the ratio is the hello world's median time over the route's.
Any socket error or status other than 2xx/304 fails the run.

    .venv/bin/python bench/http_throughput.py            # everything, about 25 minutes
    .venv/bin/python bench/http_throughput.py --quick    # a smoke run, about 5 minutes

Needs wrk (Debian's package: run as root, it is installed with apt-get when missing) and, for
the PostgreSQL rows, a server at BENCH_POSTGRES_URL (default
postgresql+psycopg://postgres@127.0.0.1:5432/postgres) on which it creates and drops databases
of its own. Writes bench/results/http-<UTC time>.md and bench/results/latest.md, and prints the
table. Traffic goes to 127.0.0.1 only.
"""

import argparse
import importlib.util
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import httpx
import sqlalchemy as sa
from alembic import command
from sqlalchemy.engine import make_url
from sqlmodel import Session

from app.core.config import PROJECT_ROOT
from app.core.db import create_db_engine
from app.core.migrations import alembic_config
from app.keys.scopes import Scope
from app.keys.service import create_key
from app.seeding.loader import load_seed

RESULTS = PROJECT_ROOT / "bench" / "results"
MERGE_PATCH = "application/merge-patch+json"
POSTGRES_URL = os.environ.get(
    "BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
CONNECTIONS = 32
WARM_UP_SECONDS = 1
# A request unanswered this long counts as an error (wrk: 2 s by default, too short for an
# uncached build on a busy 2-CPU machine).
WRK_TIMEOUT = 10
START_SECONDS = 60
# The routes the targets name, with the seeded slugs (which the scale dataset keeps).
ROUTES = {
    "list of 50": "/v1/recommendations?limit=50",
    "filtered list": "/v1/recommendations?life_stage=toddler&min_certainty=low&limit=20",
    "detail": "/v1/recommendations/breastfeed",
    "304 revalidation": "/v1/recommendations/breastfeed",
    "search": "/v1/search?q=sleep",
    "tips": "/v1/tips?limit=20",
    "daily tip": "/v1/tips/daily",
    "change feed": "/v1/changes?limit=100",
    "card page": "/cards/recommendations/breastfeed",
}
# Served with the response cache off: every request runs its route. "after an edit" keeps item
# representations, as after an edit to an item the response does not show; "nothing kept" keeps
# none, as after an edit to an item of a kind every shown item may link to.
UNCACHED = {
    "list of 50, after an edit": "/v1/recommendations?limit=50",
    "detail, after an edit": "/v1/recommendations/breastfeed",
}
NOTHING_KEPT = {
    "list of 50, nothing kept": "/v1/recommendations?limit=50",
    "detail, nothing kept": "/v1/recommendations/breastfeed",
}
# An edit through the editor API (kind, slug, field, two values to alternate), then the first
# request for a list of all recommendations and for one's detail: what an edit to each kind
# leaves kept differs (app/core/item_cache.py).
EDITS = {
    "a recommendation": (
        "recommendations",
        "breastfeed",
        "tip",
        ["Breastfeed if you can.", "Breast milk suits babies best."],
    ),
    "a mechanism": (
        "mechanisms",
        "microbial-metabolites",
        "description",
        [
            "Substances gut microbes make from food.",
            "Substances gut microbes make from the food they break down.",
        ],
    ),
    "the most linked mechanism": (
        "mechanisms",
        "microbiome-balance-and-diversity",
        "description",
        [
            "The mix of microbes living in the gut.",
            "The mix and variety of microbes living in the gut.",
        ],
    ),
}
FIRST_AFTER = {
    "list of 50": "/v1/recommendations?limit=50",
    "detail": "/v1/recommendations/breastfeed",
}
TARGETS = {
    "list of 50": 1.0,
    "detail": 1.0,
    "tips": 1.0,
    "daily tip": 1.0,
    "304 revalidation": 0.95,
    "search": 0.2,
    "list of 50, after an edit": 0.05,
    "detail, after an edit": 0.05,
    "list of 50, nothing kept": 0.05,
    "detail, nothing kept": 0.05,
    **{f"{route}, first after an edit to {edit}": 0.05 for route in FIRST_AFTER for edit in EDITS},
}
_DURATION = re.compile(r"^\s*([\d.]+)(us|ms|s|m)\s*$")
_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


@dataclass
class Run:
    rps: float
    p50_ms: float
    p99_ms: float


@dataclass
class Row:
    database: str
    dataset: str
    workers: int
    route: str
    runs: list[Run] = field(default_factory=list)
    ratios: list[float] = field(default_factory=list)
    p50_ratios: list[float] = field(default_factory=list)

    def median(self, attribute: str) -> float:
        return statistics.median(getattr(run, attribute) for run in self.runs)


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print("installing wrk with apt-get ...", flush=True)
        if subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], check=False).returncode:
            subprocess.run(["apt-get", "update", "-q"], check=True)
            subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], check=True)
        return "wrk"
    sys.exit("wrk is missing: install it (sudo apt-get install wrk) or run this as root")


def milliseconds(text: str) -> float:
    match = _DURATION.match(text)
    if not match:
        raise ValueError(f"not a wrk duration: {text!r}")
    return float(match.group(1)) * _UNITS[match.group(2)]


def wrk(url: str, seconds: int, headers: dict[str, str]) -> Run:
    command = ["wrk", "-t1", f"-c{CONNECTIONS}", f"-d{seconds}s", f"--timeout={WRK_TIMEOUT}s"]
    command.append("--latency")
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    output = subprocess.run(
        [*command, url], capture_output=True, text=True, timeout=seconds + 30, check=True
    ).stdout
    failures = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    errors = re.search(r"Socket errors: (.*)", output)
    if failures or errors:
        raise SystemExit(f"{url} answered errors under load:\n{output}")
    percentiles = dict(re.findall(r"^\s+(50|99)%\s+(\S+)\s*$", output, re.MULTILINE))
    rps = re.search(r"Requests/sec:\s+([\d.]+)", output)
    if rps is None or set(percentiles) != {"50", "99"}:
        raise SystemExit(f"{url}: unexpected wrk output:\n{output}")
    return Run(
        float(rps.group(1)), milliseconds(percentiles["50"]), milliseconds(percentiles["99"])
    )


def cpu_seconds(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime in clock ticks
    return total / os.sysconf("SC_CLK_TCK")


def settle(supervisors: list[int], limit: float = 5.0) -> None:
    """Wait until the servers have finished the requests wrk left in flight (a slow route can
    leave seconds of work queued), so that they do not slow the next run down."""
    pids = [pid for supervisor in supervisors for pid in family(supervisor)]
    deadline = time.monotonic() + limit
    before = cpu_seconds(pids)
    while time.monotonic() < deadline:
        time.sleep(0.2)
        after = cpu_seconds(pids)
        if after - before < 0.02:
            return
        before = after


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def server_command(server: str, target: str, port: int, workers: int) -> list[str]:
    if server == "granian":
        return [
            *(sys.executable, "-m", "granian", "--interface", "asgi", "--host", "127.0.0.1"),
            *("--port", str(port), "--workers", str(workers), "--loop", "uvloop"),
            *("--log-level", "warning", target),
        ]
    return [
        *(sys.executable, "-m", "uvicorn", target, "--host", "127.0.0.1", "--port", str(port)),
        *("--workers", str(workers), "--loop", "uvloop", "--http", "httptools"),
        *("--log-level", "warning", "--no-access-log"),
    ]


@contextmanager
def serving(
    server: str, target: str, workers: int, env: dict[str, str], log: Path
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    environment = {**os.environ, **env, "PUBLIC_BASE_URL": base_url}
    with log.open("ab") as output:
        process = subprocess.Popen(
            server_command(server, target, port, workers),
            cwd=PROJECT_ROOT,
            env=environment,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{base_url}/", timeout=2).status_code < 500:
                    break
            except httpx.TransportError:
                time.sleep(0.2)
        else:
            raise SystemExit(f"{target} did not start:\n{log.read_text()[-2000:]}")
        yield base_url, process
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def family(supervisor: int) -> list[int]:
    """The server process and its children (the workers, if it has any)."""
    children = Path(f"/proc/{supervisor}/task/{supervisor}/children")
    try:
        return [supervisor, *(int(pid) for pid in children.read_text().split())]
    except OSError:
        return [supervisor]


def rss_mb(supervisor: int) -> float:
    """The largest resident set among the server's processes (workers or a single one)."""
    largest = 0
    for pid in family(supervisor):
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        match = re.search(r"VmRSS:\s+(\d+) kB", status)
        if match:
            largest = max(largest, int(match.group(1)))
    return largest / 1024


@contextmanager
def database(kind: str, directory: Path, scale: int) -> Iterator[str]:
    """A migrated, seeded database of its own (plus `scale` generated recommendations)."""
    name = f"gutbrain_bench_{uuid.uuid4().hex[:8]}"
    if kind == "sqlite":
        url = f"sqlite:///{directory / name}.db"
        admin = None
    else:
        admin = sa.create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(sa.text(f"CREATE DATABASE {name}"))
        url = make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    try:
        if scale:
            generator = [sys.executable, "bench/scale_dataset.py", "--database-url", url]
            subprocess.run([*generator, "--items", str(scale)], cwd=PROJECT_ROOT, check=True)
        else:
            command.upgrade(alembic_config(url), "head")
            engine = create_db_engine(url)
            with Session(engine) as session:
                load_seed(session, PROJECT_ROOT / "seed")
                session.commit()
            engine.dispose()
        yield url
    finally:
        if admin is not None:
            with admin.connect() as connection:
                connection.execute(sa.text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            admin.dispose()


def explain(url: str) -> str:
    """bench/explain_plans.py on this database; a selective sequential scan fails the run."""
    checked = subprocess.run(
        [sys.executable, "bench/explain_plans.py", "--database-url", url],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    if checked.returncode:
        raise SystemExit(
            f"EXPLAIN found sequential scans:\n{checked.stdout}{checked.stderr[-2000:]}"
        )
    return "\n".join(f"    {line}" for line in checked.stdout.splitlines())


def measure(
    arguments: argparse.Namespace, url: str, kind: str, dataset: str, workers: int, log: Path
) -> tuple[list[Row], float]:
    unlimited = "100000000/minute"
    env = {
        "DATABASE_URL": url,
        "RATE_LIMIT": unlimited,
        "RATE_LIMIT_API_KEY": unlimited,
        "LOG_LEVEL": "WARNING",
    }
    uncached = dict(UNCACHED) if dataset == "seed" else {}
    nothing_kept = dict(NOTHING_KEPT) if dataset == "seed" else {}
    rows = {
        route: Row(kind, dataset, workers, route)
        for route in [*ROUTES, *uncached, *nothing_kept, "hello world"]
    }
    no_responses = {**env, "RESPONSE_CACHE_MB": "0"}
    nothing = {**no_responses, "ITEM_CACHE_ITEMS": "0"}
    with (
        serving(arguments.server, "bench.hello_app:app", workers, {}, log) as (hello, first),
        serving(arguments.server, "app.main:app", workers, env, log) as (api, process),
        serving(arguments.server, "app.main:app", workers, no_responses, log) as (
            api_uncached,
            third,
        ),
        serving(arguments.server, "app.main:app", workers, nothing, log) as (api_cold, fourth),
    ):
        supervisors = [first.pid, process.pid, third.pid, fourth.pid]
        etag = httpx.get(f"{api}{ROUTES['detail']}").headers["etag"]
        targets = {
            **{route: (f"{api}{path}", {}) for route, path in ROUTES.items()},
            **{route: (f"{api_uncached}{path}", {}) for route, path in uncached.items()},
            **{route: (f"{api_cold}{path}", {}) for route, path in nothing_kept.items()},
        }
        targets["304 revalidation"] = (targets["304 revalidation"][0], {"If-None-Match": etag})
        for route, (target, headers) in targets.items():
            status = httpx.get(target, headers=headers, timeout=30).status_code
            if status not in (200, 304):
                raise SystemExit(f"{route}: {target} answered {status}")
            # Warm up with wrk's own headers (the response cache keys on them) on every worker.
            wrk(target, WARM_UP_SECONDS, headers)
            settle(supervisors)
        for round_ in range(arguments.rounds):
            print(f"  round {round_ + 1}/{arguments.rounds}", flush=True)
            for route, (target, headers) in targets.items():
                baseline = wrk(f"{hello}/", arguments.duration, {})
                rows["hello world"].runs.append(baseline)
                settle(supervisors)
                run = wrk(target, arguments.duration, headers)
                settle(supervisors)
                rows[route].runs.append(run)
                rows[route].ratios.append(run.rps / baseline.rps)
                rows[route].p50_ratios.append(run.p50_ms / baseline.p50_ms)
        rss = rss_mb(process.pid)
        if dataset == "seed":
            rows.update(first_after_edits(api, hello, url, kind, workers, arguments.edits))
    return list(rows.values()), rss


def first_after_edits(
    api: str, hello: str, url: str, kind: str, workers: int, edits: int
) -> dict[str, Row]:
    """For each case of EDITS and route of FIRST_AFTER: `edits` times, a timed request to the
    hello world, an edit, and the route's first request after it, timed, on one connection."""
    engine = create_db_engine(url)
    with Session(engine) as session:
        issued = create_key(session, f"bench-{uuid.uuid4().hex[:8]}", list(Scope), None)
        session.commit()
    engine.dispose()
    key = {"Authorization": f"Bearer {issued.key}"}
    rows: dict[str, Row] = {}
    with httpx.Client(timeout=30) as client:

        def timed(target: str) -> float:
            started = time.perf_counter()
            response = client.get(target)
            elapsed = (time.perf_counter() - started) * 1000
            if response.status_code != 200:
                raise SystemExit(f"{target} answered {response.status_code}")
            return elapsed

        for edit, (plural, slug, field_name, values) in EDITS.items():
            editor_url = f"{api}/v1/editor/{plural}/{slug}"
            for route, path in FIRST_AFTER.items():
                baseline, first = [], []
                for n in range(edits):
                    baseline.append(timed(f"{hello}/"))
                    etag = client.get(editor_url, headers=key).headers["ETag"]
                    edited = client.patch(
                        editor_url,
                        content=json.dumps({field_name: values[n % len(values)]}),
                        headers={**key, "If-Match": etag, "Content-Type": MERGE_PATCH},
                    )
                    if edited.status_code != 200:
                        raise SystemExit(f"editing {plural}/{slug}: {edited.text}")
                    first.append(timed(f"{api}{path}"))
                name = f"{route}, first after an edit to {edit}"
                p50, base = statistics.median(first), statistics.median(baseline)
                row = Row(kind, "seed", workers, name)
                row.runs.append(Run(1000 / p50, p50, max(first)))
                row.ratios.append(base / p50)
                rows[name] = row
    return rows


def table(rows: list[Row], rss: dict[tuple[str, str, int], float]) -> str:
    lines = [
        "| database | dataset | workers | route | req/s | x hello | p50 ms | p99 ms | target |",
        "| --- | --- | --- | --- | ---: | ---: | ---: | ---: | --- |",
    ]
    for row in rows:
        ratio = statistics.median(row.ratios) if row.ratios else 1.0
        target = TARGETS.get(row.route) if row.dataset == "seed" else None
        verdict = "" if target is None else f"≥ {target}: {'met' if ratio >= target else 'MISSED'}"
        lines.append(
            f"| {row.database} | {row.dataset} | {row.workers} | {row.route} |"
            f" {row.median('rps'):,.0f} | {ratio:.2f} | {row.median('p50_ms'):.2f} |"
            f" {row.median('p99_ms'):.2f} | {verdict} |"
        )
    lines += ["", "| database | dataset | workers | largest worker RSS after the run |"]
    lines += ["| --- | --- | --- | ---: |"]
    lines += [f"| {d} | {s} | {w} | {mb:.0f} MB |" for (d, s, w), mb in rss.items()]
    return "\n".join(lines)


def comparisons(rows: list[Row]) -> str:
    """Two workers over one, and the scale dataset's p50 over the seed's, per route."""
    by = {(row.database, row.dataset, row.workers, row.route): row for row in rows}
    lines = [
        "| database | route | 2 workers / 1 (req/s, target ≥ 1.6) | scale p50 / seed p50"
        " (target ≤ 1.5) |",
        "| --- | --- | ---: | ---: |",
    ]
    for (kind, dataset, workers, route), row in by.items():
        # One request at a time: no throughput to compare.
        if dataset != "seed" or workers != 1 or ", first after" in route:
            continue
        two = by.get((kind, "seed", 2, route))
        scaled = next(
            (r for k, r in by.items() if k[:2] == (kind, "scale") and k[3] == route), None
        )
        scaling = f"{two.median('rps') / row.median('rps'):.2f}" if two else "-"
        growth = f"{scaled.median('p50_ms') / row.median('p50_ms'):.2f}" if scaled else "-"
        lines.append(f"| {kind} | {route} | {scaling} | {growth} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1 s runs, 2 rounds, 1,000 items")
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--workers", default="1,2")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--duration", type=int, default=3, help="seconds per wrk run")
    parser.add_argument("--scale", type=int, default=10_000, help="0: no scale dataset")
    parser.add_argument("--server", choices=["uvicorn", "granian"], default="uvicorn")
    parser.add_argument("--edits", type=int, default=20, help="edits per first-request case")
    arguments = parser.parse_args()
    if arguments.quick:
        arguments.rounds, arguments.duration, arguments.edits = 2, 1, 5
        arguments.scale = min(arguments.scale, 1000)
    ensure_wrk()
    if arguments.server == "granian" and importlib.util.find_spec("granian") is None:
        sys.exit("granian is not installed: .venv/bin/pip install granian (not a dependency)")
    started = datetime.now(UTC)
    load = os.getloadavg()
    rows: list[Row] = []
    rss: dict[tuple[str, str, int], float] = {}
    plans = ""
    workers = [int(count) for count in arguments.workers.split(",")]
    with tempfile.TemporaryDirectory(prefix="gutbrain-bench-") as folder:
        directory = Path(folder)
        log = directory / "servers.log"
        for kind in arguments.databases.split(","):
            datasets = [("seed", 0)] + ([("scale", arguments.scale)] if arguments.scale else [])
            for dataset, scale in datasets:
                with database(kind, directory, scale) as url:
                    if kind == "postgresql" and dataset == "scale":
                        plans = explain(url)
                    for count in workers if dataset == "seed" else workers[:1]:
                        print(f"{kind}, {dataset}, {count} worker(s)", flush=True)
                        measured, rss[(kind, dataset, count)] = measure(
                            arguments, url, kind, dataset, count, log
                        )
                        rows += measured
    command = " ".join(["bench/http_throughput.py", *sys.argv[1:]])
    report = "\n\n".join(
        [
            f"# HTTP throughput, {started:%Y-%m-%d %H:%M} UTC",
            f"`.venv/bin/python {command}` on {os.cpu_count()} CPUs, load average"
            f" {load[0]:.2f} at the start; server {arguments.server}, wrk -t1 -c{CONNECTIONS},"
            f" {arguments.rounds} rounds of {arguments.duration:g} s per route; scale dataset"
            f" {arguments.scale} recommendations.",
            table(rows, rss),
            comparisons(rows),
            *(
                [f"EXPLAIN on the PostgreSQL scale dataset (bench/explain_plans.py):\n\n{plans}"]
                if plans
                else []
            ),
        ]
    )
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"http-{started:%Y%m%dT%H%M}.md").write_text(report + "\n")
    (RESULTS / "latest.md").write_text(report + "\n")
    print(report)


if __name__ == "__main__":
    main()
