"""The Figures page, driven with AppTest against real databases."""

from __future__ import annotations

import json

from tests.dashboard_support import infos_text, warnings_text
from tests.helpers import claim, source_doc, write_doc
from tracker.files.importer import import_paths
from tracker.read.queries import claim_detail
from tracker.store.db import make_engine
from tracker.store.write import SYSTEM


def chart(at) -> dict:
    charts = at.get("plotly_chart")
    assert len(charts) == 1
    return json.loads(charts[0].proto.spec)


def plotted_ids(spec: dict) -> dict[str, list[list[int]]]:
    """Trace name -> the claim ids of each plotted point (customdata[0], comma-separated)."""
    out = {}
    for trace in spec["data"]:
        if trace.get("x") == [None] or trace.get("legendgroup") == "key":
            continue  # a legend key or the checks' rings, not data
        out[trace["name"]] = [[int(i) for i in c[0].split(",")] for c in trace["customdata"]]
    return out


def test_figures_default_view_charts_civilians_killed_in_ukraine_by_claimant(
    open_app, dashboard_url
):
    at = open_app(dashboard_url)
    assert not at.exception
    assert at.title[0].value == "Figures"
    assert at.selectbox(key="figures.metric").value == "civilian_killed"
    assert at.selectbox(key="figures.place").value == "UA"
    spec = chart(at)
    points = plotted_ids(spec)
    assert {"OHCHR", "National Police", "Interior Ministry"} <= set(points)
    assert len(points["OHCHR"]) >= 40
    # Every plotted point carries ids of claims that exist and match the view.
    engine = make_engine(dashboard_url)
    try:
        for trace in spec["data"]:
            if trace.get("x") == [None]:
                continue
            assert len(trace["customdata"]) == len(trace["x"])
        for ids in [ids for per_trace in points.values() for ids in per_trace][:15]:
            for claim_id in ids:
                detail = claim_detail(engine, claim_id)
                assert detail["metric_key"] == "civilian_killed"
                assert detail["place_key"] == "UA"
                assert detail["cumulative"]
    finally:
        engine.dispose()
    assert at.query_params == {}  # defaults keep the link short
    assert "Latest figure per claimant" in [s.value for s in at.subheader]
    citations = [c.value for c in at.code]
    assert any(c.startswith("OHCHR: ") and "civilians killed in Ukraine" in c for c in citations)


def test_one_statement_relayed_by_three_sources_is_one_point(open_app, dashboard_sqlite_url):
    at = open_app(dashboard_sqlite_url)
    ohchr = plotted_ids(chart(at))["OHCHR"]
    engine = make_engine(dashboard_sqlite_url)
    keys = {i: claim_detail(engine, i)["claim_key"] for ids in ohchr for i in ids}
    engine.dispose()
    point = next(ids for ids in ohchr if "ohchr-2023-02-12-killed" in {keys[i] for i in ids})
    assert {keys[i] for i in point} == {
        "ohchr-2023-02-12-killed",
        "seed-2023-02-13-killed",
        "ukmod-2023-02-13-killed",
    }
    assert sum(len(ids) for ids in ohchr) == len(keys)  # no claim is drawn twice


def test_retracted_claims_are_hidden_until_asked_for(open_app, dashboard_sqlite_url):
    at = open_app(dashboard_sqlite_url)
    names = set(plotted_ids(chart(at)))
    assert not any("Retracted" in n for n in names)
    at.toggle(key="figures.retracted").set_value(True).run()
    assert not at.exception
    spec = chart(at)
    retracted = next(t for t in spec["data"] if t["name"].startswith("Retracted"))
    assert retracted["marker"]["color"] == "#b0b0b0"
    assert at.query_params == {"retracted": "1"}


def test_changing_the_metric_changes_the_chart_and_the_link(open_app, dashboard_sqlite_url):
    at = open_app(dashboard_sqlite_url)
    before = plotted_ids(chart(at))
    at.selectbox(key="figures.metric").set_value("children_killed").run()
    assert not at.exception
    after = plotted_ids(chart(at))
    assert "Prosecutor General's Office" in after and after != before
    assert at.query_params == {"metric": "children_killed"}


def test_per_period_metric_opens_on_bars_over_their_periods(open_app, dashboard_sqlite_url):
    at = open_app(dashboard_sqlite_url, metric="settlements_attacked", place="UA-14")
    assert not at.exception
    assert at.radio(key="figures.kind").value == "period"
    spec = chart(at)
    bars = [t for t in spec["data"] if t["type"] == "bar" and t.get("legendgroup") != "key"]
    assert bars and all(t["width"][0] > 0 for t in bars)
    assert at.query_params == {"metric": "settlements_attacked", "place": "UA-14"}


def test_a_shared_link_restores_the_view(open_app, dashboard_sqlite_url):
    link = {"metric": "children_killed", "claimant": "pgo", "from": "2023-01-01", "kind": "all"}
    at = open_app(dashboard_sqlite_url, **link)
    assert not at.exception
    assert not at.warning
    assert at.selectbox(key="figures.metric").value == "children_killed"
    assert at.multiselect(key="figures.claimants").value == ["pgo"]
    assert str(at.date_input(key="figures.from").value) == "2023-01-01"
    assert at.radio(key="figures.kind").value == "all"
    assert set(plotted_ids(chart(at))) == {"Prosecutor General's Office"}
    assert at.query_params == link  # the page writes back exactly what it shows


def test_bad_parameters_fall_back_to_defaults_with_a_notice(open_app, dashboard_sqlite_url):
    at = open_app(
        dashboard_sqlite_url,
        metric="no_such_metric",
        place="Atlantis",
        claimant=["ohchr", "ghost"],
        to="2023-99-99",
        kind="sideways",
        retracted="maybe",
    )
    assert not at.exception
    notes = warnings_text(at)
    for word in ("no\\_such\\_metric", "Atlantis", "ghost", "2023\\-99\\-99", "sideways", "maybe"):
        assert word in notes
    assert at.selectbox(key="figures.metric").value == "civilian_killed"
    assert at.selectbox(key="figures.place").value == "UA"
    assert at.multiselect(key="figures.claimants").value == ["ohchr"]  # the good part is kept
    assert at.query_params == {"claimant": "ohchr"}  # the link is cleaned


def test_dates_given_backwards_are_swapped_with_a_notice(open_app, dashboard_sqlite_url):
    at = open_app(dashboard_sqlite_url, **{"from": "2023-06-01", "to": "2022-06-01"})
    assert not at.exception
    assert "swapped" in warnings_text(at)
    assert str(at.date_input(key="figures.from").value) == "2022-06-01"


def test_a_metric_without_claims_says_so(open_app, dashboard_sqlite_url):
    at = open_app(dashboard_sqlite_url, metric="military_killed")
    assert not at.exception
    assert "No claims match" in infos_text(at)
    assert not at.get("plotly_chart")


def test_empty_database_is_a_friendly_state(open_app, empty_sqlite_url):
    at = open_app(empty_sqlite_url)
    assert not at.exception
    assert "No claims yet" in infos_text(at)


def test_database_without_tables_explains_how_to_create_them(open_app, tmp_path):
    path = tmp_path / "blank.db"
    path.touch()
    at = open_app(f"sqlite:///{path}")
    assert not at.exception
    assert "tracker init" in at.error[0].value


def test_missing_database_file_is_an_error_not_a_traceback(open_app, tmp_path):
    at = open_app(f"sqlite:///{tmp_path / 'nowhere.db'}")
    assert not at.exception
    assert "does not exist" in at.error[0].value
    assert not (tmp_path / "nowhere.db").exists()


def test_a_new_claim_shows_on_the_next_rerun(open_app, vocab_engine, database_url, tmp_path):
    """Results are cached on the data version, which every write bumps."""
    first = source_doc(claims=[claim(id="v1", claimant="Example Monitor", value=10)])
    import_paths(vocab_engine, SYSTEM, [write_doc(tmp_path / "one.yaml", first)])
    at = open_app(database_url)
    assert [len(ids) for ids in plotted_ids(chart(at))["Example Monitor"]] == [1]
    second = source_doc(
        claims=[claim(id="v2", claimant="Example Monitor", value=20, period_end="2023-02-13")],
        url="https://example.org/news/later",
        published="2023-02-15",
    )
    import_paths(vocab_engine, SYSTEM, [write_doc(tmp_path / "two.yaml", second)])
    at.run()
    assert len(plotted_ids(chart(at))["Example Monitor"]) == 2


def test_a_crowded_view_is_aggregated_and_the_caption_says_so(
    open_app, dashboard_sqlite_url, monkeypatch
):
    """Beyond MAX_CHART_POINTS statements the browser gets the highest figure per claimant
    per period, never more points than the bound, and the caption names the period."""
    from tracker.read import queries

    monkeypatch.setattr(queries, "MAX_CHART_POINTS", 10)
    at = open_app(dashboard_sqlite_url)
    assert not at.exception
    spec = chart(at)
    drawn = [t for t in spec["data"] if t.get("x") != [None]]
    assert 0 < sum(len(t["hovertext"]) for t in drawn) <= 10
    assert all("highest" in h for t in drawn for h in t["hovertext"])
    caption = " ".join(c.value for c in at.caption)
    assert "More than 10 statements match, so the chart is aggregated to" in caption
    assert "max per claimant per" in caption
    # An aggregated point is not one statement: the page never promises a source on click.
    intro = at.markdown[0].value
    assert "highest figure in a" in intro and "click it to see its source" not in intro
    assert "This view is aggregated to" in at.info[0].value
    assert not any("Click a point on the chart" in i.value for i in at.info)


def test_an_aggregated_view_lists_no_statements_and_says_how_to_narrow_it(
    open_app, dashboard_sqlite_url, monkeypatch
):
    from tracker.read import queries

    monkeypatch.setattr(queries, "MAX_CHART_POINTS", 10)
    at = open_app(dashboard_sqlite_url)
    for tab, listing in (("Table", "each"), ("Sources", "the articles behind each")):
        at.session_state["figures.tab"] = tab
        at.run()
        assert not at.exception
        notes = [i.value for i in at.info if i.value.startswith("This view is aggregated to ")]
        assert len(notes) == 1 and notes[0].endswith(f"to list {listing} statement.")


def test_an_aggregated_chart_also_opens_embedded(dashboard_sqlite_url, monkeypatch):
    """The embed (`?embed=true`) of a crowded view draws the aggregated chart too."""
    from streamlit.testing.v1 import AppTest

    from dashboard import data
    from tests.dashboard_support import APP
    from tracker.read import queries

    monkeypatch.setattr(queries, "MAX_CHART_POINTS", 10)
    monkeypatch.setenv("TRACKER_DATABASE_URL", dashboard_sqlite_url)
    data.clear()
    at = AppTest.from_file(str(APP), default_timeout=120)
    at.context = {"url": "http://localhost:8501/", "is_embedded": True}
    at.run()
    try:
        assert not at.exception
        spec = chart(at)
        drawn = [t for t in spec["data"] if t.get("x") != [None]]
        assert all("highest" in h for t in drawn for h in t["hovertext"])
    finally:
        data.clear()


def test_a_shared_chart_sends_exactly_the_json_plotly_writes_for_its_figure(dashboard_sqlite_url):
    """The chart's dict is computed once and shared (dashboard.data.SharedFigure); what
    st.plotly_chart sends from it is, byte for byte, plotly's JSON of the figure, and a
    click on a point that comes back without its customdata still finds its claims."""
    import plotly.io
    import plotly.tools

    from dashboard.data import SharedFigure
    from tracker.checks.rules import findings_by_claim
    from tracker.read import queries
    from tracker.read.filters import ClaimFilter
    from tracker.sharing import charts

    engine = make_engine(dashboard_sqlite_url)
    try:
        points = queries.chart(engine, ClaimFilter(metric="civilian_killed", place="UA")).points
        findings = findings_by_claim(engine)
    finally:
        engine.dispose()
    figure = charts.figures_chart(points, y_title="Civilians killed", findings=findings)
    expected = plotly.io.to_json(figure, validate=False)
    assert "\\u003cbr\\u003e" in expected and '"bdata"' in expected  # hovers, typed arrays
    first = figure.data[0].customdata[0][0]

    shared = SharedFigure.of(figure)
    # What st.plotly_chart does with a figure: to_dict, then plotly's JSON of that dict.
    sent = plotly.tools.return_figure_from_figure_or_data(shared, validate_figure=True)
    assert plotly.io.to_json(sent, validate=False) == expected
    assert plotly.io.to_json(shared.to_dict(), validate=False) == expected  # every time
    assert not shared.data  # the traces are not kept twice
    click = {"selection": {"points": [{"curve_number": 0, "point_index": 0}]}}
    assert charts.selected_claim_ids(click, shared) == [int(i) for i in first.split(",")]


def test_reruns_send_the_same_chart(open_app, dashboard_sqlite_url):
    at = open_app(dashboard_sqlite_url)
    first = at.get("plotly_chart")[0].proto.spec
    at.run()
    assert not at.exception
    assert at.get("plotly_chart")[0].proto.spec == first


def ringed(spec: dict) -> list[str]:
    """The claim ids (customdata[0]) of the points the checks' rings mark."""
    from tracker.sharing.charts import CHECK_KEY

    return sorted(c[0] for t in spec["data"] if t["name"] == CHECK_KEY for c in t["customdata"])


def test_rings_and_a_claims_checks_come_from_the_stored_findings_while_they_are_current(
    open_app, vocab_engine, database_url, tmp_path, monkeypatch
):
    """With the findings stored for the data as it is, the rings and a claim's checks are
    read from them, whatever the size of the chart or series (here both limits of the
    on-the-fly checks are 0). After a write the on-the-fly run takes over, and says what it
    left out; the refresh that follows (no new data version) brings the rings back."""
    from dashboard import data
    from tracker.checks.finding_store import refresh_findings

    monkeypatch.setattr(data, "RING_CHECK_LIMIT", 0)
    monkeypatch.setattr(data, "SERIES_CHECK_LIMIT", 0)

    def add(name: str, value: int, end: str) -> None:
        doc = source_doc(
            claims=[
                claim(
                    id=name,
                    claimant="Example Monitor",
                    value=value,
                    qualifier="exact",
                    period_start=None,
                    period_end=end,
                    quote=f"{value:,} civilians killed",
                )
            ],
            url=f"https://example.org/news/{name}",
            published=end,
        )
        import_paths(vocab_engine, SYSTEM, [write_doc(tmp_path / f"{name}.yaml", doc)])

    add("first", 1000, "2023-02-12")
    add("lower", 900, "2023-02-13")  # a running total that went down: a series finding
    refresh_findings(vocab_engine)

    at = open_app(database_url)
    assert not at.exception
    spec = chart(at)
    first, lower = (str(ids[0]) for ids in plotted_ids(spec)["Example Monitor"])
    assert ringed(spec) == sorted([first, lower])
    caption = " ".join(c.value for c in at.caption)
    assert "Rings show each claim's own checks" not in caption
    assert "Too many claims" not in caption

    add("later", 1100, "2023-02-14")  # not checked yet: the page checks on the fly
    at.run()
    assert not at.exception
    assert ringed(chart(at)) == []
    assert "Too many claims to check on the fly: no rings" in " ".join(c.value for c in at.caption)

    refresh_findings(vocab_engine)
    at.run()
    assert ringed(chart(at)) == sorted([first, lower])
    assert "Too many claims" not in " ".join(c.value for c in at.caption)

    at = open_app(database_url, claim=lower)
    assert not at.exception
    assert "Checks (1)" in [h.value for h in at.subheader]
    assert not any("series checks" in c.value for c in at.caption)


def data_traces(spec: dict) -> list[dict]:
    return [t for t in spec["data"] if t.get("legendgroup") != "key" and t.get("x") != [None]]


def test_places_side_by_side_draw_the_seed_report_on_one_chart(open_app, dashboard_sqlite_url):
    """The seed's "1 settlement in Kharkiv, about 5 in Luhansk and 6 in Donetsk over the
    past 24 hours": one chart, a bar per region within the one window, each with its
    figure as claimed; the window is 24 hours, and the axis steps in days."""
    at = open_app(
        dashboard_sqlite_url, metric="settlements_attacked", place="UA", by="place", kind="period"
    )
    assert not at.exception
    spec = chart(at)
    bars = {t["name"].split(" (")[0]: t for t in data_traces(spec)}
    assert set(bars) == {"Donetsk Oblast", "Kharkiv Oblast", "Luhansk Oblast"}
    assert all("General Staff" in t["name"] for t in bars.values())  # who says so
    assert {name: t["text"][0] for name, t in bars.items()} == {
        "Kharkiv Oblast": "1",
        "Luhansk Oblast": "about 5",
        "Donetsk Oblast": "6",
    }
    # Three slices of one 24-hour window, side by side, together spanning it exactly.
    slices = sorted((t["offset"][0], t["width"][0]) for t in bars.values())
    assert sum(w for _, w in slices) <= 24 * 3_600_000
    assert [o for o, _ in slices] == [0, slices[0][1], 2 * slices[0][1]]
    assert spec["layout"]["xaxis"]["dtick"] == 86_400_000  # days, never hours
    assert spec["layout"]["yaxis"]["tickformat"] == ",d"  # whole settlements
    assert spec["layout"]["yaxis"]["dtick"] == 1
    titles = " ".join(m.value for m in at.markdown)
    assert "place by place" in titles


def window_days(spec: dict) -> set[float]:
    """The windows the bars span, in days: bars of one window stand side by side, so a
    window is the sum of its bars' widths."""
    windows: dict[str, int] = {}
    for t in data_traces(spec):
        for x, width in zip(t["x"], t["width"], strict=True):
            windows[x] = windows.get(x, 0) + width
    return {round(w / 86_400_000) for w in windows.values()}


def test_per_period_figures_show_one_length_at_a_time_the_others_one_click_away(
    open_app, dashboard_sqlite_url
):
    at = open_app(dashboard_sqlite_url, metric="civilian_killed", place="UA", kind="period")
    assert not at.exception
    choice = at.radio(key="figures.period")
    assert choice.value == "month"  # the most common length
    assert choice.options[0].startswith("Per month (") and "Every length" in choice.options[-1]
    assert "period" not in at.query_params  # the default is left out of the link
    assert all(27 <= d <= 32 for d in window_days(chart(at)))  # months only
    choice.set_value("year").run()
    assert not at.exception
    assert at.query_params["period"] == "year"
    assert all(364 <= d <= 367 for d in window_days(chart(at)))
    at.radio(key="figures.period").set_value("rate").run()
    spec = chart(at)
    assert spec["layout"]["yaxis"]["title"]["text"] == "Civilians killed per day"


def test_the_table_tab_lists_the_plotted_statements_with_links(open_app, dashboard_sqlite_url):
    at = open_app(dashboard_sqlite_url, metric="settlements_attacked", place="UA", by="place")
    at.session_state["figures.tab"] = "Table"
    at.run()
    assert not at.exception
    table = at.dataframe[0].value
    assert sorted(table["Figure"]) == [
        "1 settlement where attacks were repelled",  # the noun agrees with its number
        "6 settlements where attacks were repelled",
        "about 5 settlements where attacks were repelled",
    ]
    assert table["Claim"].str.contains(r"\?claim=", regex=True).all()
    assert table["Link"].str.startswith("https://").all()
    at.session_state["figures.tab"] = "Sources"
    at.run()
    sources = at.dataframe[0].value
    assert list(sources.columns) == ["Published", "Publisher", "Title", "Statements", "Link"]


def test_metrics_without_figures_for_the_place_are_not_offered(open_app, dashboard_sqlite_url):
    at = open_app(dashboard_sqlite_url, metric="settlements_attacked", place="UA-63")
    assert not at.exception
    offered = at.selectbox(key="figures.metric").options
    assert "Civilians killed" not in offered
    assert any("Settlements" in o for o in offered)


def test_the_view_is_said_in_words_above_the_chart(open_app, dashboard_sqlite_url):
    at = open_app(dashboard_sqlite_url)
    intro = at.markdown[0].value
    assert intro.startswith("**Civilians killed** in Ukraine, cumulative totals.")
