"""Each page's main query uses the index chosen for it (issue 6), on SQLite.

The statements are the ones `tracker.read.queries` really runs (captured from the engine), each
put through EXPLAIN QUERY PLAN on a store holding the sample data and a few thousand
synthetic claims written the way the bulk loader writes them (Core inserts), after ANALYZE.
A plan check, not a timing: it fails when a query stops using its index, for instance after
a change to the filter's SQL or to the index's columns, long before anyone notices a page
taking seconds at a million claims.
"""

from __future__ import annotations

import random
import re
import shutil
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, insert, select, text
from sqlalchemy.engine import Engine

from tests.conftest import DATA
from tracker.checks import rules as checks
from tracker.domain.models import Claim, Claimant, Metric, Place, Source
from tracker.files.importer import import_paths
from tracker.read import queries
from tracker.read.filters import ClaimFilter
from tracker.store.db import make_engine, read_session
from tracker.store.write import SYSTEM

KILLED_UA = ClaimFilter(
    metric="civilian_killed", place="UA", cumulative=True, include_retracted=False
)
SYNTHETIC_CLAIMS = 4_000
READS_CLAIM = re.compile(r"\b(FROM|JOIN) claim\b(?!_)")


def add_synthetic_claims(engine: Engine, n: int, seed: int = 6) -> None:
    """`n` fictional claims (Synthetic claimant NN, example.org sources, five claims a
    source) inserted with Core executemany, bypassing the ORM like tracker's bulk loader."""
    rng = random.Random(seed)
    now = datetime.now(UTC)
    with engine.begin() as conn:
        metrics = conn.execute(select(Metric.id, Metric.key)).all()
        places = conn.execute(select(Place.id)).scalars().all()
        base = conn.execute(select(Claimant.id).order_by(Claimant.id.desc())).first()[0]
        claimants = [
            {"id": base + i, "key": f"synthetic-{i:02d}", "name": f"Synthetic claimant {i:02d}"}
            for i in range(1, 21)
        ]
        conn.execute(insert(Claimant), [c | {"kind": "other", "aliases": []} for c in claimants])
        first_source = conn.execute(select(Source.id).order_by(Source.id.desc())).first()[0] + 1
        sources, rows = [], []
        for s in range(n // 5):
            published = date(2022, 3, 1) + timedelta(days=rng.randrange(900))
            sources.append(
                {
                    "id": first_source + s,
                    "url": f"https://example.org/synthetic/plans/{s}",
                    "title": f"Synthetic report {s} on shelling in region {s % 9}",
                    "publisher": "Example Monitor",
                    "published": published,
                    "synthetic": True,
                }
            )
            for c in range(5):
                metric_id, metric_key = rng.choice(metrics)
                value = rng.randrange(1, 90_000)
                claimant = rng.choice(claimants)
                end = published - timedelta(days=rng.randrange(3))
                rows.append(
                    {
                        "key": f"synthetic-plans-{s}-{c}",
                        "source_id": first_source + s,
                        "claimant_id": claimant["id"],
                        "metric_id": metric_id,
                        "place_id": rng.choice(places),
                        "value": value,
                        "qualifier": "exact",
                        "period_start": date(2022, 2, 24),
                        "period_end": end,
                        "cumulative": True,
                        "quote": f"the synthetic monitor recorded {value:,} {metric_key}",
                        "status": rng.choice(["unverified"] * 8 + ["disputed", "retracted"]),
                        "statement_key": f"syn-{claimant['id']}-{metric_id}-{end}-{value}",
                        "created_at": now,
                        "updated_at": now,
                    }
                )
        conn.execute(insert(Source), sources)
        conn.execute(insert(Claim), rows)


@pytest.fixture(scope="module")
def plan_engine(
    sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Engine]:
    path = tmp_path_factory.mktemp("plans") / "plans.db"
    shutil.copy(sqlite_template, path)
    engine = make_engine(f"sqlite:///{path}")
    import_paths(engine, SYSTEM, [DATA])
    add_synthetic_claims(engine, SYNTHETIC_CLAIMS)
    with engine.begin() as conn:
        conn.exec_driver_sql("ANALYZE")
    yield engine
    engine.dispose()


def plans(engine: Engine, run: Callable[[], Any]) -> list[tuple[str, str]]:
    """(statement, its query plan as one text) for every SELECT that `run` sends."""
    sent: list[tuple[str, Any]] = []

    def capture(_conn, _cursor, statement, parameters, _context, _many) -> None:  # noqa: ANN001
        if statement.lstrip().upper().startswith(("SELECT", "WITH")):
            sent.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", capture)
    try:
        run()
    finally:
        event.remove(engine, "before_cursor_execute", capture)
    out = []
    with engine.connect() as conn:
        for statement, parameters in sent:
            rows = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters).all()
            out.append((statement, "\n".join(r[-1] for r in rows)))
    return out


def claim_plans(engine: Engine, run: Callable[[], Any]) -> list[str]:
    """The plans of the statements that read the claim table."""
    return [plan for sql, plan in plans(engine, run) if READS_CLAIM.search(sql)]


def assert_no_claim_scan(plan: str) -> None:
    """No full pass over the claim table's rows (a walk of an index in order is not one)."""
    for line in plan.splitlines():
        words = line.strip("|-` ").split()
        if words[:2] == ["SCAN", "claim"] and "USING" not in words:
            raise AssertionError(f"full scan of claim:\n{plan}")


def test_the_figures_chart_counts_its_statements_from_the_covering_series_index(plan_engine):
    [plan] = claim_plans(plan_engine, lambda: queries.count_statements(plan_engine, KILLED_UA))
    assert "SEARCH claim USING COVERING INDEX ix_claim_series (metric_id=? AND place_id=?)" in plan
    assert_no_claim_scan(plan)


def test_a_crowded_chart_is_aggregated_from_the_covering_series_index(plan_engine):
    [plan] = claim_plans(plan_engine, lambda: queries._aggregate(plan_engine, KILLED_UA, "month"))
    assert "SEARCH claim USING COVERING INDEX ix_claim_series (metric_id=? AND place_id=?)" in plan
    assert_no_claim_scan(plan)


def test_a_chart_that_fits_reads_its_claims_through_the_series_index(plan_engine):
    found = claim_plans(plan_engine, lambda: queries.chart(plan_engine, KILLED_UA))
    assert len(found) >= 2  # the bounded count, then the points
    for plan in found:
        assert "USING COVERING INDEX ix_claim_series (metric_id=? AND place_id=?" in plan or (
            "USING INDEX ix_claim_series (metric_id=? AND place_id=?" in plan
        ), plan
        assert_no_claim_scan(plan)


def test_latest_per_claimant_is_one_indexed_seek_per_claimant(plan_engine):
    found = claim_plans(plan_engine, lambda: queries.latest_per_claimant(plan_engine, KILLED_UA))
    newest = found[0]
    assert "CORRELATED SCALAR SUBQUERY" in newest
    assert (
        "SEARCH claim USING COVERING INDEX ix_claim_series "
        "(metric_id=? AND place_id=? AND claimant_id=? AND cumulative=?)"
    ) in newest
    assert "USE TEMP B-TREE" not in newest  # no window, no sort of the series
    for plan in found:
        assert_no_claim_scan(plan)


def test_the_claims_table_reads_its_first_page_off_the_as_of_index(plan_engine):
    ids, rows = claim_plans(plan_engine, lambda: queries.claims_page(plan_engine, ClaimFilter()))
    assert "SCAN claim USING COVERING INDEX ix_claim_period_end" in ids
    assert "TEMP B-TREE FOR ORDER BY" not in ids  # the order is the index's: no sort
    assert "SEARCH claim USING INTEGER PRIMARY KEY (rowid=?)" in rows  # the page's rows only
    assert "SEARCH source USING INTEGER PRIMARY KEY" in rows


def test_a_sort_by_figure_sorts_ids_read_from_the_series_index(plan_engine):
    f = ClaimFilter(metric="civilian_killed")
    ids, rows = claim_plans(plan_engine, lambda: queries.claims_page(plan_engine, f, "-value"))
    assert "SEARCH claim USING COVERING INDEX ix_claim_series (metric_id=?)" in ids
    assert "SEARCH claim USING INTEGER PRIMARY KEY (rowid=?)" in rows
    assert_no_claim_scan(ids + rows)


def test_the_claims_count_stops_at_its_bound_on_an_index(plan_engine):
    sent = plans(plan_engine, lambda: queries.count_claims(plan_engine, ClaimFilter(), 10_001))
    [(sql, plan)] = [(s, p) for s, p in sent if READS_CLAIM.search(s)]
    assert "LIMIT" in sql.upper()
    assert "USING COVERING INDEX" in plan
    assert_no_claim_scan(plan)


def test_text_search_goes_through_the_full_text_tables(plan_engine):
    f = ClaimFilter(text="recorded 7,199")
    ids, rows = claim_plans(plan_engine, lambda: queries.claims_page(plan_engine, f))
    assert "claim_fts VIRTUAL TABLE INDEX" in ids and "source_fts VIRTUAL TABLE INDEX" in ids
    assert "SEARCH claim USING INTEGER PRIMARY KEY (rowid=?)" in rows
    assert_no_claim_scan(ids + rows)
    [plan] = claim_plans(plan_engine, lambda: queries.count_claims(plan_engine, f))
    assert "claim_fts VIRTUAL TABLE INDEX" in plan
    assert_no_claim_scan(plan)


def test_the_sources_page_counts_only_the_listed_sources_claims(plan_engine):
    [(_, plan)] = plans(plan_engine, lambda: queries.sources_list(plan_engine))
    assert "SCAN source USING INDEX ix_source_published" in plan
    assert "SEARCH claim USING COVERING INDEX ix_claim_source_id (source_id=?)" in plan
    assert_no_claim_scan(plan)
    [(_, searched)] = plans(plan_engine, lambda: queries.sources_list(plan_engine, "shelling"))
    assert "source_fts VIRTUAL TABLE INDEX" in searched


def test_filter_options_and_totals_count_from_covering_indexes(plan_engine):
    found = claim_plans(plan_engine, lambda: queries.filter_options(plan_engine))
    found += claim_plans(plan_engine, lambda: queries.totals(plan_engine))
    assert len(found) == 4
    for plan in found:
        assert "USING COVERING INDEX" in plan, plan
        assert_no_claim_scan(plan)


def test_a_claims_card_and_a_sources_page_seek_their_claims(plan_engine):
    with read_session(plan_engine) as session:
        claim_id, source_id = session.execute(select(Claim.id, Claim.source_id).limit(1)).one()
    found = claim_plans(plan_engine, lambda: queries.claim_detail(plan_engine, claim_id))
    found += claim_plans(plan_engine, lambda: queries.source_detail(plan_engine, source_id))
    joined = "\n".join(found)
    assert "SEARCH claim USING INDEX ix_claim_source_id (source_id=?)" in joined
    assert "SEARCH claim USING INDEX ix_claim_statement_key (statement_key=?)" in joined
    for plan in found:
        assert_no_claim_scan(plan)


def test_the_figures_pages_checks_read_only_the_plotted_claims_statements(plan_engine):
    ids = [i for ids in queries.chart_points(plan_engine, KILLED_UA)["claim_ids"] for i in ids]
    found = plans(plan_engine, lambda: checks.findings_for_claims(plan_engine, ids))
    duplicates = [p for s, p in found if "HAVING" in s.upper()]
    assert duplicates
    for plan in duplicates:
        assert "USING INDEX ix_claim_statement_key (statement_key=?)" in plan, plan
        assert_no_claim_scan(plan)


def test_the_data_version_is_one_row(plan_engine):
    [(_, plan)] = plans(plan_engine, lambda: queries.data_version(plan_engine))
    assert "SEARCH meta USING INDEX sqlite_autoindex_meta_1 (key=?)" in plan


def test_bulk_inserted_claims_are_in_the_full_text_index(plan_engine):
    """The triggers, not the ORM, keep FTS5 in step: Core inserts are found by a search."""
    found = queries.count_claims(plan_engine, ClaimFilter(text="synthetic monitor recorded"))
    assert found == SYNTHETIC_CLAIMS
    with plan_engine.connect() as conn:
        check = conn.execute(
            text("INSERT INTO claim_fts(claim_fts, rank) VALUES ('integrity-check', 1)")
        )
        check.close()


@pytest.fixture(scope="module")
def checked_plan_engine(plan_engine: Engine) -> Engine:
    """The plan store with its findings stored (as `tracker check` leaves it)."""
    from tracker.checks.finding_store import refresh_findings

    refresh_findings(plan_engine)
    with plan_engine.begin() as conn:
        conn.exec_driver_sql("ANALYZE")
    return plan_engine


def test_the_checks_page_seeks_one_page_of_a_check_on_the_findings_index(checked_plan_engine):
    from tracker.checks import findings

    found = plans(
        checked_plan_engine,
        lambda: findings.findings_page(
            checked_plan_engine, "claimant-disagreement", ["warning"], limit=25, offset=25
        ),
    )
    [(_, plan)] = [(s, p) for s, p in found if "FROM finding" in s]
    assert "SEARCH finding USING INDEX ix_finding_page (rule=? AND severity_rank=?)" in plan, plan
    assert "TEMP B-TREE" not in plan, plan  # read in order off the index, not sorted
    # Two severities: one seek each, still in index order.
    found = plans(
        checked_plan_engine,
        lambda: findings.findings_page(
            checked_plan_engine, "claimant-disagreement", ["warning", "info"], limit=25
        ),
    )
    assert found
    for _, plan in found:
        assert "USING INDEX ix_finding_page (rule=? AND severity_rank=?)" in plan, plan
        assert "TEMP B-TREE" not in plan, plan


def test_the_checks_pages_counts_and_state_are_one_row(checked_plan_engine):
    from tracker.checks import findings

    [(_, plan)] = plans(checked_plan_engine, lambda: findings.checked_state(checked_plan_engine))
    assert "SEARCH findings_state USING INTEGER PRIMARY KEY (rowid=?)" in plan, plan


def test_the_figures_rings_read_the_plotted_claims_findings_by_claim_and_by_key(
    checked_plan_engine,
):
    """The rings of a chart of thousands of claims: a seek on ix_finding_claim_claim per
    plotted claim and each finding read by its key; neither findings table is scanned."""
    from tracker.checks import findings

    ids = [
        i for ids in queries.chart_points(checked_plan_engine, KILLED_UA)["claim_ids"] for i in ids
    ]
    found = plans(
        checked_plan_engine, lambda: findings.findings_of_claims(checked_plan_engine, ids)
    )
    [(_, plan)] = [(s, p) for s, p in found if "FROM finding" in s]
    assert "USING COVERING INDEX ix_finding_claim_claim (claim_id=?)" in plan, plan
    assert "SEARCH finding USING INTEGER PRIMARY KEY (rowid=?)" in plan, plan
    assert not re.search(r"SCAN finding(_claim)?\b", plan), plan
