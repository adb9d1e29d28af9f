"""query indexes and full-text search for a million claims (issue 6)

Each index serves a page's main query, chosen from EXPLAIN QUERY PLAN / EXPLAIN on a store
of a million synthetic claims (tests/test_query_plans.py keeps them in use):

- `ix_claim_series` (metric, place, claimant, kind, as-of date, then status, statement and
  figure): the Figures page reads its statement count and per-period aggregate from the
  index alone, and "latest per claimant" is one descending seek per claimant. It replaces
  `ix_claim_metric_place_end`, whose columns it starts with.
- `ix_claim_period_end`: the Claims table's default order, read off the index.
- Full-text search over quotes, source titles and publishers (tracker.read.filters): on SQLite,
  FTS5 tables holding no text of their own (`content=`, the text stays in `claim` and
  `source`), kept in step by triggers, because the bulk loader writes with Core inserts
  that no ORM hook sees; on PostgreSQL, GIN indexes on `to_tsvector('simple', ...)`.
  (tracker.store.upkeep drops the insert triggers for the length of a bulk load and adds the
  loaded rows' terms in one statement at its end; it re-creates them from the SQL below.)

A later SQLite migration that rebuilds `claim` or `source` (batch mode copies the table)
drops these triggers with the old table: it must create them again and run the FTS5
'rebuild' command.
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"

# (FTS5 table, content table, indexed columns). unicode61 folds case and diacritics; the
# words of a search are matched as a phrase, then the text itself (tracker.read.filters).
FTS_TABLES = (
    ("claim_fts", "claim", ("quote",)),
    ("source_fts", "source", ("title", "publisher")),
)
TS_INDEXES = (
    ("ix_claim_quote_fts", "claim", "quote"),
    ("ix_source_title_fts", "source", "title"),
    ("ix_source_publisher_fts", "source", "publisher"),
)


def _sqlite_fts_up() -> None:
    for fts, table, columns in FTS_TABLES:
        cols = ", ".join(columns)
        new = ", ".join(f"new.{c}" for c in columns)
        old = ", ".join(f"old.{c}" for c in columns)
        op.execute(
            f"CREATE VIRTUAL TABLE {fts} USING fts5({cols}, content='{table}', "
            "content_rowid='id', tokenize='unicode61 remove_diacritics 2')"
        )
        op.execute(
            f"CREATE TRIGGER {fts}_insert AFTER INSERT ON {table} BEGIN "
            f"INSERT INTO {fts}(rowid, {cols}) VALUES (new.id, {new}); END"
        )
        op.execute(
            f"CREATE TRIGGER {fts}_delete AFTER DELETE ON {table} BEGIN "
            f"INSERT INTO {fts}({fts}, rowid, {cols}) VALUES ('delete', old.id, {old}); END"
        )
        op.execute(
            f"CREATE TRIGGER {fts}_update AFTER UPDATE OF {cols} ON {table} BEGIN "
            f"INSERT INTO {fts}({fts}, rowid, {cols}) VALUES ('delete', old.id, {old}); "
            f"INSERT INTO {fts}(rowid, {cols}) VALUES (new.id, {new}); END"
        )
        # Rows stored before this migration.
        op.execute(f"INSERT INTO {fts}({fts}) VALUES ('rebuild')")


def _sqlite_fts_down() -> None:
    for fts, _table, _columns in FTS_TABLES:
        for event in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER IF EXISTS {fts}_{event}")
        op.execute(f"DROP TABLE IF EXISTS {fts}")


def upgrade() -> None:
    with op.batch_alter_table("claim", schema=None) as batch_op:
        batch_op.drop_index("ix_claim_metric_place_end")
        batch_op.create_index(
            "ix_claim_series",
            [
                "metric_id",
                "place_id",
                "claimant_id",
                "cumulative",
                "period_end",
                "status",
                "statement_key",
                "value",
                "low",
                "high",
            ],
            unique=False,
        )
        batch_op.create_index("ix_claim_period_end", ["period_end"], unique=False)
    if op.get_bind().dialect.name == "sqlite":
        _sqlite_fts_up()
    else:
        for name, table, column in TS_INDEXES:
            op.create_index(
                name,
                table,
                [sa.text(f"to_tsvector('simple'::regconfig, {column})")],
                unique=False,
                postgresql_using="gin",
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _sqlite_fts_down()
    else:
        for name, table, _column in TS_INDEXES:
            op.drop_index(name, table_name=table, postgresql_using="gin")
    with op.batch_alter_table("claim", schema=None) as batch_op:
        batch_op.drop_index("ix_claim_period_end")
        batch_op.drop_index("ix_claim_series")
        batch_op.create_index(
            "ix_claim_metric_place_end", ["metric_id", "place_id", "period_end"], unique=False
        )
