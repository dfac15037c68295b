"""Public face: the impact statement and the erasure mark of an organisation, a user's language,
and an index for the public directory.

Revision ID: 0006_public_face
Revises: 0005_dashboard_counters
Create Date: 2026-11-28 05:23:16.083546

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006_public_face'
down_revision = '0005_dashboard_counters'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('impact_statement', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('erased_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index('ix_organisations_directory', ['public_listing', 'name'], unique=False)

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('locale', sa.String(length=5), nullable=True))



def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('locale')

    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.drop_index('ix_organisations_directory')
        batch_op.drop_column('erased_at')
        batch_op.drop_column('impact_statement')

