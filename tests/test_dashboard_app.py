"""The app as a whole: its menu, a session visiting every page, the source card, and the
exact command `make run` uses."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
import urllib.request
from pathlib import Path

from streamlit.testing.v1 import AppTest

from tests.streamlit_server import free_port, running_app

ROOT = Path(__file__).resolve().parent.parent


def _menu_script() -> None:
    import streamlit as st

    from dashboard.navigation import pages_for
    from tracker.domain.vocab import Role

    for section, pages in pages_for(Role.viewer).items():
        shown = [p for p in pages if p.visibility == "visible"]
        st.text(f"[{section}] " + ", ".join(f"{p.title}:{p.url_path}" for p in shown))


def test_readers_see_figures_claims_sources_checks_and_about():
    at = AppTest.from_function(_menu_script, default_timeout=60).run()
    assert not at.exception
    assert [t.value for t in at.text] == [
        "[] Figures:, Claims:claims, Sources:sources, Checks:checks, About:about",
        "[Account] Log in:login",
    ]


def test_one_session_visits_every_page_without_errors(open_app, dashboard_sqlite_url):
    at = open_app(dashboard_sqlite_url)
    for page in (
        "views/claims.py",
        "views/sources.py",
        "views/checks.py",
        "views/about.py",
        "views/figures.py",
    ):
        at.switch_page(page).run()
        assert not at.exception, page
        assert not at.warning, page


def test_runs_put_the_project_folder_first_on_sys_path_once(open_app, dashboard_sqlite_url):
    at = open_app(dashboard_sqlite_url)
    for _ in range(3):
        at.run()
        assert not at.exception
    root = str(ROOT)
    assert sys.path[0] == root
    assert sys.path.count(root) == 1  # not one more entry per run, slowing every import


def _card_script(url: str, claim_key: str) -> None:
    import streamlit as st
    from sqlmodel import select

    from dashboard import widgets
    from dashboard.navigation import reader_pages
    from tracker.domain.models import Claim
    from tracker.read.queries import claim_detail
    from tracker.store.db import make_engine, read_session

    def card() -> None:
        engine = make_engine(url)
        with read_session(engine) as session:
            claim_id = session.exec(select(Claim.id).where(Claim.key == claim_key)).one()
        widgets.claim_card(claim_detail(engine, claim_id))

    # The card links to the Sources page, which must be in the navigation.
    pages = [st.Page(card, title="Card", default=True), *reader_pages()[1:]]
    st.navigation(pages, position="hidden").run()


def test_source_card_shows_quote_article_link_citation_and_other_claims(dashboard_sqlite_url):
    at = AppTest.from_function(
        _card_script, args=(dashboard_sqlite_url, "ohchr-2023-02-12-killed"), default_timeout=60
    ).run()
    assert not at.exception
    assert at.subheader[0].value == "7\\,199 civilians killed"
    text = " ".join(m.value for m in at.markdown)
    assert "recorded 18\\,955 civilian casualties in the country" in text  # the quote
    assert "OHCHR" in text
    [link] = at.get("link_button")
    assert link.proto.url == (
        "https://www.ohchr.org/en/news/2023/02/ukraine-civilian-casualty-update-13-february-2023"
    )
    citation = at.code[0].value
    assert citation == (
        "OHCHR: 7,199 civilians killed in Ukraine, 24 Feb 2022 – 12 Feb 2023 (OHCHR, "
        "13 Feb 2023, https://www.ohchr.org/en/news/2023/02/"
        "ukraine-civilian-casualty-update-13-february-2023)"
    )
    same, others = (t.value for t in at.dataframe)
    assert len(same) == 2  # the Kenyan Post and LB.ua relayed the same statement
    assert list(others["Figure"]) == ["11,756 civilians injured"]
    [page_link] = at.get("page_link")
    assert "source=" in page_link.proto.query_string


PRELOAD_PROBE = """
import asyncio, sys
from dashboard import serve

async def start():
    async with serve._loaded_first(serve.app):
        pass

before = set(sys.modules)
asyncio.run(start())
wanted = {name for script in serve.FIRST_VISIT for name in serve.imported_by(script)}
print(sorted(wanted - set(sys.modules)))
heavy = {"pandas", "sqlalchemy", "alembic.script"}
print(sorted(heavy & before), sorted(heavy - set(sys.modules)))
"""


def test_the_server_loads_what_the_first_page_imports_before_its_first_reader():
    done = subprocess.run(
        [sys.executable, "-c", PRELOAD_PROBE], cwd=ROOT, capture_output=True, text=True, check=True
    )
    missing, heavy = done.stdout.splitlines()
    assert missing == "[]"  # every module app.py and the Figures page import at their top
    # pandas, SQLAlchemy and the schema check's Alembic: loaded by the start-up.
    assert heavy == "[] []"


def make_run_command(port: int) -> list[str]:
    """The `run` recipe of the Makefile, with the venv's streamlit as this interpreter's."""
    makefile = (ROOT / "Makefile").read_text()
    recipe = re.search(r"^run:.*\n((?:\t.*\n)+)", makefile, re.MULTILINE).group(1)
    line = recipe.replace("\\\n", " ").replace("\t", " ").strip()
    line = line.replace("$(BIN)/streamlit", f"{shlex.quote(sys.executable)} -m streamlit")
    return shlex.split(line.replace("$(PORT)", str(port)))


def test_make_run_command_starts_the_dashboard(dashboard_sqlite_url):
    port = free_port()
    command = make_run_command(port)
    assert command[3:5] == ["run", "dashboard/serve.py"]
    with running_app(command, port, dashboard_sqlite_url) as app:
        with urllib.request.urlopen(f"{app.url}/", timeout=30) as response:
            assert response.status == 200
        assert "Error" not in app.log()
