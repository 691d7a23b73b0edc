"""privacy: the customers' data export requests

Revision ID: privacy_0001
Revises:
Create Date: 2026-12-03 07:50:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import core.db.types


revision: str = 'privacy_0001'
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = ('privacy',)
depends_on: str | Sequence[str] | None = 'identity'


def upgrade() -> None:
    op.create_table('privacy_export_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('storage_key', sa.String(length=200), nullable=True),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('created_at', core.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('claimed_at', core.db.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('built_at', core.db.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('expires_at', core.db.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('downloaded_at', core.db.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_privacy_export_requests_tenant_id_tenants'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_privacy_export_requests_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_privacy_export_requests'))
    )
    with op.batch_alter_table('privacy_export_requests', schema=None) as batch_op:
        batch_op.create_index('ix_privacy_export_requests_user', ['tenant_id', 'user_id', 'created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_privacy_export_requests_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_privacy_export_requests_tenant_id'), ['tenant_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('privacy_export_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_privacy_export_requests_tenant_id'))
        batch_op.drop_index(batch_op.f('ix_privacy_export_requests_status'))
        batch_op.drop_index('ix_privacy_export_requests_user')

    op.drop_table('privacy_export_requests')
