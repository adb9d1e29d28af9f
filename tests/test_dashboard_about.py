"""The About page: what the figures mean, with or without data."""

from __future__ import annotations

PAGE = "views/about.py"


def test_about_page_explains_figures_and_counts_the_data(open_app, dashboard_sqlite_url):
    at = open_app(dashboard_sqlite_url, PAGE)
    assert not at.exception
    text = " ".join(m.value for m in at.markdown)
    for phrase in ("Cumulative and per-period", "at least", "disputed", "retracted", "How to cite"):
        assert phrase in text
    assert "claims from" in at.caption[0].value


def test_about_page_renders_without_a_database(open_app, tmp_path):
    at = open_app(f"sqlite:///{tmp_path / 'missing.db'}", PAGE)
    assert not at.exception
    assert at.title[0].value == "About these figures"
    assert not at.caption


def test_about_page_ignores_parameters_it_does_not_use(open_app, dashboard_sqlite_url):
    at = open_app(dashboard_sqlite_url, PAGE, metric="nonsense", page="-1")
    assert not at.exception
    assert not at.warning
