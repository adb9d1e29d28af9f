"""The read side the dashboard asks, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date

import pytest
from sqlmodel import select

from tests.conftest import VOCAB_FILES
from tests.helpers import claim, source_doc, write_doc
from tracker.core.errors import TrackerError
from tracker.domain.models import Claim, Source
from tracker.files.importer import import_paths
from tracker.files.interchange import build_export
from tracker.read import queries
from tracker.read.filters import ClaimFilter, where
from tracker.store.db import read_session
from tracker.store.write import SYSTEM

KILLED_UA = ClaimFilter(metric="civilian_killed", place="UA", cumulative=True)


def ids_by_key(engine) -> dict[str, int]:
    with read_session(engine) as session:
        return {k: i for k, i in session.exec(select(Claim.key, Claim.id))}


def test_one_statement_relayed_by_several_sources_is_one_chart_point(sample_engine):
    points = queries.chart_points(sample_engine, KILLED_UA)
    assert len(points) == queries.count_statements(sample_engine, KILLED_UA)
    keys = ids_by_key(sample_engine)
    relayed = keys["ohchr-2023-02-12-killed"]
    [row] = [r for r in points.to_dict("records") if relayed in r["claim_ids"]]
    assert set(row["claim_ids"]) == {
        keys["ohchr-2023-02-12-killed"],
        keys["seed-2023-02-13-killed"],
        keys["ukmod-2023-02-13-killed"],
    }
    assert row["n_sources"] == 3 and len(row["sources"]) == 3
    assert row["value"] == 7199 and row["claimant_short"] == "OHCHR"
    # One relay's wrong date label does not make the statement disputed.
    assert row["status"] == "unverified"
    assert sorted(s["status"] for s in row["sources"]) == ["disputed", "unverified", "unverified"]
    every_id = [i for ids in points["claim_ids"] for i in ids]
    assert len(every_id) == len(set(every_id))


def test_chart_points_keep_the_latest_statements_within_the_limit(sample_engine):
    everything = queries.chart_points(sample_engine, KILLED_UA)
    latest = queries.chart_points(sample_engine, KILLED_UA, limit=5)
    assert len(latest) == 5
    assert set(latest["period_end"]) <= set(everything["period_end"])
    assert min(latest["period_end"]) >= sorted(everything["period_end"])[-5]


def test_chart_points_follow_the_filter(sample_engine):
    f = ClaimFilter(metric="children_killed", place="UA", claimants=("pgo",))
    points = queries.chart_points(sample_engine, f)
    assert len(points) > 0 and set(points["claimant_key"]) == {"pgo"}
    assert queries.chart_points(sample_engine, ClaimFilter(metric="health_workers_killed")).empty


@pytest.fixture
def monitor_engine(vocab_engine, tmp_path):
    """Example Monitor's fictional series: a retracted latest figure and a range."""
    doc = source_doc(
        claims=[
            claim(id="m1", claimant="Example Monitor", value=10, period_end="2023-01-01"),
            claim(
                id="m2",
                claimant="Example Monitor",
                value=None,
                low=30,
                high=50,
                period_end="2023-01-15",
                qualifier="exact",
                quote="between 30 and 50 killed",
            ),
            claim(
                id="m3",
                claimant="Example Monitor",
                value=99,
                period_end="2023-02-01",
                status="retracted",
                status_reason="the wire withdrew it",
                quote="99 killed",
            ),
        ]
    )
    import_paths(vocab_engine, SYSTEM, [write_doc(tmp_path / "monitor.yaml", doc)])
    return vocab_engine


def test_retracted_claims_are_charted_only_on_request(monitor_engine):
    f = ClaimFilter(metric="civilian_killed", place="UA")
    hidden = queries.chart_points(monitor_engine, replace(f, include_retracted=False))
    assert "retracted" not in set(hidden["status"]) and len(hidden) == 2
    shown = queries.chart_points(monitor_engine, f)
    assert sorted(shown["status"]) == ["retracted", "unverified", "unverified"]
    ranged = shown[shown["low"].notna()].iloc[0]
    assert (ranged["low"], ranged["high"]) == (30, 50)


def test_latest_figure_is_never_a_retracted_one(monitor_engine):
    latest = queries.latest_per_claimant(monitor_engine, ClaimFilter(metric="civilian_killed"))
    [row] = latest.to_dict("records")
    assert row["claim_key"] == "m2" and row["period_end"] == date(2023, 1, 15)
    assert row["n_sources"] == 1


def test_latest_per_claimant_takes_each_claimants_newest_figure(sample_engine):
    latest = queries.latest_per_claimant(sample_engine, KILLED_UA)
    assert latest["claimant_key"].is_unique
    ohchr = latest[latest["claimant_key"] == "ohchr"].iloc[0]
    points = queries.chart_points(sample_engine, replace(KILLED_UA, claimants=("ohchr",)))
    assert ohchr["period_end"] == max(points["period_end"])
    assert list(latest["period_end"]) == sorted(latest["period_end"], reverse=True)


def test_claims_are_sorted_and_paged_in_the_database(sample_engine):
    f = ClaimFilter(metric="civilian_killed")
    total = queries.count_claims(sample_engine, f)
    pages = [
        queries.claims_page(sample_engine, f, sort="-value", limit=20, offset=offset)
        for offset in range(0, total, 20)
    ]
    ids = [i for page in pages for i in page["claim_id"]]
    assert len(ids) == len(set(ids)) == total
    values = [v for page in pages for v in page["value"].fillna(0)]
    assert values == sorted(values, reverse=True)
    by_claimant = queries.claims_page(sample_engine, f, sort="claimant", limit=500)
    assert list(by_claimant["claimant_name"]) == sorted(by_claimant["claimant_name"])
    with pytest.raises(TrackerError, match="unknown sort 'colour'"):
        queries.claims_page(sample_engine, f, sort="colour")


def test_downloads_hold_exactly_the_filtered_rows(sample_engine):
    f = ClaimFilter(text="Bakhmut", statuses=("unverified",))
    with read_session(sample_engine) as session:
        expected = set(session.exec(select(Claim.key).where(where(f))))
    assert expected
    csv_lines = build_export(sample_engine, "csv", f).data.decode().splitlines()
    assert len(csv_lines) == len(expected) + 1 and csv_lines[0].startswith("id,metric,value")
    doc = json.loads(build_export(sample_engine, "json", f).data)
    assert doc["filter"] == f.describe()
    assert {c["id"] for c in doc["claims"]} == expected


def test_sources_are_listed_with_claim_counts_and_searched(sample_engine):
    total = queries.count_sources(sample_engine)
    listed = queries.sources_list(sample_engine, limit=500)
    assert len(listed) == total
    assert listed["claims"].sum() == queries.count_claims(sample_engine, ClaimFilter())
    assert list(listed["published"]) == sorted(listed["published"], reverse=True)
    reuters = queries.sources_list(sample_engine, "reuters")
    assert len(reuters) == queries.count_sources(sample_engine, "reuters") > 0
    assert queries.sources_list(sample_engine, "%_%").empty  # LIKE wildcards are literal


def test_a_source_shows_its_metadata_text_and_every_claim(sample_engine):
    with read_session(sample_engine) as session:
        source = session.exec(select(Source).where(Source.text.is_not(None))).first()
    detail = queries.source_detail(sample_engine, source.id)
    assert detail["title"] == source.title and detail["text"] == source.text
    assert set(detail["claims"]["source_id"]) == {source.id}
    assert queries.source_detail(sample_engine, 999_999) is None


def test_a_claim_comes_with_its_sources_other_claims_and_relays(sample_engine):
    keys = ids_by_key(sample_engine)
    detail = queries.claim_detail(sample_engine, keys["ohchr-2023-02-12-killed"])
    assert detail["source_publisher"] == "OHCHR"
    assert list(detail["other_claims"]["claim_key"]) == ["ohchr-2023-02-12-injured"]
    assert set(detail["same_statement"]["claim_key"]) == {
        "seed-2023-02-13-killed",
        "ukmod-2023-02-13-killed",
    }
    assert queries.claim_detail(sample_engine, 999_999) is None


def test_filter_options_offer_every_metric_and_the_places_and_claimants_with_claims(sample_engine):
    options = queries.filter_options(sample_engine)
    metrics = options["metrics"].set_index("key")
    assert metrics.loc["health_workers_killed", "claims"] == 0  # offered, though empty
    assert not metrics.loc["settlements_attacked", "cumulative"]
    assert options["places"]["key"].iloc[0] == "UA"  # the most claims first
    assert (options["claimants"]["claims"] > 0).all()


def test_queries_on_an_empty_database_return_empty_results(engine):
    import_paths(engine, SYSTEM, VOCAB_FILES)
    f = ClaimFilter(metric="civilian_killed", place="UA")
    assert queries.chart_points(engine, f).empty
    assert queries.latest_per_claimant(engine, f).empty
    assert queries.claims_page(engine, f).empty and queries.count_claims(engine, f) == 0
    assert queries.sources_list(engine).empty
    assert queries.data_version(engine) >= 0


# --- bounded for a million claims ---------------------------------------------------------------


def test_a_chart_within_the_bound_draws_every_statement(sample_engine):
    drawn = queries.chart(sample_engine, KILLED_UA)
    assert drawn.period is None and not drawn.more_than_statements
    assert (
        drawn.statements == len(drawn.points) == queries.count_statements(sample_engine, KILLED_UA)
    )
    assert list(drawn.points.columns) == queries.CHART_COLUMNS


def test_beyond_the_bound_the_chart_is_the_highest_figure_per_claimant_per_period(sample_engine):
    f = replace(KILLED_UA, include_retracted=False)
    statements = queries.count_statements(sample_engine, f)
    limit = statements - 1
    drawn = queries.chart(sample_engine, f, limit=limit)
    assert drawn.more_than_statements and drawn.statements == limit
    assert drawn.period in {"week", "month", "quarter", "year"}
    points = drawn.points
    assert 0 < len(points) <= limit
    assert list(points.columns) == queries.AGGREGATE_COLUMNS
    every = queries.chart_points(sample_engine, f)
    for row in points.to_dict("records"):
        mine = every[
            (every["claimant_key"] == row["claimant_key"])
            & (every["period_end"] >= row["period_start"])
            & (every["period_end"] <= row["period_end"])
        ]
        figures = [v if v == v else lo for v, lo in zip(mine["value"], mine["low"], strict=True)]
        assert row["value"] == max(figures)  # the highest figure, never a sum or a mean
        assert row["n_claims"] == sum(len(ids) for ids in mine["claim_ids"])
    assert points["n_claims"].sum() == sum(len(ids) for ids in every["claim_ids"])


def test_periods_get_coarser_until_the_grid_fits(sample_engine):
    f = replace(KILLED_UA, include_retracted=False)
    periods = [queries.chart(sample_engine, f, limit=n).period for n in (40, 12, 3)]
    order = [p for p, _days, _plural in queries.PERIODS]
    assert [order.index(p) for p in periods] == sorted(order.index(p) for p in periods)
    assert queries.chart(sample_engine, f, limit=1).period == "year"


def test_counts_stop_at_their_bound(sample_engine):
    total = queries.count_claims(sample_engine, ClaimFilter())
    assert queries.count_claims(sample_engine, ClaimFilter(), at_most=10) == 10
    assert queries.count_claims(sample_engine, ClaimFilter(), at_most=total + 5) == total
    statements = queries.count_statements(sample_engine, KILLED_UA)
    assert queries.count_statements(sample_engine, KILLED_UA, at_most=3) == 3
    assert queries.count_statements(sample_engine, KILLED_UA, at_most=10_000) == statements


def test_latest_per_claimant_matches_a_plain_reading_of_the_rule(sample_engine):
    """Newest as-of date, then the most recently published source, then the newest claim:
    computed here from every claim, to compare with the indexed lookup."""
    f = ClaimFilter(metric="civilian_killed")
    latest = queries.latest_per_claimant(sample_engine, f)
    rows = queries.claims_page(sample_engine, replace(f, include_retracted=False), limit=10_000)
    expected = {}
    for r in rows.sort_values(["period_end", "source_published", "claim_id"]).to_dict("records"):
        expected[(r["claimant_key"], r["place_key"])] = r["claim_id"]
    got = {(r["claimant_key"], r["place_key"]): r["claim_id"] for r in latest.to_dict("records")}
    assert got == expected


def test_the_sources_page_counts_each_listed_sources_claims(sample_engine):
    listed = queries.sources_list(sample_engine, limit=500)
    with read_session(sample_engine) as session:
        for row in listed.to_dict("records")[:40]:
            n = len(session.exec(select(Claim.id).where(Claim.source_id == row["source_id"])).all())
            assert row["claims"] == n


# --- chart views: places side by side, period lengths, stable claim ids ---------------------


def test_places_within_a_country_are_its_regions_with_their_claims(sample_engine):
    f = ClaimFilter(metric="settlements_attacked", place="UA", within=True, cumulative=False)
    points = queries.chart_points(sample_engine, f)
    assert set(points["place_name"]) >= {"Kharkiv Oblast", "Luhansk Oblast", "Donetsk Oblast"}
    assert "UA" not in set(points["place_key"])  # the places within, not the country itself


def test_period_lengths_are_counted_in_the_database_most_common_first(sample_engine):
    f = ClaimFilter(metric="civilian_killed", place="UA")
    lengths = queries.period_lengths(sample_engine, f)
    assert next(iter(lengths)) == "month"
    assert lengths["month"] > lengths.get("half-year", 0)
    assert list(lengths.values()) == sorted(lengths.values(), reverse=True)
    for length, n in lengths.items():
        one = replace(f, cumulative=False, period_length=length)
        assert queries.count_claims(sample_engine, one) == n


def test_a_period_length_leaves_cumulative_figures_be(sample_engine):
    f = ClaimFilter(metric="civilian_killed", place="UA")
    cumulative = queries.count_claims(sample_engine, replace(f, cumulative=True))
    year = queries.count_claims(sample_engine, replace(f, cumulative=False, period_length="year"))
    both = queries.count_claims(sample_engine, replace(f, period_length="year"))
    assert both == cumulative + year


def test_a_past_24_hours_window_is_a_day(sample_engine):
    f = ClaimFilter(metric="settlements_attacked", place="UA", within=True)
    assert queries.period_lengths(sample_engine, f) == {"day": 3}


def test_a_claim_is_found_by_its_id_from_the_data_files_or_its_row_number(sample_engine):
    with read_session(sample_engine) as session:
        row = session.exec(select(Claim.id).where(Claim.key == "ohchr-2023-02-12-killed")).one()
    assert queries.claim_id_for(sample_engine, "ohchr-2023-02-12-killed") == row
    assert queries.claim_id_for(sample_engine, str(row)) == row
    assert queries.claim_id_for(sample_engine, "no-such-claim") is None
    assert queries.claim_id_for(sample_engine, "9" * 40) is None
    assert queries.claim_id_for(sample_engine, "") is None


def test_metrics_with_figures_are_those_with_claims_about_the_place(sample_engine):
    offered = queries.metrics_with_figures(sample_engine, "UA-63")
    assert "settlements_attacked" in offered and "civilian_killed" not in offered
    within = queries.metrics_with_figures(sample_engine, "UA", within=True)
    assert "settlements_attacked" in within


def test_series_order_is_the_order_of_entry(sample_engine):
    order = queries.series_order(sample_engine)
    assert order["claimant"][0] == "ohchr" and order["place"][0] == "UA"
