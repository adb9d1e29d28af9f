"""The Claims page, driven with AppTest against real databases."""

from __future__ import annotations

from tests.dashboard_support import infos_text, warnings_text
from tracker.read.filters import ClaimFilter
from tracker.read.queries import count_claims
from tracker.store.db import make_engine

PAGE = "views/claims.py"


def table(at):
    return at.dataframe[0].value


def count(url: str, f: ClaimFilter) -> int:
    engine = make_engine(url)
    try:
        return count_claims(engine, f)
    finally:
        engine.dispose()


def test_claims_page_lists_the_first_page_with_source_links(open_app, dashboard_url):
    at = open_app(dashboard_url, PAGE)
    assert not at.exception
    assert at.title[0].value == "Claims"
    rows = table(at)
    assert len(rows) == 50
    assert rows["Link"].str.startswith(("http://", "https://")).all()
    total = count(dashboard_url, ClaimFilter())
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels == [f"Download {total:,} claims as CSV", f"Download {total:,} claims as JSON"]
    assert list(rows["As of"]) == sorted(rows["As of"], reverse=True)  # newest first


def test_text_search_filters_rows_resets_the_page_and_goes_into_the_link(
    open_app, dashboard_sqlite_url
):
    at = open_app(dashboard_sqlite_url, PAGE, page="2")
    assert at.number_input(key="claims.page").value == 2
    at.text_input(key="claims.text").input("7,199").run()
    assert not at.exception
    rows = table(at)
    assert 0 < len(rows) == count(dashboard_sqlite_url, ClaimFilter(text="7,199"))
    assert at.number_input(key="claims.page").value == 1
    assert at.query_params == {"q": "7,199"}
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels[0] == f"Download {len(rows)} claims as CSV"  # exactly the filtered rows


def test_status_and_sort_from_a_link_are_applied(open_app, dashboard_sqlite_url):
    at = open_app(dashboard_sqlite_url, PAGE, status="disputed", sort="value")
    assert not at.exception
    assert not at.warning
    rows = table(at)
    assert set(rows["Status"]) == {"disputed"}
    assert len(rows) == count(dashboard_sqlite_url, ClaimFilter(statuses=("disputed",)))
    assert at.selectbox(key="claims.sort").value == "value"
    assert at.query_params == {"status": "disputed", "sort": "value"}


def test_paging_shows_the_next_rows(open_app, dashboard_sqlite_url):
    at = open_app(dashboard_sqlite_url, PAGE)
    first = set(table(at)["Claim"])
    at.number_input(key="claims.page").set_value(2).run()
    second = set(table(at)["Claim"])
    assert second and not first & second
    assert at.query_params == {"page": "2"}


def test_bad_parameters_fall_back_with_notices(open_app, dashboard_sqlite_url):
    at = open_app(
        dashboard_sqlite_url, PAGE, sort="sideways", status="lost", page="0", place="Mars"
    )
    assert not at.exception
    notes = warnings_text(at)
    assert "sideways" in notes and "lost" in notes and "Mars" in notes and "page number" in notes
    assert at.selectbox(key="claims.sort").value == "-period_end"
    assert at.query_params == {}


def test_a_page_past_the_end_shows_the_last_page(open_app, dashboard_sqlite_url):
    at = open_app(dashboard_sqlite_url, PAGE, page="999")
    assert not at.exception
    assert "showing the last one" in warnings_text(at)
    assert at.number_input(key="claims.page").value == at.number_input(key="claims.page").max


def test_a_search_that_matches_nothing_says_so(open_app, dashboard_sqlite_url):
    at = open_app(dashboard_sqlite_url, PAGE, q="zzzz-nothing")
    assert not at.exception
    assert "No claims match" in infos_text(at)
    assert not at.get("download_button")


def test_claims_page_on_an_empty_database(open_app, empty_sqlite_url):
    at = open_app(empty_sqlite_url, PAGE)
    assert not at.exception
    assert "No claims yet" in infos_text(at)


def test_a_new_sort_order_starts_again_at_page_1(open_app, dashboard_sqlite_url):
    at = open_app(dashboard_sqlite_url, PAGE, page="2")
    assert at.number_input(key="claims.page").value == 2
    at.selectbox(key="claims.sort").set_value("value").run()
    assert not at.exception
    assert at.number_input(key="claims.page").value == 1
    assert "page" not in at.query_params and at.query_params["sort"] == "value"


def test_each_row_links_its_claims_page_by_its_stable_id(open_app, dashboard_sqlite_url):
    at = open_app(dashboard_sqlite_url, PAGE, q="12,000 civilians")
    rows = table(at)
    assert "?claim=police-2022-06-13-killed" in " ".join(rows["Claim"])


def test_one_claim_is_said_in_the_singular(open_app, dashboard_sqlite_url):
    at = open_app(dashboard_sqlite_url, PAGE, q="12,000 civilians have been killed")
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels == ["Download 1 claim as CSV", "Download 1 claim as JSON"]
