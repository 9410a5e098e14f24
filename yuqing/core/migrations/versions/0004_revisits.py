"""revisits: 回访 tasks of answered cases, with how the citizen was reached and their satisfaction

Revision ID: 0004_revisits
Revises: 0003_assessment_judgements
Create Date: 2026-12-03 08:00:00
"""

from alembic import op
import sqlalchemy as sa
import yuqing.core.storage.types


revision = '0004_revisits'
down_revision = '0003_assessment_judgements'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('revisits',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('round', sa.Integer(), nullable=False),
    sa.Column('owner', sa.String(length=64), nullable=False),
    sa.Column('created_at', yuqing.core.storage.types.UTCDateTime(), nullable=False),
    sa.Column('due_at', yuqing.core.storage.types.UTCDateTime(), nullable=False),
    sa.Column('reminded_at', yuqing.core.storage.types.UTCDateTime(), nullable=True),
    sa.Column('done_at', yuqing.core.storage.types.UTCDateTime(), nullable=True),
    sa.Column('done_by', sa.String(length=64), nullable=False),
    sa.Column('method', sa.String(length=32), nullable=False),
    sa.Column('outcome', sa.Text(), nullable=False),
    sa.Column('satisfaction', sa.String(length=16), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_revisits_case_id_cases')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_revisits')),
    sa.UniqueConstraint('case_id', 'round', name='uq_revisits_case_round')
    )
    with op.batch_alter_table('revisits', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_revisits_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_revisits_done_at'), ['done_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_revisits_due_at'), ['due_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_revisits_owner'), ['owner'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('revisits', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_revisits_owner'))
        batch_op.drop_index(batch_op.f('ix_revisits_due_at'))
        batch_op.drop_index(batch_op.f('ix_revisits_done_at'))
        batch_op.drop_index(batch_op.f('ix_revisits_case_id'))
    op.drop_table('revisits')
