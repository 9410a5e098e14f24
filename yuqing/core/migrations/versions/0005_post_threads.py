"""post threads: the bureau's own posts flagged, a comment's parent post and parent comment

Revision ID: 0005_post_threads
Revises: 0004_revisits
Create Date: 2026-12-03 08:10:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0005_post_threads'
down_revision = '0004_revisits'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('posts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('own', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('thread_post_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('thread_comment_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_posts_own'), ['own'], unique=False)
        batch_op.create_index(batch_op.f('ix_posts_thread_post_id'), ['thread_post_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_posts_thread_post_id_posts'), 'posts', ['thread_post_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_posts_thread_comment_id_posts'), 'posts',
                                    ['thread_comment_id'], ['id'])


def downgrade() -> None:
    with op.batch_alter_table('posts', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_posts_thread_comment_id_posts'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_posts_thread_post_id_posts'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_posts_thread_post_id'))
        batch_op.drop_index(batch_op.f('ix_posts_own'))
        batch_op.drop_column('thread_comment_id')
        batch_op.drop_column('thread_post_id')
        batch_op.drop_column('own')
