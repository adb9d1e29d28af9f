"""stored findings of the consistency checks (issue 6)

The Checks page ran every check over the whole store on its first view (minutes at a
million claims) and grouped every finding in Python on each rerun. The findings are now
kept in `finding` (with `finding_claim`, which claims each is about) and `findings_state`
(what they cover), written by `tracker.checks.finding_store`: fully by `tracker check`, `tracker
import` and `tracker demo`, and for what changed after a curator's save. Derived data: a
refresh replaces rows; claims and sources are never touched.

The tables start empty: `tracker check` fills them (the Checks page says so until then).
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0003"
down_revision = "0002"


def upgrade() -> None:
    op.create_table(
        "finding",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("rule", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("severity", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("severity_rank", sa.Integer(), nullable=False),
        sa.Column("sort_key", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("claims", sa.JSON(), nullable=False),
        sa.Column("sources", sa.JSON(), nullable=False),
        sa.Column("part", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("finding", schema=None) as batch_op:
        batch_op.create_index(
            "ix_finding_page", ["rule", "severity_rank", "sort_key"], unique=False
        )
        batch_op.create_index("ix_finding_part", ["part"], unique=False)

    op.create_table(
        "finding_claim",
        sa.Column("finding_id", sa.Integer(), nullable=False),
        sa.Column("claim_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["claim_id"], ["claim.id"]),
        sa.ForeignKeyConstraint(["finding_id"], ["finding.id"]),
        sa.PrimaryKeyConstraint("finding_id", "claim_id"),
    )
    with op.batch_alter_table("finding_claim", schema=None) as batch_op:
        batch_op.create_index("ix_finding_claim_claim", ["claim_id", "finding_id"], unique=False)

    op.create_table(
        "findings_state",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("revision_id", sa.Integer(), nullable=True),
        sa.Column("revision_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("revision_count", sa.Integer(), nullable=False),
        sa.Column("data_version", sa.Integer(), nullable=False),
        sa.Column("vocabulary", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("checked_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("counts", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )


def downgrade() -> None:
    # Dropping a table drops its indexes with it (SQLite and PostgreSQL).
    for table in ("findings_state", "finding_claim", "finding"):
        op.drop_table(table)
