"""Organisations as teams: roles, invitations, switching, the last admin, the audit log."""

from __future__ import annotations

import re
from datetime import timedelta

from conftest import (
    PASSWORD,
    accept_invitation,
    colleague,
    current_organisation_id,
    invite,
    mails,
    post,
    post_with_page_token,
    register,
    sign_in,
    sign_out,
    start_assessment,
)
from sqlalchemy import select, update

from kcs_assess.extensions import db
from kcs_assess.models import Answer, AuditEvent, Invitation, Membership, User, utcnow


def roles(app) -> dict[str, str]:
    with app.app_context():
        rows = db.session.execute(select(User.email, Membership.role).join(
            Membership, Membership.user_id == User.id)).all()
    return dict(rows)


def test_the_person_who_registers_is_the_admin(app, member):
    assert roles(app) == {"focal.point@example.org": "admin"}
    page = member.get(f"/organisations/{current_organisation_id(member)}")
    assert "Invite a colleague" in page.get_data(as_text=True)


def test_an_invited_colleague_joins_the_same_organisation_and_sees_its_assessments(app, member):
    assessment = start_assessment(member)
    link = invite(member, "Fatima@Example.org", "editor")
    other = app.test_client()
    response = accept_invitation(other, link)
    assert response.headers["Location"] == "/"
    assert roles(app)["fatima@example.org"] == "editor"
    home = other.get("/").get_data(as_text=True)
    assert "Safe Futures" in home and "Annual review 2026" in home
    assert other.get(f"/assessments/{assessment}").status_code == 200


def test_the_invitation_is_mailed_and_its_token_kept_only_as_a_hash(app, member):
    link = invite(member, "fatima@example.org", "viewer")
    token = link.rsplit("/", 1)[1]
    [message] = mails(app, "fatima@example.org")
    assert link in message.get_content()
    assert message["Subject"] == "Amina Diallo invites you to Safe Futures on KCS Assess"
    with app.app_context():
        stored = db.session.execute(select(Invitation.token_hash)).scalar_one()
        assert token not in stored and len(stored) == 64


def test_pending_invitations_are_listed_and_can_be_revoked(app, member):
    link = invite(member, "fatima@example.org")
    organisation_id = current_organisation_id(member)
    page = member.get(f"/organisations/{organisation_id}").get_data(as_text=True)
    assert "fatima@example.org" in page and "Pending invitations" in page
    invitation_id = re.search(r"/invitations/(\d+)/revoke", page).group(1)
    post(member, f"/organisations/{organisation_id}/invitations/{invitation_id}/revoke")
    page = member.get(f"/organisations/{organisation_id}").get_data(as_text=True)
    assert "No pending invitations." in page
    response = app.test_client().get(link)
    assert response.status_code == 410
    assert "revoked" in response.get_data(as_text=True)


def test_an_invitation_works_once(app, member):
    link = invite(member, "fatima@example.org")
    assert accept_invitation(app.test_client(), link).status_code == 302
    again = app.test_client().get(link)
    assert again.status_code == 410 and "accepted already" in again.get_data(as_text=True)


def test_an_invitation_expires_after_seven_days(app, member):
    link = invite(member, "fatima@example.org")
    with app.app_context():
        invitation = db.session.execute(select(Invitation)).scalar_one()
        assert invitation.expires_at - invitation.created_at == timedelta(days=7)
        db.session.execute(update(Invitation).values(expires_at=utcnow() - timedelta(seconds=1)))
        db.session.commit()
    response = app.test_client().get(link)
    assert response.status_code == 410 and "expired" in response.get_data(as_text=True)


def test_a_new_link_replaces_a_lost_or_expired_one(app, member):
    old = invite(member, "fatima@example.org")
    organisation_id = current_organisation_id(member)
    page = member.get(f"/organisations/{organisation_id}").get_data(as_text=True)
    invitation_id = re.search(r"/invitations/(\d+)/renew", page).group(1)
    response = post(member, f"/organisations/{organisation_id}/invitations/{invitation_id}/renew")
    new = re.search(r'value="https?://[^/"]+(/invitations/[^"]+)"',
                    response.get_data(as_text=True)).group(1)
    assert new != old
    assert app.test_client().get(old).status_code == 404
    assert accept_invitation(app.test_client(), new).status_code == 302


def test_an_unknown_invitation_link_is_not_found(client):
    assert client.get("/invitations/not-a-token").status_code == 404


def test_someone_with_an_account_signs_in_to_accept(app, member):
    other = app.test_client()
    register(other, email="fatima@example.org", organisation_name="Hope Trust")
    sign_out(other)
    link = invite(member, "fatima@example.org", "viewer")
    page = other.get(link).get_data(as_text=True)
    assert "Sign in to accept" in page and 'name="password"' not in page
    sign_in(other, email="fatima@example.org")
    response = post_with_page_token(other, link, other.get(link).get_data(as_text=True))
    assert response.status_code == 302
    with app.app_context():
        user = db.session.execute(select(User).where(User.email == "fatima@example.org")
                                  ).scalar_one()
        assert sorted(m.role for m in user.memberships) == ["admin", "viewer"]


def test_an_invitation_for_another_address_cannot_be_accepted_by_a_signed_in_user(app, member):
    link = invite(member, "fatima@example.org")
    other = app.test_client()
    register(other, email="someone.else@example.org", organisation_name="Hope Trust")
    page = other.get(link).get_data(as_text=True)
    assert "this invitation is for fatima@example.org" in page
    response = post_with_page_token(other, link, page)
    assert response.status_code == 403
    assert "someone.else@example.org" not in roles(app) or \
        roles(app)["someone.else@example.org"] == "admin"
    with app.app_context():
        assert db.session.execute(select(Invitation.accepted_at)).scalar_one() is None


def test_inviting_a_member_again_is_refused(member):
    organisation_id = current_organisation_id(member)
    response = post(member, f"/organisations/{organisation_id}/invitations",
                    {"email": "focal.point@example.org", "role": "editor", "locale": "en"})
    assert response.status_code == 422
    assert "This person is a member already." in response.get_data(as_text=True)


def test_the_last_admin_can_neither_leave_nor_be_demoted(app, member):
    organisation_id = current_organisation_id(member)
    page = member.get(f"/organisations/{organisation_id}").get_data(as_text=True)
    own = re.search(r"/members/(\d+)/role", page).group(1)
    response = post(member, f"/organisations/{organisation_id}/members/{own}/role",
                    {"role": "editor"}, follow_redirects=True)
    assert "at least one admin" in response.get_data(as_text=True)
    response = post(member, f"/organisations/{organisation_id}/leave", follow_redirects=True)
    assert "You are the only admin" in response.get_data(as_text=True)
    assert roles(app) == {"focal.point@example.org": "admin"}


def test_with_a_second_admin_the_first_may_step_down(app, member):
    other = colleague(app, member, "fatima@example.org", "admin")
    organisation_id = current_organisation_id(member)
    page = other.get(f"/organisations/{organisation_id}").get_data(as_text=True)
    first = re.findall(r"/members/(\d+)/role", page)
    amina = [m for m in first if f"role-{m}" in page]
    # Fatima (admin) demotes Amina to viewer; then Amina can no longer manage.
    with app.app_context():
        amina_membership = db.session.execute(select(Membership.id).join(User).where(
            User.email == "focal.point@example.org")).scalar_one()
    assert str(amina_membership) in amina
    post(other, f"/organisations/{organisation_id}/members/{amina_membership}/role",
         {"role": "viewer"})
    assert roles(app) == {"focal.point@example.org": "viewer", "fatima@example.org": "admin"}
    assert member.get(f"/organisations/{organisation_id}/audit").status_code == 403


def test_a_removed_member_loses_access_at_once(app, member):
    assessment = start_assessment(member)
    other = colleague(app, member, "fatima@example.org", "editor")
    organisation_id = current_organisation_id(member)
    with app.app_context():
        membership = db.session.execute(select(Membership.id).join(User).where(
            User.email == "fatima@example.org")).scalar_one()
    post(member, f"/organisations/{organisation_id}/members/{membership}/remove")
    assert other.get(f"/assessments/{assessment}").status_code == 404
    page = other.get("/").get_data(as_text=True)
    assert "You do not belong to an organisation" in page
    assert other.get("/assessments/new").status_code == 403


def test_a_member_of_several_organisations_switches_and_every_page_says_which(app, member):
    first = start_assessment(member, label="Safe Futures review")
    other = app.test_client()
    register(other, email="fatima@example.org", organisation_name="Hope Trust")
    sign_out(other)
    accept = invite(member, "fatima@example.org", "editor")
    sign_in(other, email="fatima@example.org")
    post_with_page_token(other, accept, other.get(accept).get_data(as_text=True))
    home = other.get("/").get_data(as_text=True)
    assert 'class="org-link"><bdi>Safe Futures</bdi>' in home  # joined just now: current
    assert "Safe Futures review" in home
    hope = re.search(r'<option value="(\d+)"[^>]*>Hope Trust</option>', home).group(1)
    post(other, "/organisations/switch", {"organisation": hope, "next": "/"})
    home = other.get("/").get_data(as_text=True)
    assert 'class="org-link"><bdi>Hope Trust</bdi>' in home
    assert "Safe Futures review" not in home
    # A page about an assessment names its own organisation, whichever is current.
    assert "Safe Futures" in other.get(f"/assessments/{first}").get_data(as_text=True)
    # A new assessment lets them choose which organisation it is about.
    page = other.get("/assessments/new").get_data(as_text=True)
    assert 'name="organisation"' in page and "Hope Trust" in page and "Safe Futures" in page


def test_switching_to_an_organisation_one_does_not_belong_to_is_not_found(app, member):
    other = app.test_client()
    register(other, email="fatima@example.org", organisation_name="Hope Trust")
    hope = current_organisation_id(other)
    assert post(member, "/organisations/switch", {"organisation": hope}).status_code == 404


def test_a_user_may_set_up_another_organisation(app, member):
    response = post(member, "/organisations/new", {
        "organisation_name": "Second Office", "organisation_type": "other", "country": "SN"})
    assert response.status_code == 302
    assert 'class="org-link"><bdi>Second Office</bdi>' in member.get("/").get_data(as_text=True)


def test_an_admin_edits_the_organisations_details(app, member):
    organisation_id = current_organisation_id(member)
    response = post(member, f"/organisations/{organisation_id}/details", {
        "organisation_name": "Safe Futures Mali", "organisation_type": "other",
        "country": "SN"})
    assert response.status_code == 302
    page = member.get(f"/organisations/{organisation_id}").get_data(as_text=True)
    assert "Safe Futures Mali" in page
    assert re.search(r'<option (selected value="SN"|value="SN" selected)', page)


def test_the_audit_log_records_who_did_what_newest_first(app, member):
    assessment = start_assessment(member)
    post(member, f"/assessments/{assessment}/steps/policy",
         {"answer-PL1.1": "yes", "note-PL1.1": "Board minute 14, a secret detail", "go": "later"})
    invite(member, "fatima@example.org", "viewer")
    organisation_id = current_organisation_id(member)
    page = member.get(f"/organisations/{organisation_id}/audit").get_data(as_text=True)
    order = [page.index(text) for text in (
        "Invited fatima@example.org as Viewer", "Started the assessment “Annual review 2026”",
        "Signed in", "Created the organisation")]
    assert order == sorted(order)
    assert "a secret detail" not in page
    with app.app_context():
        details = [str(e.details) for e in db.session.execute(select(AuditEvent)).scalars()]
    assert not any("secret" in d or PASSWORD in d for d in details)


def test_the_audit_log_is_paged(app, member):
    organisation_id = current_organisation_id(member)
    with app.app_context():
        user = db.session.execute(select(User)).scalar_one()
        for number in range(60):
            db.session.add(AuditEvent(organisation_id=organisation_id, actor_id=user.id,
                                      actor_name=user.name, action="assessment_started",
                                      details={"label": f"Round {number}"}, at=utcnow()))
        db.session.commit()
    first = member.get(f"/organisations/{organisation_id}/audit").get_data(as_text=True)
    assert "Page 1 of 2" in first and "Round 59" in first and "Round 5”" not in first
    second = member.get(f"/organisations/{organisation_id}/audit?page=2").get_data(as_text=True)
    assert "Round 5”" in second


def test_the_audit_log_shows_a_members_sign_ins_only_since_they_joined(app, member):
    other = app.test_client()
    register(other, email="fatima@example.org", organisation_name="Hope Trust")
    organisation_id = current_organisation_id(member)
    log = member.get(f"/organisations/{organisation_id}/audit").get_data(as_text=True)
    assert "Fatima" not in log


def test_viewers_and_editors_cannot_read_the_audit_log(app, member):
    organisation_id = current_organisation_id(member)
    editor = colleague(app, member, "fatima@example.org", "editor")
    assert editor.get(f"/organisations/{organisation_id}/audit").status_code == 403
    assert "Invite a colleague" not in editor.get(
        f"/organisations/{organisation_id}").get_data(as_text=True)


def test_a_viewer_reads_but_cannot_change_anything(app, member):
    assessment = start_assessment(member)
    post(member, f"/assessments/{assessment}/steps/policy", {"answer-PL1.1": "yes",
                                                             "go": "later"})
    viewer = colleague(app, member, "fatima@example.org", "viewer")
    overview = viewer.get(f"/assessments/{assessment}").get_data(as_text=True)
    assert "Read the answers" in overview and "Check your answers and submit" not in overview
    assert viewer.get(f"/assessments/{assessment}/steps/policy").status_code == 302
    check = viewer.get(f"/assessments/{assessment}/check").get_data(as_text=True)
    assert "Submit the assessment" not in check
    response = post(viewer, f"/assessments/{assessment}/steps/policy",
                    {"answer-PL1.1": "no", "go": "later"})
    assert response.status_code == 403
    with app.app_context():
        assert db.session.execute(select(Answer.value)).scalars().all() == ["yes"]
    assert viewer.get(f"/assessments/{assessment}/plan.pdf?lang=en").status_code == 200
    assert "Start a new assessment" not in viewer.get("/").get_data(as_text=True)
