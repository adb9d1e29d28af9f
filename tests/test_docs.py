"""The documentation cannot drift from the code: every command and option of `tracker` is in
docs/, the README stays a newcomer's page, and its links lead somewhere."""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest

from tracker.cli import main

ROOT = Path(__file__).resolve().parent.parent
DOCS = "\n".join(p.read_text(encoding="utf-8") for p in sorted((ROOT / "docs").glob("*.md")))
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _commands(group: click.Group, prefix: str = "tracker") -> list[tuple[str, click.Command]]:
    out = []
    for name, command in sorted(group.commands.items()):
        path = f"{prefix} {name}"
        out.append((path, command))
        if isinstance(command, click.Group):
            out += _commands(command, path)
    return out


COMMANDS = _commands(main)


@pytest.mark.parametrize("path, command", COMMANDS, ids=[p for p, _ in COMMANDS])
def test_every_command_and_option_is_documented(path: str, command: click.Command):
    assert path in DOCS, f"{path} is not in docs/"
    for param in command.params:
        if isinstance(param, click.Option):
            flags = [o for o in param.opts + param.secondary_opts if o.startswith("--")]
            assert any(flag in DOCS for flag in flags), f"{path} {flags[0]} is not in docs/"


def test_the_readme_opens_with_the_two_commands_and_stays_short():
    assert README.splitlines()[3:5] == [
        "make run    # virtual environment, install, database, sample data, dashboard on http://localhost:8501",
        "make test   # virtual environment, install, lint, the whole test suite",
    ]
    assert len(README.splitlines()) <= 250


@pytest.mark.parametrize("page", [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))])
def test_every_relative_link_leads_to_a_file(page: Path):
    text = page.read_text(encoding="utf-8")
    for target in re.findall(r"\]\(([^)#:]+)(?:#[^)]*)?\)", text):
        assert (page.parent / target).exists(), f"{page.name} links to missing {target}"
