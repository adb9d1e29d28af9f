"""conflicts as a scope; the words that signal each metric (issue 15)

A store holds several wars: `conflict` names each with its start and countries (the
dashboard asks for one first; "since the war began" starts on its start). `metric.signals`
keeps the words that signal a metric in an article, so the extraction assistant reads its
metrics from the vocabulary instead of a list in code.
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0006"
down_revision = "0005"


def upgrade() -> None:
    op.create_table(
        "conflict",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("start", sa.Date(), nullable=False),
        sa.Column("countries", sa.JSON(), nullable=False),
        sa.Column("aliases", sa.JSON(), nullable=False),
        sa.Column("default_metric", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("default_place", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_conflict_key"), "conflict", ["key"], unique=True)
    with op.batch_alter_table("metric") as batch:
        batch.add_column(sa.Column("signals", sa.JSON(), nullable=False, server_default="{}"))


def downgrade() -> None:
    with op.batch_alter_table("metric") as batch:
        batch.drop_column("signals")
    # Dropping a table drops its indexes with it (SQLite and PostgreSQL).
    op.drop_table("conflict")
