"""Writer processes for the load, fault and backup tests, and the helpers that drive them.

Each writer is a real `python -m tests.writers` process with its own engine and connections,
running the library code under test (PYTHONPATH is this checkout). Processes, not threads:
SQLite's locks are per process and PostgreSQL sees separate backends, as with curators on
separate machines. Coordination uses pipes, never sleeps: a writer says "ready", waits for
"go", says "ack N" after each acknowledged write, and writes until its operation count or
time budget is spent or it reads "stop"; then it reports every write it attempted with its
outcome (acknowledged, or refused and why) as JSON.

    python -m tests.writers load SPEC.json      # imports of its own sources + shared edits
    python -m tests.writers import-and-stop SPEC.json   # an import that stops mid-way
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import subprocess
import sys
import threading
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PROCESS_TIMEOUT = 300  # a hung writer fails the test instead of hanging CI


# --- the writer side (runs in the child process) ----------------------------------------


def _actor(worker: int):  # noqa: ANN202
    from tracker.domain.vocab import Role
    from tracker.store.write import Actor

    return Actor(f"load-writer-{worker:02d}", Role.editor)


def _outcome(exc: BaseException) -> tuple[str, str]:
    """Sort a refusal into the kinds a user may see; anything else is a crash."""
    from tracker.core.errors import (
        DatabaseBusy,
        DatabaseUnavailable,
        EditConflict,
        ValidationFailed,
    )

    if isinstance(exc, EditConflict):
        return "conflict", str(exc)
    if isinstance(exc, DatabaseBusy):
        return "busy", str(exc)
    if isinstance(exc, DatabaseUnavailable):
        return "unavailable", str(exc)
    if isinstance(exc, ValidationFailed):
        return "invalid", str(exc)
    return "crash", "".join(traceback.format_exception(exc))


def _import_op(engine, spec: dict, worker: int, op: int) -> dict[str, Any]:  # noqa: ANN001
    from tests.synthetic import write_source
    from tracker.files.importer import import_paths

    tag = f"load-w{worker:02d}-op{op:04d}"
    path = write_source(Path(spec["folder"]), tag, spec["claims_per_import"])
    record: dict[str, Any] = {"op": "import", "tag": tag, "worker": worker}
    try:
        import_paths(engine, _actor(worker), [path], reason=f"load test {tag}")
    except Exception as exc:  # noqa: BLE001 - every outcome is reported, crashes included
        record["outcome"], record["message"] = _outcome(exc)
    else:
        record["outcome"] = "ok"
    return record


def _edit_op(engine, spec: dict, worker: int, op: int, rng: random.Random) -> dict[str, Any]:  # noqa: ANN001
    """Read a shared claim, then save a change at the version read, as a form does."""
    from tracker.domain.models import Claim
    from tracker.store.db import read_session, write_session
    from tracker.store.write import update_claim

    claim_id = rng.choice(spec["shared_claims"])
    tag = f"edit-w{worker:02d}-op{op:04d}"
    record: dict[str, Any] = {"op": "edit", "tag": tag, "worker": worker, "claim": claim_id}
    try:
        with read_session(engine) as s:
            read_version = s.get(Claim, claim_id).version
        with write_session(engine) as s:
            saved = update_claim(
                s,
                _actor(worker),
                claim_id,
                {"notes": tag},
                expected_version=read_version,
                reason=f"load test {tag}",
            )
            record["version"] = saved.version
    except Exception as exc:  # noqa: BLE001
        record["outcome"], record["message"] = _outcome(exc)
    else:
        record["outcome"] = "ok"
    return record


def run_load(spec: dict) -> list[dict[str, Any]]:
    from tracker.store.db import make_engine

    worker = spec["worker"]
    engine = make_engine(spec["url"])
    rng = random.Random(worker)
    _warm_up(engine, spec, worker)
    _ready_then_wait_for_go()
    stop = threading.Event()
    threading.Thread(target=_wait_for_stop, args=(stop,), daemon=True).start()
    deadline = time.monotonic() + spec["seconds"]
    records = []
    acknowledged = 0
    for op in range(spec["max_ops"]):
        if time.monotonic() > deadline or stop.is_set():
            break
        started = time.monotonic()
        if spec["shared_claims"] and op % spec["import_every"]:
            records.append(_edit_op(engine, spec, worker, op, rng))
        else:
            records.append(_import_op(engine, spec, worker, op))
        records[-1]["seconds"] = round(time.monotonic() - started, 3)
        if records[-1]["outcome"] == "ok":
            acknowledged += 1
            say(f"ack {acknowledged}")
    engine.dispose()
    return records


def _warm_up(engine, spec: dict, worker: int) -> None:  # noqa: ANN001
    """Validate one file (writing nothing) before saying "ready", so that the first-time costs
    of a process (lazy imports, the country list, compiled queries) fall before "go" and
    the time budget goes to writing."""
    from tests.synthetic import write_source
    from tracker.files.importer import import_paths

    path = write_source(Path(spec["folder"]), f"warm-up-w{worker:02d}", spec["claims_per_import"])
    import_paths(engine, _actor(worker), [path], dry_run=True)
    path.unlink()


def _wait_for_stop(stop: threading.Event) -> None:
    if sys.stdin.readline().strip() == "stop":
        stop.set()


def run_import_and_stop(spec: dict) -> None:
    """Import `paths`, and at the chosen progress point say so and block until killed."""
    from tracker.files.importer import import_paths
    from tracker.store.db import make_engine

    engine = make_engine(spec["url"])
    stop_at = spec["stop_at"]  # "first": sources written, claims not yet; "last": all rows

    def progress(done: int, total: int) -> None:
        if (stop_at == "first" and done < total) or (stop_at == "last" and done == total):
            say(f"stopped at {done}/{total}")
            sys.stdin.readline()  # the parent never answers: it kills this process

    import_paths(engine, _actor(0), spec["paths"], progress=progress)
    say("finished")


def say(line: str) -> None:
    """One line to the driving test, at once (it is waiting for it)."""
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def _ready_then_wait_for_go() -> None:
    say("ready")
    if sys.stdin.readline().strip() != "go":
        raise SystemExit("no go signal")


def main(argv: list[str]) -> None:
    mode, spec_path = argv
    spec = json.loads(Path(spec_path).read_text())
    if mode == "load":
        records = run_load(spec)
        Path(spec["out"]).write_text(json.dumps(records))
    elif mode == "import-and-stop":
        run_import_and_stop(spec)
    else:
        raise SystemExit(f"unknown mode {mode!r}")


# --- the driving side (runs in the test) -------------------------------------------------


def child_env() -> dict[str, str]:
    """Children import the tracker of this checkout (CI included), as the brief asks."""
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT)
    return env


def spawn(mode: str, spec: dict, spec_path: Path) -> subprocess.Popen:
    spec_path.write_text(json.dumps(spec))
    return subprocess.Popen(
        [sys.executable, "-m", "tests.writers", mode, str(spec_path)],
        cwd=ROOT,
        env=child_env(),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )


def expect_line(proc: subprocess.Popen, prefix: str) -> str:
    line = proc.stdout.readline()
    if not line.startswith(prefix):
        proc.kill()
        raise AssertionError(f"writer said {line!r} (expected {prefix!r}); see its stderr")
    return line.strip()


@dataclass
class LoadRun:
    """What a group of writers attempted, and how each attempt ended."""

    writers: int
    records: list[dict[str, Any]] = field(default_factory=list)

    def of(self, op: str, outcome: str | None = None) -> list[dict[str, Any]]:
        return [
            r
            for r in self.records
            if r["op"] == op and (outcome is None or r["outcome"] == outcome)
        ]

    def refused(self, op: str) -> list[dict[str, Any]]:
        return [r for r in self.of(op) if r["outcome"] != "ok"]

    def crashes(self) -> list[dict[str, Any]]:
        return [r for r in self.records if r["outcome"] not in ("ok", "conflict", "busy")]


class Writers:
    """A group of load writers: start them, release them together, collect their records."""

    def __init__(
        self,
        url: str,
        folder: Path,
        *,
        writers: int = 8,
        seconds: float = 6.0,
        max_ops: int = 60,
        shared_claims: list[int] | None = None,
        import_every: int = 2,
        claims_per_import: int = 5,
    ):
        self.folder = folder
        self.procs: list[subprocess.Popen] = []
        self.outs: list[Path] = []
        self.acks = [0] * writers
        folder.mkdir(parents=True, exist_ok=True)
        for w in range(writers):
            out = folder / f"writer-{w:02d}.json"
            spec = {
                "url": url,
                "worker": w,
                "folder": str(folder / f"files-{w:02d}"),
                "seconds": seconds,
                "max_ops": max_ops,
                "shared_claims": shared_claims or [],
                "import_every": import_every,
                "claims_per_import": claims_per_import,
                "out": str(out),
            }
            self.procs.append(spawn("load", spec, folder / f"writer-{w:02d}.spec.json"))
            self.outs.append(out)

    def __enter__(self) -> Writers:
        return self

    def __exit__(self, *exc: object) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                proc.kill()
            proc.wait()
            with contextlib.suppress(BrokenPipeError):  # it may have exited with input unread
                proc.stdin.close()
            proc.stdout.close()

    def go(self) -> None:
        """Wait until every writer is ready (imports done, engine made), then release all."""
        for proc in self.procs:
            expect_line(proc, "ready")
        for proc in self.procs:
            proc.stdin.write("go\n")
            proc.stdin.flush()

    def wait_for_acks(self, at_least: int) -> None:
        """Return once every writer has had `at_least` writes acknowledged in all."""
        for n, proc in enumerate(self.procs):
            while self.acks[n] < at_least:
                line = expect_line(proc, "ack ")
                self.acks[n] = int(line.split()[1])

    def next_ack(self) -> None:
        """Wait for the next acknowledged write of any writer (taking them in turn)."""
        self._turn = (getattr(self, "_turn", -1) + 1) % len(self.procs)
        line = expect_line(self.procs[self._turn], "ack ")
        self.acks[self._turn] = int(line.split()[1])

    def stop(self) -> None:
        """Ask every writer to finish the write in hand and stop.

        A writer that reached its own limit (time or operations) first has already
        exited and closed its end of the pipe: there is nothing to tell it.
        """
        for proc in self.procs:
            if proc.poll() is not None:
                continue
            with contextlib.suppress(BrokenPipeError):  # it may exit between poll and write
                proc.stdin.write("stop\n")
                proc.stdin.flush()

    def wait(self) -> LoadRun:
        run = LoadRun(writers=len(self.procs))
        for proc, out in zip(self.procs, self.outs, strict=True):
            proc.stdout.read()  # the rest of its acks, so that it never blocks on a full pipe
            proc.wait(timeout=PROCESS_TIMEOUT)
            assert proc.returncode == 0, f"writer exited with {proc.returncode}"
            run.records += json.loads(out.read_text())
        return run


if __name__ == "__main__":
    main(sys.argv[1:])
