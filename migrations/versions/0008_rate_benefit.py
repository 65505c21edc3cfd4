"""rates: benefit (medical or pharmacy: the allowed amount of a specialty pharmacy fill)

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 15:10:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('rates', schema=None) as batch_op:
        batch_op.add_column(sa.Column('benefit', sa.String(length=20), nullable=False,
                                      server_default='medical'))


def downgrade():
    with op.batch_alter_table('rates', schema=None) as batch_op:
        batch_op.drop_column('benefit')
