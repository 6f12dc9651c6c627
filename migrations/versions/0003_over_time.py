"""Over time: rounds, a summary of each submitted round, actions, advisers' grants.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 19:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("assessment") as batch_op:
        batch_op.add_column(sa.Column("previous_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("score", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("level", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("minimum_met", sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column("standard_levels", sa.JSON(), nullable=True))
        batch_op.create_foreign_key("fk_assessment_previous_id_assessment", "assessment",
                                    ["previous_id"], ["id"], ondelete="SET NULL")
        batch_op.create_index("ix_assessment_previous_id", ["previous_id"])
        batch_op.create_index("ix_assessment_organisation_submitted",
                              ["organisation_id", "status", "submitted_at"])

    with op.batch_alter_table("answer") as batch_op:
        batch_op.add_column(sa.Column("carried_over", sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
    with op.batch_alter_table("answer") as batch_op:
        batch_op.alter_column("carried_over", existing_type=sa.Boolean(), server_default=None)

    with op.batch_alter_table("invitation") as batch_op:
        batch_op.add_column(sa.Column("kind", sa.String(length=10), nullable=False,
                                      server_default="member"))
        batch_op.add_column(sa.Column("scope", sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column("grant_months", sa.Integer(), nullable=True))
    with op.batch_alter_table("invitation") as batch_op:
        batch_op.alter_column("kind", existing_type=sa.String(length=10), server_default=None)

    op.create_table(
        "action",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.String(length=64), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("owner_name", sa.String(length=120), nullable=False),
        sa.Column("due", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("confirmed_by_answers", sa.Boolean(), nullable=False),
        sa.Column("carried_from_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["assessment_id"], ["assessment.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["carried_from_id"], ["action.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["owner_id"], ["user_account.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["updated_by_id"], ["user_account.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("assessment_id", "question_id"),
    )
    with op.batch_alter_table("action") as batch_op:
        batch_op.create_index("ix_action_assessment_id", ["assessment_id"])

    op.create_table(
        "action_comment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("author_name", sa.String(length=120), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["action_id"], ["action.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["author_id"], ["user_account.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("action_comment") as batch_op:
        batch_op.create_index("ix_action_comment_action_id", ["action_id"])

    op.create_table(
        "adviser_grant",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("adviser_id", sa.Integer(), nullable=False),
        sa.Column("scope", sa.String(length=10), nullable=False),
        sa.Column("granted_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["adviser_id"], ["user_account.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["granted_by_id"], ["user_account.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisation.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("adviser_grant") as batch_op:
        batch_op.create_index("ix_adviser_grant_organisation_id", ["organisation_id"])
        batch_op.create_index("ix_adviser_grant_adviser_id", ["adviser_id"])


def downgrade():
    op.drop_table("adviser_grant")
    op.drop_table("action_comment")
    op.drop_table("action")
    with op.batch_alter_table("invitation") as batch_op:
        batch_op.drop_column("grant_months")
        batch_op.drop_column("scope")
        batch_op.drop_column("kind")
    with op.batch_alter_table("answer") as batch_op:
        batch_op.drop_column("carried_over")
    with op.batch_alter_table("assessment") as batch_op:
        batch_op.drop_index("ix_assessment_organisation_submitted")
        batch_op.drop_index("ix_assessment_previous_id")
        batch_op.drop_constraint("fk_assessment_previous_id_assessment", type_="foreignkey")
        batch_op.drop_column("standard_levels")
        batch_op.drop_column("minimum_met")
        batch_op.drop_column("level")
        batch_op.drop_column("score")
        batch_op.drop_column("previous_id")
