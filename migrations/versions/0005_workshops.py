"""Workshops: a trainer's room of anonymous participants, their answers, the kept tally.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 20:30:00

"""
import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "workshop",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("trainer_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=120), nullable=False),
        sa.Column("questionnaire_version_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=6), nullable=False),
        sa.Column("languages", sa.String(length=40), nullable=False),
        sa.Column("group_question", sa.String(length=200), nullable=True),
        sa.Column("group_options", sa.JSON(), nullable=True),
        sa.Column("min_answers", sa.Integer(), nullable=False),
        sa.Column("locale", sa.String(length=10), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closes_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("purged_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("tally", sa.JSON(), nullable=True),
        sa.CheckConstraint("min_answers >= 3", name="ck_workshop_min_answers"),
        sa.ForeignKeyConstraint(["trainer_id"], ["user_account.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["questionnaire_version_id"], ["questionnaire_version.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("code"),
    )
    with op.batch_alter_table("workshop") as batch_op:
        batch_op.create_index("ix_workshop_trainer_id", ["trainer_id"])

    op.create_table(
        "participant",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workshop_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("language", sa.String(length=10), nullable=False),
        sa.Column("group_option", sa.String(length=80), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["workshop_id"], ["workshop.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash"),
    )
    with op.batch_alter_table("participant") as batch_op:
        batch_op.create_index("ix_participant_workshop_group", ["workshop_id", "group_option"])

    op.create_table(
        "participant_answer",
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.String(length=64), nullable=False),
        sa.Column("value", sa.String(length=12), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["participant_id"], ["participant.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("participant_id", "question_id"),
    )


def downgrade():
    op.drop_table("participant_answer")
    op.drop_table("participant")
    op.drop_table("workshop")
