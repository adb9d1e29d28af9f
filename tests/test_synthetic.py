"""The synthetic dataset and the bulk loader: fictional by construction, realistic in shape,
and stored exactly as the normal write path would store it.

Issue #6: `tracker demo --synthetic N` fills a store with N claims for demos and
benchmarks. It must never be mistaken for real data (fictional names, example.org, the
`synthetic` flag) and never be mixed into a store holding real data unless asked.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select
from sqlmodel import Session

from tests.conftest import VOCAB_FILES
from tests.dbstate import stored_by_natural_keys
from tracker.checks.rules import figure_bounds, rule_ids, run_checks
from tracker.cli import main
from tracker.core.errors import TrackerError, ValidationFailed
from tracker.domain.lookup import Vocabulary
from tracker.domain.models import Claim, Revision, Source
from tracker.domain.schemas import ClaimIn, SourceIn
from tracker.domain.vocab import PlaceLevel
from tracker.extraction.quotes import require_quote_checks
from tracker.files.importer import import_paths
from tracker.files.synthetic import (
    LAST_DAY,
    METRIC_WEIGHTS,
    SYNTHETIC_WARNING,
    URL_PREFIX,
    SyntheticVocabulary,
    generate,
    holds_real_data,
    is_synthetic_loaded,
    load_synthetic,
)
from tracker.read.filters import ClaimFilter
from tracker.read.queries import (
    chart_points,
    claims_page,
    count_claims,
    latest_per_claimant,
    totals,
)
from tracker.store.bulk import BulkLoader
from tracker.store.db import read_session, write_session
from tracker.store.version import data_version
from tracker.store.write import SYSTEM, add_claim, add_source

REASON = "synthetic test data"


@pytest.fixture(scope="module")
def synthetic_vocab() -> SyntheticVocabulary:
    from tracker.files.reading import load_vocabulary

    return SyntheticVocabulary.from_vocabulary(load_vocabulary(VOCAB_FILES))


def dataset(n: int, vocab: SyntheticVocabulary, seed: int = 1) -> list[Any]:
    return list(generate(n, seed=seed, vocab=vocab))


def all_claims(items: list[Any]) -> list[dict[str, Any]]:
    return [c for item in items for c in item.claims]


# --- the generator ---------------------------------------------------------------------------


def test_same_seed_gives_the_same_dataset_and_another_seed_another(synthetic_vocab):
    assert dataset(500, synthetic_vocab, seed=3) == dataset(500, synthetic_vocab, seed=3)
    other = dataset(500, synthetic_vocab, seed=4)
    assert all_claims(other) != all_claims(dataset(500, synthetic_vocab, seed=3))
    assert all(item.source["url"].startswith(f"{URL_PREFIX}4/") for item in other)


def test_generates_exactly_n_claims_about_five_per_source(synthetic_vocab):
    for n in (1, 7, 2000):
        items = dataset(n, synthetic_vocab)
        assert len(all_claims(items)) == n
    per_source = 2000 / len(dataset(2000, synthetic_vocab))
    assert 4 <= per_source <= 6


def test_every_name_is_fictional_and_every_url_on_example_org(synthetic_vocab):
    items = dataset(3000, synthetic_vocab)
    for item in items:
        assert item.source["url"].startswith("https://example.org/synthetic/")
        assert item.source["synthetic"] is True
        assert re.fullmatch(r"Synthetic claimant \d\d", item.source["publisher"])
        assert "fictional" in item.source["title"]
    claimants = {c["claimant"] for c in all_claims(items)}
    assert all(re.fullmatch(r"Synthetic claimant \d\d", name) for name in claimants)
    assert 45 <= len(claimants) <= 50
    assert all("fictional" in c["quote"] for c in all_claims(items))


def test_covers_every_metric_and_every_oblast_with_the_charted_metric_most(synthetic_vocab):
    claims = all_claims(dataset(4000, synthetic_vocab))
    metrics = Counter(c["metric"] for c in claims)
    assert set(metrics) == set(METRIC_WEIGHTS)
    assert metrics.most_common(1)[0][0] == "civilian_killed"
    assert 0.2 < metrics["civilian_killed"] / len(claims) < 0.3
    assert {c["place"] for c in claims} == {p.key for p in synthetic_vocab.places}
    regions = [p for p in synthetic_vocab.places if not p.country]
    assert len(regions) >= 24  # every oblast, not a sample
    assert Counter(c["place"] for c in claims).most_common(1)[0][0] == "UA"


def test_cumulative_series_rise_with_a_few_small_revisions(synthetic_vocab):
    series: dict[tuple, list[dict]] = defaultdict(list)
    cumulative = {m.key for m in synthetic_vocab.metrics if m.cumulative}
    for c in all_claims(dataset(8000, synthetic_vocab)):
        if c["metric"] in cumulative and "duplicate_of" not in c:
            series[c["claimant"], c["metric"], c["place"]].append(c)
    steps = falls = 0
    for claims in series.values():
        # What each figure allows ("more than 1,200" is 1,200 or more), as the checks read it.
        bounds = [
            figure_bounds(c.get("value"), c.get("low"), c.get("high"), c.get("qualifier", "exact"))
            for c in claims
        ]
        for (lo, _hi), (_lo, hi) in zip(bounds, bounds[1:], strict=False):
            steps += 1
            if hi < lo:
                falls += 1
                assert lo - hi <= max(1, lo // 100)  # a small revision
    assert steps > 1000
    assert 0 < falls / steps < 0.08


def test_per_period_figures_cover_one_day_and_cumulative_ones_run_from_the_invasion(
    synthetic_vocab,
):
    periodic = {m.key for m in synthetic_vocab.metrics if not m.cumulative}
    claims = all_claims(dataset(2000, synthetic_vocab))
    for c in claims:
        if c["metric"] in periodic:
            assert c["period_start"] == c["period_end"]
        else:
            assert str(c["period_start"]) == "2022-02-24"
            assert "since 24 February 2022 as of" in c["quote"]


def test_qualifiers_ranges_relays_and_statuses_appear_in_realistic_proportions(synthetic_vocab):
    claims = all_claims(dataset(5000, synthetic_vocab))
    qualifiers = Counter(c.get("qualifier", "range") for c in claims if "low" not in c)
    ranges = sum("low" in c for c in claims)
    assert qualifiers["exact"] > len(claims) / 3
    assert {"about", "at_least", "more_than"} <= set(qualifiers)
    assert 0.03 < ranges / len(claims) < 0.15
    relays = sum("duplicate_of" in c for c in claims)
    assert 0.005 < relays / len(claims) < 0.08
    statuses = Counter(c.get("status", "unverified") for c in claims)
    assert statuses["unverified"] > 0.8 * len(claims)
    assert statuses["corroborated"] and statuses["disputed"]


def test_every_claim_and_source_passes_the_input_models_and_the_quote_checks(synthetic_vocab):
    for item in dataset(1500, synthetic_vocab):
        source = SourceIn.model_validate(item.source)
        for c in item.claims:
            claim = ClaimIn.model_validate(c)
            require_quote_checks(claim, source)  # the figure is in its quote
            assert claim.period_end <= source.published


def test_a_claimant_never_states_one_date_twice(synthetic_vocab):
    """Two bulletins of one claimant with the same metric, place and date would be one
    statement stored twice, unmarked (duplicate-claim), or two figures for one period
    (conflicting-figures): real claimants do not, so the synthetic ones must not either;
    only relays, marked duplicate_of, repeat a statement."""
    seen: Counter = Counter()
    for c in all_claims(dataset(30000, synthetic_vocab, seed=6)):
        if "duplicate_of" not in c:
            seen[c["claimant"], c["metric"], c["place"], c["period_end"]] += 1
    assert len(seen) > 25000
    assert max(seen.values()) == 1


def test_qualified_figures_hold_the_count_they_round(synthetic_vocab):
    """ "More than" is said below the count and "fewer than" above it, "about" near it, in
    round figures a reporter would say; so a claimant's "more than 1,200" sits beside
    another's 1,234 without a disagreement."""
    claims = all_claims(dataset(20000, synthetic_vocab, seed=7))
    said = Counter()
    for c in claims:
        q, v = c.get("qualifier"), c.get("value")
        if q in ("more_than", "fewer_than", "about") and v >= 100:
            said[q] += 1
            digits = str(v).rstrip("0")
            assert len(digits) <= 2, c["quote"]  # 1,200 not 1,234
    assert min(said.values()) > 50


@pytest.fixture
def sqlite_vocab_engine(request: pytest.FixtureRequest, tmp_path, sqlite_template):
    """An SQLite store with the vocabularies: the findings are the same on PostgreSQL
    (test_checks_*), and a store of 10,000 claims loads and checks faster here."""
    import shutil

    from tests.conftest import _fill
    from tracker.store.db import make_engine

    path = tmp_path / "synthetic.db"
    shutil.copy(sqlite_template, path)
    engine = _fill(make_engine(f"sqlite:///{path}"), request, "vocab")
    yield engine
    engine.dispose()


def test_a_synthetic_store_yields_findings_for_a_few_percent_of_its_claims(
    sqlite_vocab_engine,
):
    """Issue #19: the Checks page at scale must be measured on realistic findings, not on
    noise. Real stores flag a few percent of their claims; so must a synthetic one, mostly
    where one claimant counts differently (claimant-disagreement), and never because a
    claimant restated a date (duplicate-claim, conflicting-figures). The share grows
    slowly with the store (docs/performance.md: 0.8% at 10,000 claims, 2.1% at 100,000,
    2.5% at 300,000, 2.9% at a million); the old generator gave 0.2% here and 27% at a
    million."""
    n = 10_000
    load_synthetic(sqlite_vocab_engine, n, seed=1)
    findings = run_checks(sqlite_vocab_engine)
    flagged = {c for f in findings for c in f.claims}
    assert 0.005 * n < len(flagged) < 0.05 * n
    by_rule = Counter(f.rule for f in findings)
    assert by_rule.most_common(1)[0][0] == "claimant-disagreement"
    assert not {"duplicate-claim", "conflicting-figures", "figure-not-in-quote"} & set(by_rule)


# --- the bulk path writes what the store's write path writes -------------------------------------


def _store_path(session: Session, items: list[Any]) -> None:
    vocab = Vocabulary.load(session)
    for item in items:
        source = add_source(session, SYSTEM, SourceIn.model_validate(item.source), reason=REASON)
        for c in item.claims:
            add_claim(
                session, SYSTEM, source.id, ClaimIn.model_validate(c), reason=REASON, vocab=vocab
            )


def _bulk_path(session: Session, items: list[Any]) -> None:
    loader = BulkLoader(session, SYSTEM, reason=REASON, batch_size=37)
    for item in items:
        loader.add(item.source, item.claims)
    loader.finish()


def _written_by(engine, write, items) -> dict[str, Any]:
    with write_session(engine) as session:
        write(session, items)
        session.flush()
        stored = stored_by_natural_keys(session)
        session.rollback()
    return stored


def test_bulk_rows_equal_what_the_write_path_stores_for_the_same_input(
    vocab_engine, synthetic_vocab
):
    items = dataset(400, synthetic_vocab, seed=11)
    assert any("duplicate_of" in c for c in all_claims(items))  # relays are compared too
    by_store = _written_by(vocab_engine, _store_path, items)
    by_bulk = _written_by(vocab_engine, _bulk_path, items)
    assert len(by_store["claims"]) == 400
    assert by_bulk["claims"] == by_store["claims"]
    assert by_bulk["sources"] == by_store["sources"]
    assert by_bulk["revisions"] == by_store["revisions"]
    assert by_bulk["claimants"] == by_store["claimants"]


def test_bulk_load_writes_one_create_revision_per_row_and_bumps_the_version_once(
    vocab_engine,
):
    with read_session(vocab_engine) as s:
        before = data_version(s)
    report = load_synthetic(vocab_engine, 1200, seed=2, batch_size=250)
    assert (report.claims, report.sources) == (1200, report.sources)
    with read_session(vocab_engine) as s:
        assert data_version(s) == before + 1
        claims = s.execute(select(func.count(Claim.id))).scalar_one()
        sources = s.execute(select(func.count(Source.id))).scalar_one()
        created = dict(
            s.execute(
                select(Revision.entity, func.count(Revision.id))
                .where(Revision.action == "create", Revision.entity.in_(["claim", "source"]))
                .group_by(Revision.entity)
            ).all()
        )
        orphans = s.execute(
            select(func.count(Claim.id)).where(
                ~select(Revision.id)
                .where(Revision.entity == "claim", Revision.entity_id == Claim.id)
                .exists()
            )
        ).scalar_one()
    assert (claims, sources) == (1200, report.sources)
    assert created == {"claim": 1200, "source": report.sources}
    assert orphans == 0


def test_an_error_in_a_late_batch_stores_nothing(vocab_engine, synthetic_vocab):
    items = dataset(300, synthetic_vocab, seed=5)
    items[-3].claims[0] = dict(items[-3].claims[0], metric="no_such_metric")
    with read_session(vocab_engine) as s:
        version = data_version(s)
    with pytest.raises(ValidationFailed) as exc, write_session(vocab_engine) as session:
        loader = BulkLoader(session, SYSTEM, reason=REASON, batch_size=50)
        for item in items:
            loader.add(item.source, item.claims)
        loader.finish()
    assert "unknown metric 'no_such_metric'" in str(exc.value)
    assert items[-3].source["url"] in str(exc.value)
    with read_session(vocab_engine) as s:
        assert s.execute(select(func.count(Claim.id))).scalar_one() == 0
        assert s.execute(select(func.count(Source.id))).scalar_one() == 0
        assert (
            s.execute(
                select(func.count(Revision.id)).where(Revision.entity == "claim")
            ).scalar_one()
            == 0
        )
        assert data_version(s) == version


def test_checks_and_queries_work_on_a_synthetic_store(vocab_engine):
    load_synthetic(vocab_engine, 3000, seed=9)
    assert totals(vocab_engine)["claims"] == 3000
    findings = run_checks(vocab_engine)
    rules = Counter(f.rule for f in findings)
    assert set(rules) <= set(rule_ids())
    # Claimants disagree as real ones do: rarely (a store this small may show none at all;
    # test_claimants_count_the_same_events_and_a_few_count_differently shows the few).
    flagged = {c for f in findings for c in f.claims}
    assert len(flagged) < 0.05 * 3000
    assert "figure-not-in-quote" not in rules
    assert "duplicate-claim" not in rules  # relays are marked duplicate_of
    killed = ClaimFilter(metric="civilian_killed")
    points = chart_points(vocab_engine, killed)
    assert 0 < len(points) <= count_claims(vocab_engine, killed)
    latest = latest_per_claimant(vocab_engine, killed)
    assert len(latest) > 0
    page = claims_page(vocab_engine, ClaimFilter(), limit=25)
    assert len(page) == 25


# --- what the store holds, and refusing to mix ----------------------------------------------


def test_synthetic_flag_is_seen_and_real_data_is_told_apart(vocab_engine):
    assert not is_synthetic_loaded(vocab_engine)
    assert not holds_real_data(vocab_engine)
    load_synthetic(vocab_engine, 50)
    assert is_synthetic_loaded(vocab_engine)
    assert not holds_real_data(vocab_engine)


def test_refuses_to_mix_into_real_data_unless_forced(sample_engine):
    assert holds_real_data(sample_engine)
    with pytest.raises(TrackerError, match=r"holds real \(non-synthetic\) sources"):
        load_synthetic(sample_engine, 20)
    assert not is_synthetic_loaded(sample_engine)
    load_synthetic(sample_engine, 20, force=True)
    assert is_synthetic_loaded(sample_engine)


def test_the_same_seed_twice_is_refused(vocab_engine):
    load_synthetic(vocab_engine, 20, seed=4)
    with pytest.raises(TrackerError, match="seed 4 is already stored"):
        load_synthetic(vocab_engine, 20, seed=4)
    load_synthetic(vocab_engine, 20, seed=5)
    assert totals(vocab_engine)["claims"] == 40


def test_places_are_the_country_and_its_oblasts(synthetic_vocab):
    from tracker.files.reading import load_vocabulary

    vocab = load_vocabulary(VOCAB_FILES)
    regions = {
        k for k, p in vocab.places.items() if p.level == PlaceLevel.region and k.startswith("UA-")
    }
    assert synthetic_vocab.conflict == "russia-ukraine"  # the first of data/conflicts.yaml
    assert {p.key for p in synthetic_vocab.places} == regions | {"UA"}
    assert synthetic_vocab.places[0].key == "UA"


# --- any conflict ------------------------------------------------------------------------------


def _conflicts() -> list[str]:
    from tracker.files.reading import load_vocabulary

    return list(load_vocabulary(VOCAB_FILES).conflicts)


@pytest.mark.parametrize("key", _conflicts())
def test_every_conflict_gets_its_own_start_places_and_default_chart(key):
    """Nothing assumes one war: the dates run from the conflict's start, the places are its
    countries and their regions, and its default metric and place (the Figures page's
    first chart) are the most reported."""
    from tracker.files.reading import load_vocabulary

    vocab = load_vocabulary(VOCAB_FILES)
    war = vocab.conflicts[key]
    synthetic = SyntheticVocabulary.from_vocabulary(vocab, key)
    items = dataset(4000, synthetic, seed=2)
    claims = all_claims(items)
    assert synthetic.start == war.start
    for item in items:
        assert war.start < item.source["published"] <= LAST_DAY
    for c in claims:
        place = vocab.places[c["place"]]
        assert c["place"] == war.default_place or (
            (place.iso_code or place.key).split("-")[0] in war.countries
        )
        assert c["period_end"] > war.start
        if c["period_start"] != c["period_end"]:
            assert c["period_start"] == war.start
            assert f"since {war.start.day} {war.start:%B %Y} as of" in c["quote"]
    assert Counter(c["metric"] for c in claims).most_common(1)[0][0] == war.default_metric
    assert Counter(c["place"] for c in claims).most_common(1)[0][0] == war.default_place
    for item in items[:200]:
        source = SourceIn.model_validate(item.source)
        for c in item.claims:
            require_quote_checks(ClaimIn.model_validate(c), source)


def test_an_unknown_conflict_is_refused_naming_the_known_ones(synthetic_vocab):
    from tracker.files.reading import load_vocabulary

    with pytest.raises(TrackerError, match=r"no conflict 'narnia'; .* russia-ukraine"):
        SyntheticVocabulary.from_vocabulary(load_vocabulary(VOCAB_FILES), "narnia")


def test_a_store_without_conflicts_is_told_to_import_them():
    from tracker.files.reading import load_vocabulary

    vocab = load_vocabulary(VOCAB_FILES[:2])  # metrics and places only
    with pytest.raises(TrackerError, match="import data/conflicts.yaml"):
        SyntheticVocabulary.from_vocabulary(vocab)


# --- the command ---------------------------------------------------------------------------------


def test_demo_command_loads_into_an_empty_database_with_progress(database_url):
    result = CliRunner().invoke(
        main, ["demo", "--synthetic", "300", "--seed", "3", "--database", database_url]
    )
    assert result.exit_code == 0, result.output
    assert "stored 300 synthetic claims from" in result.stdout
    assert "(seed 3; Russia–Ukraine war, russia-ukraine)" in result.stdout
    assert "loaded 300 of 300 claims (100%)" in result.stderr
    from tracker.store.db import make_engine

    engine = make_engine(database_url)
    try:
        assert totals(engine)["claims"] == 300
        assert is_synthetic_loaded(engine)
        # The checks ran and their findings are kept for the Checks page.
        from tracker.checks.findings import stored_findings
        from tracker.checks.rules import run_checks

        assert "checked: " in result.stdout
        assert stored_findings(engine) == run_checks(engine)
    finally:
        engine.dispose()


def test_demo_command_takes_the_conflict_from_the_conflicts_file(database_url):
    """`--conflict sudan`: Sudan's places and start date, its default metric most of all;
    an unknown key is one line naming the known ones, and stores nothing."""
    from tracker.read.review import conflict_names
    from tracker.store.db import make_engine

    args = ["demo", "--synthetic", "200", "--no-check", "--database", database_url]
    wrong = CliRunner().invoke(main, [*args, "--conflict", "narnia"])
    assert wrong.exit_code == 1
    assert wrong.output.startswith("Error: there is no conflict 'narnia'; ")
    assert "sudan" in wrong.output
    result = CliRunner().invoke(main, [*args, "--conflict", "sudan"])
    assert result.exit_code == 0, result.output
    assert "(seed 1; War in Sudan, sudan)" in result.stdout
    engine = make_engine(database_url)
    try:
        assert totals(engine)["claims"] == 200
        page = claims_page(engine, ClaimFilter(), limit=200)
        assert set(page["place_key"]) <= {"SD", "SD-KH", "SD-DN", "SD-DW", "SD-GZ", "SD-NW"}
        assert page["metric_key"].value_counts().index[0] == "people_killed"
        assert str(page["period_end"].min()) > "2023-04-15"
        # Only the conflict the figures are about: the Figures page opens on it.
        assert set(conflict_names(engine)) == {"sudan"}
    finally:
        engine.dispose()


def test_demo_command_can_leave_the_checks_for_later(database_url):
    """A million claims load in about a minute; checking them takes minutes more."""
    from tracker.checks.findings import checked_state
    from tracker.store.db import make_engine

    result = CliRunner().invoke(
        main, ["demo", "--synthetic", "50", "--no-check", "--database", database_url]
    )
    assert result.exit_code == 0, result.output
    assert "stored 50 synthetic claims from" in result.stdout
    assert "not checked: `tracker check` stores the findings" in result.stdout
    engine = make_engine(database_url)
    try:
        assert checked_state(engine).checked_at is None
        assert totals(engine)["claims"] == 50
    finally:
        engine.dispose()


def test_demo_command_refuses_a_store_with_real_data_in_one_line(sample_engine, database_url):
    result = CliRunner().invoke(main, ["demo", "--synthetic", "10", "--database", database_url])
    assert result.exit_code == 1
    assert result.output.startswith("Error: this store holds real (non-synthetic) sources;")
    assert "--force" in result.output
    assert "Traceback" not in result.output
    forced = CliRunner().invoke(
        main, ["demo", "--synthetic", "10", "--force", "--database", database_url]
    )
    assert forced.exit_code == 0, forced.output


def test_vocabulary_files_alone_are_not_real_data(engine):
    import_paths(engine, SYSTEM, VOCAB_FILES)
    assert not holds_real_data(engine)


# --- the dashboard's warning -----------------------------------------------------------------

READER_PAGES = (
    "views/figures.py",
    "views/claims.py",
    "views/sources.py",
    "views/checks.py",
    "views/about.py",
)


@pytest.fixture
def synthetic_url(database_url: str) -> str:
    from tracker.store.db import make_engine

    engine = make_engine(database_url)
    load_synthetic(engine, 300, seed=8)
    engine.dispose()
    return database_url


def test_every_page_warns_while_synthetic_data_is_stored(open_app, synthetic_url):
    at = open_app(synthetic_url)
    for page in READER_PAGES:
        at.switch_page(page).run()
        assert not at.exception, page
        assert [w.value for w in at.warning][:1] == [SYNTHETIC_WARNING], page
    assert "synthetic (fictional) data" in SYNTHETIC_WARNING


def test_no_warning_on_a_store_of_real_data(open_app, dashboard_sqlite_url):
    at = open_app(dashboard_sqlite_url)
    for page in READER_PAGES:
        at.switch_page(page).run()
        assert not at.exception, page
        assert not any("synthetic" in w.value for w in at.warning), page


def test_the_docs_document_the_demo_command_and_its_options():
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    section = (root / "docs" / "performance.md").read_text(encoding="utf-8")
    for option in ("--synthetic", "--seed", "--database", "--force", "--no-check"):
        assert option in section, option
    assert "make bench" in section
    help_text = CliRunner().invoke(main, ["demo", "--help"]).output
    for option in ("--synthetic", "--seed", "--database", "--force", "--no-check"):
        assert option in help_text, option


def test_claimants_count_the_same_events_and_a_few_count_differently(synthetic_vocab):
    """Two claimants' running totals for one metric and place, as of dates at most two days
    apart, agree within a few percent, except where one claimant counts differently
    throughout (a stricter or a wider method): real claimants rarely disagree, so neither
    should fictional ones (the old generator's disagreed on a third of its claims)."""
    cumulative = {m.key for m in synthetic_vocab.metrics if m.cumulative}
    totals_at: dict[tuple, list[tuple]] = defaultdict(list)
    for c in all_claims(dataset(20000, synthetic_vocab, seed=5)):
        # The count as counted: "about" and "more than" round it as reporters do.
        if (
            c["metric"] in cumulative
            and "duplicate_of" not in c
            and c.get("qualifier") in ("exact", "at_least")
        ):
            totals_at[c["metric"], c["place"]].append((c["period_end"], c["claimant"], c["value"]))
    agree = differ = between = 0
    for points in totals_at.values():
        points.sort()
        for i, (day, claimant, figure) in enumerate(points):
            for other_day, other, other_figure in points[i + 1 :]:
                if (other_day - day).days > 2:
                    break
                if other == claimant or max(figure, other_figure) < 50:
                    continue  # below 50, rounding alone moves a figure by percents
                gap = abs(figure - other_figure) / max(figure, other_figure)
                if gap <= 0.03:
                    agree += 1
                elif gap > 0.1:
                    differ += 1
                else:
                    between += 1
    assert agree > 1000
    assert differ > 0
    assert agree > 0.9 * (agree + differ + between)
