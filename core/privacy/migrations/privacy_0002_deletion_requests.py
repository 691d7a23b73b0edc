"""privacy: the customers' account deletion requests

Revision ID: privacy_0002
Revises: privacy_0001
Create Date: 2026-12-03 08:30:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import core.db.types


revision: str = 'privacy_0002'
down_revision: str | Sequence[str] | None = 'privacy_0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('privacy_deletion_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('created_at', core.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('due_at', core.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('closed_at', core.db.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('outcome', sa.JSON(), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_privacy_deletion_requests_tenant_id_tenants'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_privacy_deletion_requests_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_privacy_deletion_requests'))
    )
    with op.batch_alter_table('privacy_deletion_requests', schema=None) as batch_op:
        batch_op.create_index('ix_privacy_deletion_requests_due', ['status', 'due_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_privacy_deletion_requests_tenant_id'), ['tenant_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_privacy_deletion_requests_user_id'), ['user_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('privacy_deletion_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_privacy_deletion_requests_user_id'))
        batch_op.drop_index(batch_op.f('ix_privacy_deletion_requests_tenant_id'))
        batch_op.drop_index('ix_privacy_deletion_requests_due')

    op.drop_table('privacy_deletion_requests')
