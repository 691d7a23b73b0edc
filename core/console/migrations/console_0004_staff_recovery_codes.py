"""staff: recovery codes of two-step sign-in

Revision ID: console_0004
Revises: console_0003
Create Date: 2026-12-03 13:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import core.db.types


revision: str = 'console_0004'
down_revision: str | Sequence[str] | None = 'console_0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('console_staff_recovery_codes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=False),
    sa.Column('code_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', core.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('used_at', core.db.types.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['owner_id'], ['console_staff.id'], name=op.f('fk_console_staff_recovery_codes_owner_id_console_staff'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_console_staff_recovery_codes')),
    sa.UniqueConstraint('owner_id', 'code_hash', name=op.f('uq_console_staff_recovery_codes_owner_id_code_hash'))
    )
    with op.batch_alter_table('console_staff_recovery_codes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_console_staff_recovery_codes_owner_id'), ['owner_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('console_staff_recovery_codes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_console_staff_recovery_codes_owner_id'))
    op.drop_table('console_staff_recovery_codes')
