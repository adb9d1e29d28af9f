"""articles in: archived pages, feeds and the inbox (issue 18)

`archived_page` keeps each fetched page's HTML compressed, with its hash and fetch time;
`feed` lists the RSS and Atom feeds polled; `inbox_item` holds the articles a poll brought
in, with their text and draft claims, until a curator takes one as a source or dismisses
it (with a reason, who and when: nothing is deleted). The tables start empty.
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0004"
down_revision = "0003"


def upgrade() -> None:
    op.create_table(
        "archived_page",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("url", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.Column("requested_url", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.Column("fetched_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("fetched_by", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("sha256", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("content_type", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("encoding", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("html_gzip", sa.LargeBinary(), nullable=False),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("text_fingerprint", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("archived_page", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_archived_page_text_fingerprint"), ["text_fingerprint"], unique=False
        )
        batch_op.create_index("ix_archived_page_url", ["url", "fetched_at"], unique=False)

    op.create_table(
        "feed",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("url", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("added_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("added_by", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("last_polled_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("url"),
    )
    op.create_table(
        "inbox_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("feed_id", sa.Integer(), nullable=True),
        sa.Column("guid", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=True),
        sa.Column("link", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.Column("url", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("publisher", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("published", sa.Date(), nullable=True),
        sa.Column("published_basis", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("language", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("candidates", sa.JSON(), nullable=False),
        sa.Column("archive_id", sa.Integer(), nullable=True),
        sa.Column("text_fingerprint", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("relay_of", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=True),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=True),
        sa.Column("taken_by", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
        sa.Column("taken_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("dismissed_reason", sa.Text(), nullable=True),
        sa.Column("dismissed_by", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
        sa.Column("dismissed_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["archive_id"],
            ["archived_page.id"],
        ),
        sa.ForeignKeyConstraint(
            ["feed_id"],
            ["feed.id"],
        ),
        sa.ForeignKeyConstraint(
            ["source_id"],
            ["source.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("url"),
    )
    with op.batch_alter_table("inbox_item", schema=None) as batch_op:
        batch_op.create_index("ix_inbox_item_feed_guid", ["feed_id", "guid"], unique=False)
        batch_op.create_index(batch_op.f("ix_inbox_item_link"), ["link"], unique=False)
        batch_op.create_index("ix_inbox_item_status", ["status", "id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_inbox_item_text_fingerprint"), ["text_fingerprint"], unique=False
        )


def downgrade() -> None:
    # Dropping a table drops its indexes with it (SQLite and PostgreSQL).
    for table in ("inbox_item", "feed", "archived_page"):
        op.drop_table(table)
