"""The dashboard stays responsive while imports run, and never shows half an import.

A reader's Figures and Claims pages are rendered (AppTest, every cache cleared so that each
render really queries the database) while another process imports: held at its first
progress report (sources written, claims not yet) or at its last (every row written, not
committed: on SQLite it holds the write lock), then let go to commit. While it is held, the
pages render without an exception and show exactly what they showed before; once it has
committed, exactly the new state. And while writer processes import for real, every
render shows whole imports only (the claim count moves in steps of one import).
"""

from __future__ import annotations

import json
import re

import pytest
from streamlit.testing.v1 import AppTest

from tests.dashboard_support import APP
from tests.helpers import source_doc, write_doc
from tests.synthetic import write_big_import
from tests.writers import PROCESS_TIMEOUT, Writers, expect_line, spawn
from tracker.files.importer import import_paths
from tracker.read import queries
from tracker.read.filters import ClaimFilter
from tracker.store.db import make_engine
from tracker.store.write import SYSTEM

pytestmark = pytest.mark.slow

FILES, CLAIMS_PER_FILE = 3, 400  # the importer reports progress every 1,000 claims


def render(url: str, view: str, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    """A fresh session's render of `view`, with no result cached from an earlier one."""
    from dashboard import data

    monkeypatch.setenv("TRACKER_DATABASE_URL", url)
    data.clear()
    at = AppTest.from_file(str(APP), default_timeout=120)
    if view != "views/figures.py":
        at.switch_page(view)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    return at


def plotted(at: AppTest) -> frozenset[int]:
    """The claim ids the Figures chart draws."""
    [chart] = at.get("plotly_chart")
    ids = set()
    for trace in json.loads(chart.proto.spec)["data"]:
        for custom in trace.get("customdata") or []:
            if custom and isinstance(custom[0], str) and custom[0][:1].isdigit():
                ids.update(int(i) for i in custom[0].split(","))
    return frozenset(ids)


def claims_total(at: AppTest) -> int:
    """The Claims page's "Claims 1–50 of N" (the filtered total, counted in the database)."""
    for caption in at.caption:
        shown = caption.value.replace("\\", "")  # the caption is escaped Markdown
        match = re.search(r"Claims [\d,]+–[\d,]+ of ([\d,]+)", shown)
        if match:
            return int(match.group(1).replace(",", ""))
    raise AssertionError("the Claims page shows no total")


def snapshot(url: str, monkeypatch: pytest.MonkeyPatch) -> tuple[frozenset[int], int]:
    return (
        plotted(render(url, "views/figures.py", monkeypatch)),
        claims_total(render(url, "views/claims.py", monkeypatch)),
    )


@pytest.fixture
def stocked_url(vocab_engine, database_url, tmp_path) -> str:
    """A database with the vocabularies and one source, so that both pages draw."""
    import_paths(vocab_engine, SYSTEM, [write_doc(tmp_path / "one.yaml", source_doc())])
    vocab_engine.dispose()
    return database_url


@pytest.mark.parametrize("stop_at", ["first", "last"])
def test_pages_render_during_a_bulk_import_and_show_it_whole_or_not_at_all(
    stocked_url, tmp_path, monkeypatch, stop_at
):
    paths = write_big_import(tmp_path / "big", files=FILES, claims_per_file=CLAIMS_PER_FILE)
    before = snapshot(stocked_url, monkeypatch)
    spec = {"url": stocked_url, "paths": [str(p) for p in paths], "stop_at": stop_at}
    proc = spawn("import-and-stop", spec, tmp_path / "import.spec.json")
    try:
        expect_line(proc, "stopped at")
        during = snapshot(stocked_url, monkeypatch)
        proc.stdin.write("\n")  # let it go on: it commits and says so
        proc.stdin.flush()
        expect_line(proc, "finished")
        proc.wait(timeout=PROCESS_TIMEOUT)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        proc.stdin.close()
        proc.stdout.close()
    assert proc.returncode == 0
    after = snapshot(stocked_url, monkeypatch)

    assert during == before  # nothing of the import in hand shows
    assert after[1] == before[1] + FILES * CLAIMS_PER_FILE  # all of it once committed
    assert after[0] > before[0]
    engine = make_engine(stocked_url)
    assert queries.count_claims(engine, ClaimFilter()) == after[1]
    engine.dispose()


def test_every_render_while_writers_import_shows_whole_imports_only(
    stocked_url, tmp_path, monkeypatch
):
    per_import = 5
    base = snapshot(stocked_url, monkeypatch)[1]
    totals = []
    with Writers(
        stocked_url,
        tmp_path / "writers",
        writers=2,
        seconds=240,  # they write until told to stop, after the renders
        max_ops=400,
        import_every=1,
        claims_per_import=per_import,
    ) as writers:
        writers.go()
        for _ in range(3):
            writers.next_ack()  # renders happen while the writers go on writing
            totals.append(claims_total(render(stocked_url, "views/claims.py", monkeypatch)))
            render(stocked_url, "views/figures.py", monkeypatch)
        writers.stop()
        run = writers.wait()
    assert not run.crashes()
    acknowledged = len(run.of("import", "ok"))
    assert all((t - base) % per_import == 0 for t in totals), (base, totals)
    assert totals == sorted(totals) and base < totals[-1] <= base + acknowledged * per_import
    final = claims_total(render(stocked_url, "views/claims.py", monkeypatch))
    assert final == base + acknowledged * per_import
