"""programs: paid_as (point_of_sale or rebate) and excluded_states

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 14:05:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('programs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('paid_as', sa.String(length=20), nullable=False,
                                      server_default='point_of_sale'))
        batch_op.add_column(sa.Column('excluded_states', sa.JSON(), nullable=False,
                                      server_default=sa.text("'[]'")))


def downgrade():
    with op.batch_alter_table('programs', schema=None) as batch_op:
        batch_op.drop_column('excluded_states')
        batch_op.drop_column('paid_as')
