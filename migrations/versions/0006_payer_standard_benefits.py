"""standard_benefits: a payer's benefits for each plan year (deductible, coinsurance, copays,
out-of-pocket maximum; a Medicare Supplement plan's share of the Part B cost sharing)

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 12:25:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('standard_benefits',
    sa.Column('deductible', sa.Numeric(precision=14, scale=4), nullable=True),
    sa.Column('coinsurance', sa.Numeric(precision=6, scale=4), nullable=True),
    sa.Column('coinsurance_by_category', sa.JSON(), nullable=False),
    sa.Column('copays', sa.JSON(), nullable=False),
    sa.Column('out_of_pocket_max', sa.Numeric(precision=14, scale=4), nullable=True),
    sa.Column('pays_part_b_deductible', sa.Boolean(), nullable=True),
    sa.Column('coinsurance_share', sa.Numeric(precision=6, scale=4), nullable=True),
    sa.Column('office_visit_copay', sa.Numeric(precision=14, scale=4), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('payer_code', sa.String(length=32), nullable=False),
    sa.Column('effective_from', sa.Date(), nullable=False),
    sa.Column('effective_to', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('superseded_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_standard_benefits'))
    )
    with op.batch_alter_table('standard_benefits', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_standard_benefits_payer_code'), ['payer_code'], unique=False)


def downgrade():
    with op.batch_alter_table('standard_benefits', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_standard_benefits_payer_code'))
    op.drop_table('standard_benefits')
