"""videotron_business service lines: the product's English name

Revision ID: videotron_business_0003
Revises: videotron_business_0002
Create Date: 2026-12-02 14:55:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'videotron_business_0003'
down_revision: str | Sequence[str] | None = 'videotron_business_0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('videotron_business_service_lines', schema=None) as batch_op:
        batch_op.add_column(sa.Column('description_en', sa.String(length=200), server_default='', nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('videotron_business_service_lines', schema=None) as batch_op:
        batch_op.drop_column('description_en')
