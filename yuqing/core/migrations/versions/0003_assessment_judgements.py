"""assessment judgements: probability of negative, actionable and department; a case's department (转办)

Revision ID: 0003_assessment_judgements
Revises: 0002_web_sessions
Create Date: 2026-12-03 06:10:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0003_assessment_judgements'
down_revision = '0002_web_sessions'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('assessments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('negative', sa.Float(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('actionable', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('department', sa.String(length=16), nullable=False, server_default=''))
        batch_op.create_index(batch_op.f('ix_assessments_actionable'), ['actionable'], unique=False)
        batch_op.create_index(batch_op.f('ix_assessments_department'), ['department'], unique=False)
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('department', sa.String(length=16), nullable=False, server_default=''))
        batch_op.create_index(batch_op.f('ix_cases_department'), ['department'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cases_department'))
        batch_op.drop_column('department')
    with op.batch_alter_table('assessments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assessments_department'))
        batch_op.drop_index(batch_op.f('ix_assessments_actionable'))
        batch_op.drop_column('department')
        batch_op.drop_column('actionable')
        batch_op.drop_column('negative')
