"""A large bulk load split over two processes: one builds the rows, the other writes them.

The loader's time at a million synthetic claims was half Python (generating the input,
building each row, its keys and its revision's JSON: `BulkLoader.prepare`) and half the
database's (the inserts, the index builds, the commit), one after the other on one core.
Threads cannot overlap them: the driver releases the GIL around each row's insert only to
take it back a few microseconds later, so a Python thread beside it stalls it instead.
A second process can. This one forks a child that runs the input and `prepare` and sends
each prepared batch through a pipe; the parent gives the rows their ids and writes them,
in its one transaction, as it would have anyway (`BulkLoader.write`).

Fork, not spawn: the child needs the loader as it stands (its vocabulary, its bind
processors, the generator about to run), none of which has to be pickled that way. The
child never touches the database: claimants are resolved by the parent before the fork
(`BulkLoader.resolve_claimants`), the child's loader is told it may not create any, and it
leaves through `os._exit` (multiprocessing's own), so that nothing it inherited is closed
or flushed from its side. Only where fork is safe and can pay: a POSIX system with two
cores or more, and a process with no other thread running (forking a threaded process can
leave a lock held for ever in the child).
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import pickle
import threading
from collections.abc import Iterable
from multiprocessing.connection import Connection
from typing import Any

from tracker.core.errors import TrackerError
from tracker.store.bulk import BulkLoader

#: Below this many claims a second process costs more than it saves (forking, pickling).
MIN_CLAIMS = 5_000
#: Claims per batch when two processes share the work: small enough that the first batch
#: (the child alone) and the last (the parent alone) are a small part of the load.
BATCH = 2_000


def can_fork() -> bool:
    """Whether a second process may be forked here, and would run on its own core."""
    return (
        "fork" in multiprocessing.get_all_start_methods()
        and (os.cpu_count() or 1) >= 2
        and threading.active_count() == 1
    )


def load_in_two_processes(
    loader: BulkLoader, items: Iterable[tuple[dict[str, Any], list[dict[str, Any]]]]
) -> None:
    """Feed `loader` every (source, claims) of `items`, the rows built in a forked child.
    Does not call `finish`. An error in the child (an unknown metric, say) is raised here
    as it would have been in one process; an error here stops the child."""
    receiving, sending = multiprocessing.get_context("fork").Pipe(duplex=False)
    loader.creates_claimants = False  # the child's copy may not write (module docstring)
    child = multiprocessing.get_context("fork").Process(
        target=_build_rows, args=(loader, items, sending), daemon=True
    )
    # Frozen, what the parent holds is never collected in the child: a session or a
    # connection proxy that was garbage at the fork would otherwise be finalized there too,
    # and could send a ROLLBACK down the parent's connection.
    gc.freeze()
    try:
        child.start()
    finally:
        gc.unfreeze()
        loader.creates_claimants = True
    sending.close()
    try:
        while True:
            try:
                message = receiving.recv()
            except EOFError:
                child.join()
                raise TrackerError(
                    "the process building the rows stopped unexpectedly "
                    f"(exit code {child.exitcode}); nothing was stored"
                ) from None
            if message is None:
                break
            if isinstance(message, BaseException):
                raise message
            loader.write(message)
    finally:
        receiving.close()
        if child.is_alive():
            child.kill()
        child.join()


def _build_rows(
    loader: BulkLoader,
    items: Iterable[tuple[dict[str, Any], list[dict[str, Any]]]],
    out: Connection,
) -> None:
    """The child: batches of `loader.batch_size` claims, prepared and sent; then None, or
    the error that stopped it."""
    # Nothing the child makes outlives its batch, and it holds no cycle worth collecting:
    # the cyclic collector only walked the ever-growing generations (a tenth of its time).
    gc.disable()
    try:
        batch: list[tuple[dict[str, Any], list[dict[str, Any]]]] = []
        pending = 0
        for source, claims in items:
            batch.append((source, claims))
            pending += len(claims)
            if pending >= loader.batch_size:
                out.send(loader.prepare(batch))
                batch, pending = [], 0
        if batch:
            out.send(loader.prepare(batch))
        out.send(None)
    except Exception as error:  # handed to the parent, which raises it in its transaction
        out.send(_picklable(error))
    finally:
        out.close()


def _picklable(error: Exception) -> Exception:
    """The error itself when it survives the pipe, else a TrackerError with its message."""
    try:
        pickle.loads(pickle.dumps(error))
    except Exception:
        return TrackerError(str(error))
    return error
