"""audit events (HIPAA 164.312(b)); rule versions record the key that wrote them

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 16:23:44.802505
"""
from alembic import op
import sqlalchemy as sa


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

VERSIONED = ('calendars', 'discounts', 'payers', 'plans', 'programs', 'services')


def upgrade():
    op.create_table('audit_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('key_id', sa.Integer(), nullable=True),
    sa.Column('key_name', sa.String(length=100), nullable=True),
    sa.Column('action', sa.String(length=10), nullable=False),
    sa.Column('resource', sa.String(length=32), nullable=False),
    sa.Column('form', sa.String(length=8), nullable=True),
    sa.Column('resource_id', sa.String(length=64), nullable=True),
    sa.Column('client_address', sa.String(length=45), nullable=True),
    sa.Column('method', sa.String(length=10), nullable=False),
    sa.Column('route', sa.String(length=200), nullable=False),
    sa.Column('status', sa.SmallInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_events'))
    )
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_events_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_events_key_id'), ['key_id'], unique=False)
        batch_op.create_index('ix_audit_events_resource_resource_id', ['resource', 'resource_id'], unique=False)

    for table in VERSIONED:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('written_by_key_id', sa.Integer(), nullable=True))
            batch_op.create_foreign_key(op.f(f'fk_{table}_written_by_key_id_api_keys'), 'api_keys', ['written_by_key_id'], ['id'])


def downgrade():
    for table in reversed(VERSIONED):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(op.f(f'fk_{table}_written_by_key_id_api_keys'), type_='foreignkey')
            batch_op.drop_column('written_by_key_id')

    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_events_resource_resource_id')
        batch_op.drop_index(batch_op.f('ix_audit_events_key_id'))
        batch_op.drop_index(batch_op.f('ix_audit_events_at'))

    op.drop_table('audit_events')
