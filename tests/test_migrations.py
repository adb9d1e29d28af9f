"""Migrations: from an empty database to head, matching the models, on both databases.

pytest-alembic's built-in checks run too (single head, upgrade, model/DDL match,
up-down consistency) through the `alembic_config` and `alembic_engine` fixtures below.
"""

from __future__ import annotations

import pytest
from pytest_alembic import tests as alembic_tests
from pytest_alembic.config import Config
from sqlalchemy import inspect, text

from tracker.store.db import MIGRATIONS_DIR, init_db, make_engine


@pytest.fixture
def alembic_config() -> Config:
    return Config(config_options={"script_location": str(MIGRATIONS_DIR)})


@pytest.fixture
def alembic_engine(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'alembic.db'}")
    yield engine
    engine.dispose()


def test_single_head_revision(alembic_runner):
    alembic_tests.test_single_head_revision(alembic_runner)


def test_upgrade(alembic_runner):
    alembic_tests.test_upgrade(alembic_runner)


def test_model_definitions_match_ddl(alembic_runner):
    alembic_tests.test_model_definitions_match_ddl(alembic_runner)


def test_up_down_consistency(alembic_runner):
    alembic_tests.test_up_down_consistency(alembic_runner)


def test_init_creates_every_table_and_is_repeatable(database_url):
    engine = make_engine(database_url)
    init_db(engine)  # already at head: a no-op, not an error
    with engine.connect() as conn:
        tables = set(inspect(conn).get_table_names())
        version = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    assert {"claim", "source", "claimant", "place", "metric", "revision", "user", "meta"} <= tables
    assert version is not None
    engine.dispose()
