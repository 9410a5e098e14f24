"""drop the never-used post columns simhash and author_influence

Nothing ever wrote or read them: near copies are found by MinHash in the crawl's store pipeline and an
author's weight by follower counts in the hotness score. Dropped with ALTER TABLE ... DROP COLUMN on
both backends (SQLite 3.35+), so the posts table is not rebuilt and rows that point at posts stay.

Revision ID: 0006_drop_unused_post_columns
Revises: 0005_post_threads
Create Date: 2026-12-03 08:05:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0006_drop_unused_post_columns'
down_revision = '0005_post_threads'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_column('posts', 'simhash')
    op.drop_column('posts', 'author_influence')


def downgrade() -> None:
    op.add_column('posts', sa.Column('author_influence', sa.Float(), nullable=False, server_default='0'))
    op.add_column('posts', sa.Column('simhash', sa.BigInteger(), nullable=True))
