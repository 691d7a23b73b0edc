"""staff: categories an agent works on, set-password links, two-step reset and ended sessions

Revision ID: console_0003
Revises: console_0002
Create Date: 2026-12-03 07:45:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import core.db.types


revision: str = 'console_0003'
down_revision: str | Sequence[str] | None = 'console_0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('console_staff_categories',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=False),
    sa.Column('category', sa.String(length=60), nullable=False),
    sa.ForeignKeyConstraint(['staff_id'], ['console_staff.id'], name=op.f('fk_console_staff_categories_staff_id_console_staff'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_console_staff_categories')),
    sa.UniqueConstraint('staff_id', 'category', name=op.f('uq_console_staff_categories_staff_id_category'))
    )
    with op.batch_alter_table('console_staff_categories', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_console_staff_categories_staff_id'), ['staff_id'], unique=False)

    op.create_table('console_staff_links',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=False),
    sa.Column('created_at', core.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', core.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('used_at', core.db.types.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['staff_id'], ['console_staff.id'], name=op.f('fk_console_staff_links_staff_id_console_staff'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_console_staff_links')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_console_staff_links_token_hash'))
    )
    with op.batch_alter_table('console_staff_links', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_console_staff_links_staff_id'), ['staff_id'], unique=False)

    with op.batch_alter_table('console_staff', schema=None) as batch_op:
        batch_op.add_column(sa.Column('totp_setup_due', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('sessions_ended_at', core.db.types.UTCDateTime(timezone=True), nullable=True))
    with op.batch_alter_table('console_staff', schema=None) as batch_op:
        batch_op.alter_column('totp_setup_due', server_default=None)


def downgrade() -> None:
    with op.batch_alter_table('console_staff', schema=None) as batch_op:
        batch_op.drop_column('sessions_ended_at')
        batch_op.drop_column('totp_setup_due')

    with op.batch_alter_table('console_staff_links', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_console_staff_links_staff_id'))

    op.drop_table('console_staff_links')
    with op.batch_alter_table('console_staff_categories', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_console_staff_categories_staff_id'))

    op.drop_table('console_staff_categories')
