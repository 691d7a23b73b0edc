"""passkeys: the customers' and the staff's passkeys

Revision ID: passkeys_0001
Revises:
Create Date: 2026-12-03 13:20:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import core.db.types


revision: str = 'passkeys_0001'
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = ('passkeys',)
depends_on: str | Sequence[str] | None = ('identity', 'console_0001')


def _fields() -> list[sa.Column]:
    return [
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('credential_id', sa.String(length=1400), nullable=False),
        sa.Column('public_key', sa.LargeBinary(), nullable=False),
        sa.Column('sign_count', sa.Integer(), nullable=False),
        sa.Column('transports', sa.JSON(), nullable=False),
        sa.Column('name', sa.String(length=80), nullable=False),
        sa.Column('rp_id', sa.String(length=253), nullable=False),
        sa.Column('created_at', core.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column('last_used_at', core.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column('user_handle', sa.String(length=100), nullable=False),
    ]


def upgrade() -> None:
    op.create_table('passkeys',
    *_fields(),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_passkeys_tenant_id_tenants'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_passkeys_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_passkeys')),
    sa.UniqueConstraint('tenant_id', 'credential_id', name=op.f('uq_passkeys_tenant_id_credential_id')),
    )
    with op.batch_alter_table('passkeys', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_passkeys_tenant_id'), ['tenant_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_passkeys_user_id'), ['user_id'], unique=False)
    op.create_table('console_staff_passkeys',
    *_fields(),
    sa.Column('staff_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['staff_id'], ['console_staff.id'], name=op.f('fk_console_staff_passkeys_staff_id_console_staff'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_console_staff_passkeys')),
    sa.UniqueConstraint('rp_id', 'credential_id', name=op.f('uq_console_staff_passkeys_rp_id_credential_id')),
    )
    with op.batch_alter_table('console_staff_passkeys', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_console_staff_passkeys_staff_id'), ['staff_id'], unique=False)


def downgrade() -> None:
    op.drop_table('console_staff_passkeys')
    op.drop_table('passkeys')
