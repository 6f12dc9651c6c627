"""An organisation's logo for its PDFs.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 19:30:00

"""
import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "organisation_logo",
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("png", sa.LargeBinary(), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisation.id"],
                                name="fk_organisation_logo_organisation_id_organisation",
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("organisation_id", name="pk_organisation_logo"),
    )


def downgrade():
    op.drop_table("organisation_logo")
