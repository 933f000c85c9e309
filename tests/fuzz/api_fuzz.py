"""Fuzz the live server's HTTP API with schemathesis, on SQLite and on PostgreSQL.

Run it through ``scripts/fuzz-api`` (which makes the two venvs)::

    .venv/bin/python tests/fuzz/api_fuzz.py --st .venv-fuzz/bin/st [--engine all] [--max-examples 10]

For each engine a child process starts a real server (uvicorn on a free loopback port) over a
fresh database — a SQLite file, or a database in a throwaway PostgreSQL cluster started the way
the tests start it — seeds queues, users, tickets, an attachment and an article through the
real services and the real push, and runs schemathesis against ``/openapi.json`` with every
check enabled, three times:

- as an agent of one queue (every operation except signing out);
- as an admin (the same);
- ``DELETE /v1/session`` alone, with a token of its own (a sign-out ends the token it uses).

Path and body fields are bound, with some probability, to the seeded ids (queues, tickets,
blobs, spare user names, the token's client id) so requests get past "not found" into the
code that does the work. The run fails (exit 1) when schemathesis reports any failure (a
5xx, an undocumented status code, a body that does not match the documented schema, ...) or
when the server logged an error, which catches failures a client cannot see (an exception
after a streamed answer started), or when the time ran out before every operation was
tested. The engines run in parallel, one process each; their output is printed one after
the other. The CI slice skips schemathesis's coverage phase (boundary values of every field,
which alone can take more than the slice's budget on a busy 2-core machine) and makes 10
test cases per operation and phase; ``scripts/fuzz-api --long`` runs every phase with up to
1000 and 10 minutes per run (with ``--seconds``, fuzzing repeats until the time is spent).

schemathesis lives in its own venv (``.venv-fuzz``): its pytest plugin, loaded by every
pytest start in a venv that has it, adds about 3 s to each start of the test suite.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

_TESTS = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(_TESTS.parent), str(_TESTS)]

from server.server_harness import ServerUnderTest, start_server  # noqa: E402
from support.postgres_cluster import PostgresCluster, find_postgres_bindir  # noqa: E402

from fuzz.seed import Seeded, seed  # noqa: E402
from sync import protocol  # noqa: E402
from sync.protocol.payloads import PAYLOAD_MODELS  # noqa: E402
from sync.server.admin.credentials import set_hash_cost  # noqa: E402

ENGINES = ("sqlite", "postgres")
#: HTTPBearer is the name FastAPI gives the bearer security scheme in the OpenAPI document.
_SECURITY_SCHEME = "HTTPBearer"


@dataclass(frozen=True)
class Run:
    """One schemathesis run: a name, the token it signs requests with, and what it covers."""

    name: str
    username: str
    only_sign_out: bool = False


# The admin run comes last: it may disable the other runs' users (it learns their names).
RUNS = (Run("agent", "fuzz-agent"), Run("sign-out", "fuzz-signout", True), Run("admin", "fuzz-admin"))

#: schemathesis's positive_data_acceptance check wants a request that matches the schema to
#: succeed (or be 401/403/404/409/429). These operations also refuse, with the status given,
#: schema-valid requests for a rule that OpenAPI cannot state; anything else still fails.
SCHEMA_VALID_REFUSALS = {
    # 400: the bytes must hash to the {sha256} of the path; 413: a declared size over the
    # attachment limit is "too large" (kind too_large, which the client shows as such)
    "PUT /v1/blobs/{sha256}/upload": (400, 413),
    # "only": "mine" is a preview before a bootstrap: it needs "cursor": null
    "POST /v1/pull": (400,),
    # 416: a well-formed "bytes=N-" whose N lies past the end of the file (its size is not in
    # the schema: it depends on the file)
    "GET /v1/blobs/{sha256}": (416,),
    # 400: a range that ends before it starts, a filter the search language refuses, an
    # unknown time zone or split: rules between parameters that the schema cannot state
    "GET /v1/reports/{name}": (400,),
}
_ACCEPTED = ["2xx", "3xx", "401", "403", "404", "409", "429"]
#: A run without --seconds is bounded by --max-examples; this only stops a hung one.
_RUN_TIMEOUT = 300


class ErrorCounter(logging.Handler):
    """Counts ERROR records from the server's loggers (unexpected exceptions are logged there)."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(f"{record.name}: {record.getMessage()}")


def _toml_list(values: list[str]) -> str:
    return "[" + ", ".join(json.dumps(v) for v in values) + "]"


def config_toml(seeded: Seeded, run: Run, seconds: int | None, workers: int) -> str:
    """The schemathesis.toml for one run (strings are JSON-quoted, which TOML accepts)."""
    token, client_id = seeded.tokens[run.username]
    dictionaries = {
        "queue_ids": seeded.queue_ids,
        "ticket_ids": seeded.ticket_ids,
        "blob_shas": seeded.blob_shas,
        "usernames": seeded.spare_usernames,
        "client_ids": [client_id],
        "ops": sorted(PAYLOAD_MODELS),
    }
    bindings = {
        "path.queue_id": ("queue_ids", 0.6),
        "path.sha256": ("blob_shas", 0.5),
        "path.username": ("usernames", 0.6),
        "body.client_id": ("client_ids", 0.8),
        "body.queues[*]": ("queue_ids", 0.5),
        "body.mutations[*].op": ("ops", 0.8),
        "body.mutations[*].entity_id": ("ticket_ids", 0.5),
    }
    lines = [
        f"workers = {workers}",
        "continue-on-failure = true",
        "request-timeout = 30",
        *([f"max-time = {seconds}"] if seconds else []),
        "[headers]",
        f"{json.dumps(protocol.PROTOCOL_HEADER)} = {json.dumps(str(protocol.PROTOCOL_VERSION))}",
        f"[auth.openapi.{_SECURITY_SCHEME}]",
        f"bearer = {json.dumps(token)}",
    ]
    for name, values in dictionaries.items():
        lines += [f"[dictionaries.{name}]", f"values = {_toml_list(values)}"]
    lines.append("[parameters]")
    for key, (dictionary, probability) in bindings.items():
        lines.append(f'{json.dumps(key)} = {{ dictionary = "{dictionary}", probability = {probability} }}')
    for operation, statuses in SCHEMA_VALID_REFUSALS.items():
        accepted = _toml_list([*_ACCEPTED, *map(str, statuses)])
        lines += [
            "[[operations]]",
            f"include-name = {json.dumps(operation)}",
            f"checks.positive_data_acceptance.expected-statuses = {accepted}",
        ]
    return "\n".join(lines) + "\n"


def run_schemathesis(
    st: str,
    server: ServerUnderTest,
    seeded: Seeded,
    run: Run,
    seconds: int | None,
    workers: int,
    seed_value: int,
    phases: str,
    max_examples: int,
) -> int:
    with tempfile.TemporaryDirectory(prefix=f"outpost-fuzz-{run.name}-") as tmp:
        config = Path(tmp) / "schemathesis.toml"
        config.write_text(config_toml(seeded, run, seconds, workers))
        select = (
            ["--include-name", "DELETE /v1/session"]
            if run.only_sign_out
            else ["--exclude-name", "DELETE /v1/session"]
        )
        argv = [
            st, "--no-color", "--config-file", str(config), "run", f"{server.url}/openapi.json",
            "--checks", "all", "--seed", str(seed_value), "--generation-database", "none",
            "--report-dir", str(Path(tmp) / "report"), "--phases", phases,
            "--max-examples", str(max_examples), *select,
        ]  # fmt: skip
        print(
            f"--- {run.name}: schemathesis as {run.username}, {max_examples} examples per operation "
            f"({f'at most {seconds} s, ' if seconds else ''}phases {phases}), seed {seed_value}",
            flush=True,
        )
        started = time.monotonic()
        try:
            done = subprocess.run(
                argv, cwd=tmp, check=False, stdout=subprocess.PIPE, text=True, errors="replace",
                timeout=(seconds or _RUN_TIMEOUT) + 120,
            )  # fmt: skip
        except subprocess.TimeoutExpired as exc:
            print(exc.stdout or "", f"--- {run.name}: schemathesis did not finish in time", flush=True)
            return 1
        print(done.stdout, flush=True)
        rc = done.returncode
        print(f"--- {run.name}: exit {rc} after {time.monotonic() - started:.0f} s", flush=True)
        # A run whose time ran out before every operation was tested proves nothing about the rest.
        selected = re.search(r"Selected: (\d+)/", done.stdout)
        tested = re.search(r"Tested: (\d+)", done.stdout)
        if rc == 0 and (selected is None or tested is None or tested.group(1) != selected.group(1)):
            print(
                f"--- {run.name}: not every selected operation was tested: give it more --seconds", flush=True
            )
            return 1
        return rc


def _token_alive(server: ServerUnderTest, token: str) -> bool:
    with server.http() as http:
        return http.get("/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 200


@contextmanager
def database_url(engine: str) -> Iterator[str]:
    if engine == "sqlite":
        with tempfile.TemporaryDirectory(prefix="outpost-fuzz-sqlite-") as tmp:
            yield f"sqlite:///{Path(tmp) / 'server.db'}"
        return
    bindir = find_postgres_bindir()
    if bindir is None:
        raise SystemExit("no PostgreSQL server binaries (bash scripts/install-system-deps.sh --postgres)")
    cluster = PostgresCluster(bindir)
    cluster.start()
    try:
        name = f"fuzz_{uuid.uuid4().hex}"
        cluster.create_database(name)
        yield cluster.database_url(name)
    finally:
        cluster.stop()


def fuzz_engine(
    engine: str, st: str, seconds: int | None, workers: int, seed_value: int, phases: str, max_examples: int
) -> int:
    """Seed a server on ``engine`` and run every schemathesis run; 0 only when all passed."""
    set_hash_cost(time_cost=1, memory_cost_kib=1024, parallelism=1)  # same code, cheaper hashes
    errors = ErrorCounter()
    for name in ("outpost", "uvicorn.error", "uvicorn"):
        logging.getLogger(name).addHandler(errors)
    failed: list[str] = []
    with database_url(engine) as url:
        server = start_server(url)
        try:
            seeded = seed(server)
            print(f"=== {engine}: server at {server.url}, seeded", flush=True)
            for run in RUNS:
                budget = max(5, seconds // 4) if seconds and run.only_sign_out else seconds
                rc = run_schemathesis(
                    st, server, seeded, run, budget, workers, seed_value, phases, max_examples
                )
                if rc != 0:
                    failed.append(run.name)
                if not run.only_sign_out and not _token_alive(server, seeded.tokens[run.username][0]):
                    print(f"--- {run.name}: its token stopped working during the run", flush=True)
                    failed.append(f"{run.name} (token ended)")
        finally:
            server.thread.stop()
            server.db.dispose()
    if errors.records:
        print(f"=== {engine}: the server logged {len(errors.records)} error(s):", flush=True)
        for line in errors.records[:50]:
            print(f"    {line}")
        failed.append("server log")
    verdict = "FAILED: " + ", ".join(failed) if failed else "ok"
    print(f"=== {engine}: {verdict}", flush=True)
    return 1 if failed else 0


def fuzz_all(argv: list[str], engines: list[str]) -> int:
    """Run each engine in its own process at the same time; print their output in turn."""
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="outpost-fuzz-logs-") as tmp:
        children = []
        for engine in engines:
            log = (Path(tmp) / f"{engine}.log").open("w")
            cmd = [sys.executable, __file__, *argv, "--engine", engine]
            proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT)
            children.append((engine, proc, log))
        results = {}
        for engine, proc, log in children:
            results[engine] = proc.wait()
            log.close()
        for engine, _, _ in children:
            print((Path(tmp) / f"{engine}.log").read_text(errors="replace"), flush=True)
    took = time.monotonic() - started
    summary = ", ".join(f"{e}: {'ok' if rc == 0 else f'FAILED (exit {rc})'}" for e, rc in results.items())
    print(f"API fuzz: {summary} ({took:.0f} s)")
    return 0 if all(rc == 0 for rc in results.values()) else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--st", required=True, help="the schemathesis command (in its own venv)")
    parser.add_argument("--engine", choices=[*ENGINES, "all"], default="all")
    parser.add_argument("--max-examples", type=int, default=10, help="test cases per operation and phase")
    parser.add_argument(
        "--seconds", type=int, default=None, help="time budget of each main run (fuzzing repeats until spent)"
    )
    parser.add_argument("--workers", type=int, default=1, help="schemathesis workers per run")
    parser.add_argument("--seed", type=int, default=None, help="replay a run (printed at its start)")
    parser.add_argument(
        "--phases",
        default="examples,fuzzing,stateful",
        help="schemathesis phases (the slow coverage phase is for long runs: add 'coverage')",
    )
    args = parser.parse_args()
    st = shutil.which(args.st)
    if st is None:
        parser.error(f"--st {args.st}: no such command (bash scripts/fuzz-api makes .venv-fuzz)")
    args.st = str(Path(st).resolve())
    seed_value = args.seed if args.seed is not None else random.randrange(2**31)
    if args.engine != "all":
        # A stop (CI's timeout, Ctrl-C) still runs the finally blocks: server and PostgreSQL stop.
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
        return fuzz_engine(
            args.engine, args.st, args.seconds, args.workers, seed_value, args.phases, args.max_examples
        )
    passed = ["--st", args.st, "--workers", str(args.workers)]
    passed += ["--seconds", str(args.seconds)] if args.seconds else []
    passed += ["--phases", args.phases, "--max-examples", str(args.max_examples)]
    engines = list(ENGINES)
    if os.environ.get("OUTPOST_SKIP_POSTGRES") == "1" and find_postgres_bindir() is None:
        print("API fuzz: PostgreSQL SKIPPED (OUTPOST_SKIP_POSTGRES=1, no server binaries)", flush=True)
        engines.remove("postgres")
    return fuzz_all([*passed, "--seed", str(seed_value)], engines)


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    sys.exit(main())
