"""The dashboard's server: `streamlit run dashboard/serve.py` serves `app.py`, with what the
first page needs loaded before the server takes its first reader.

Started as `streamlit run dashboard/app.py`, the first visit after a start also waits for
pandas, plotly, SQLAlchemy, Alembic and the tracker to be imported (docs/performance.md has
the figures); here the server's start pays for them instead, once.
"""

import ast
import importlib
import importlib.util
import sys
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = str(HERE.parent)
if sys.path[:1] != [ROOT]:  # as in app.py: this checkout's packages, whoever starts it
    sys.path[:] = [ROOT, *(entry for entry in sys.path if entry != ROOT)]

import streamlit as st  # noqa: E402

#: The scripts every first visit runs: the app and its default page. Only these: the other
#: pages' modules (the article reader among them) would add to the server's memory for
#: pages most readers never open.
FIRST_VISIT = (HERE / "app.py", HERE / "views" / "figures.py")


def imported_by(script: Path) -> Iterator[str]:
    """The modules `script` imports at its top level, read rather than run (a page is a
    script: importing it would draw it). `from package import name` yields the submodule
    `package.name` where there is one."""
    for node in ast.parse(script.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            yield node.module
            if importlib.util.find_spec(node.module).submodule_search_locations is None:
                continue  # a module, not a package: its names are not modules
            for alias in node.names:
                if importlib.util.find_spec(f"{node.module}.{alias.name}") is not None:
                    yield f"{node.module}.{alias.name}"


@asynccontextmanager
async def _loaded_first(_app: st.App) -> AsyncIterator[None]:
    for script in FIRST_VISIT:
        for name in imported_by(script):
            importlib.import_module(name)
    from tracker.store.db import head_revision

    head_revision()  # every page's schema check compares with it (cached; Alembic reads it)
    yield


app = st.App(HERE / "app.py", lifespan=_loaded_first)
