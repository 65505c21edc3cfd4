"""plans: patient-facing name and description, payer kinds; the clinic calendar

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 10:55:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('plans', schema=None) as batch_op:
        batch_op.add_column(sa.Column('public_name', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('public_description', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('payer_kinds', sa.JSON(), nullable=True))
    op.create_table('calendars',
    sa.Column('open_days', sa.JSON(), nullable=False),
    sa.Column('closed_dates', sa.JSON(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('superseded_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_calendars'))
    )
    with op.batch_alter_table('calendars', schema=None) as batch_op:
        batch_op.create_index('uq_calendars_current_code', ['code'], unique=True, sqlite_where=sa.text('superseded_at IS NULL'), postgresql_where=sa.text('superseded_at IS NULL'))


def downgrade():
    with op.batch_alter_table('calendars', schema=None) as batch_op:
        batch_op.drop_index('uq_calendars_current_code', sqlite_where=sa.text('superseded_at IS NULL'), postgresql_where=sa.text('superseded_at IS NULL'))
    op.drop_table('calendars')
    with op.batch_alter_table('plans', schema=None) as batch_op:
        batch_op.drop_column('payer_kinds')
        batch_op.drop_column('public_description')
        batch_op.drop_column('public_name')
