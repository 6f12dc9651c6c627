"""Teams: roles, invitations, server-side sessions, email tokens, the audit log, revisions.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01 17:30:00

"""
import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("user_account") as batch_op:
        batch_op.add_column(sa.Column("password_changed_at", sa.DateTime(timezone=True),
                                      nullable=True))

    with op.batch_alter_table("membership") as batch_op:
        batch_op.add_column(sa.Column("created_at", sa.DateTime(timezone=True), nullable=True))
    membership = sa.table("membership", sa.column("role", sa.String),
                          sa.column("created_at", sa.DateTime(timezone=True)))
    # "member" was the only role besides admin before roles existed; it could do what an
    # editor can. The join date is unknown: the start of the log is a safe lower bound.
    op.execute(membership.update().where(membership.c.role == "member").values(role="editor"))
    op.execute(membership.update().values(created_at=sa.func.current_timestamp()))
    with op.batch_alter_table("membership") as batch_op:
        batch_op.alter_column("created_at", existing_type=sa.DateTime(timezone=True),
                              nullable=False)

    with op.batch_alter_table("assessment") as batch_op:
        batch_op.add_column(sa.Column("submitted_by_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key("fk_assessment_submitted_by_id_user_account", "user_account",
                                    ["submitted_by_id"], ["id"], ondelete="SET NULL")

    with op.batch_alter_table("answer") as batch_op:
        batch_op.add_column(sa.Column("revision", sa.Integer(), nullable=False,
                                      server_default="1"))
    with op.batch_alter_table("answer") as batch_op:
        batch_op.alter_column("revision", existing_type=sa.Integer(), server_default=None)

    op.create_table(
        "invitation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("locale", sa.String(length=10), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("invited_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("accepted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["invited_by_id"], ["user_account.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisation.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash"),
    )
    with op.batch_alter_table("invitation") as batch_op:
        batch_op.create_index("ix_invitation_organisation_id", ["organisation_id"])

    op.create_table(
        "pending_registration",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("organisation_name", sa.String(length=200), nullable=False),
        sa.Column("organisation_type", sa.String(length=20), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("locale", sa.String(length=10), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash"),
    )
    with op.batch_alter_table("pending_registration") as batch_op:
        batch_op.create_index("ix_pending_registration_email", ["email"])

    op.create_table(
        "user_token",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("purpose", sa.String(length=20), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["user_account.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash"),
    )
    with op.batch_alter_table("user_token") as batch_op:
        batch_op.create_index("ix_user_token_user_id", ["user_id"])

    op.create_table(
        "user_session",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("user_agent", sa.String(length=300), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisation.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["user_id"], ["user_account.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash"),
    )
    with op.batch_alter_table("user_session") as batch_op:
        batch_op.create_index("ix_user_session_user_id", ["user_id"])

    op.create_table(
        "audit_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("actor_name", sa.String(length=120), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("object_type", sa.String(length=20), nullable=False),
        sa.Column("object_id", sa.Integer(), nullable=True),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["actor_id"], ["user_account.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisation.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("audit_event") as batch_op:
        batch_op.create_index("ix_audit_event_organisation_at", ["organisation_id", "at"])
        batch_op.create_index("ix_audit_event_actor_at", ["actor_id", "at"])


def downgrade():
    op.drop_table("audit_event")
    op.drop_table("user_session")
    op.drop_table("user_token")
    op.drop_table("pending_registration")
    op.drop_table("invitation")
    with op.batch_alter_table("answer") as batch_op:
        batch_op.drop_column("revision")
    with op.batch_alter_table("assessment") as batch_op:
        batch_op.drop_constraint("fk_assessment_submitted_by_id_user_account",
                                 type_="foreignkey")
        batch_op.drop_column("submitted_by_id")
    membership = sa.table("membership", sa.column("role", sa.String))
    op.execute(membership.update().where(membership.c.role != "admin").values(role="member"))
    with op.batch_alter_table("membership") as batch_op:
        batch_op.drop_column("created_at")
    with op.batch_alter_table("user_account") as batch_op:
        batch_op.drop_column("password_changed_at")
