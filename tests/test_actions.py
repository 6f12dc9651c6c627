"""Action tracking: every gap becomes an action; owners, due dates, statuses, comments,
overdue first, filters, and the next round closing what it confirms."""

from __future__ import annotations

import datetime
import html
import re

from conftest import colleague, post, submit_assessment
from sqlalchemy import select, update
from test_over_time import next_round, submitted_round
from test_wizard import QUICK, answer_all

from kcs_assess.domain.actions import add_months
from kcs_assess.domain.scoring import score
from kcs_assess.extensions import db
from kcs_assess.models import Action, AuditEvent

QUESTIONS = [q for q in QUICK.questions if q.show_if is None]
CRITICAL = next(q for q in QUESTIONS if q.critical)
ORDINARY = [q for q in QUESTIONS if not q.critical and q.weight < 2]
GAPS = {CRITICAL.id: "no", ORDINARY[0].id: "partly", ORDINARY[1].id: "no"}


def actions_of(app, assessment: int) -> dict[str, Action]:
    with app.app_context():
        found = db.session.execute(select(Action).where(Action.assessment_id == assessment))
        return {a.question_id: a for a in found.scalars()}


def plan_rows(page: str) -> list[str]:
    table = re.search(r'<table class="list stack" id="actions">(.*?)</table>', page, re.S)
    return re.findall(r'<span class="qid">(.*?)</span>', table.group(1)) if table else []


def test_submitting_makes_an_action_per_gap_due_after_its_time_frame(app, member):
    assessment = submitted_round(member, "Round one", GAPS)
    found = actions_of(app, assessment)
    expected = score(QUICK, {**{q.id: "yes" for q in QUICK.questions}, **GAPS}).plan
    assert set(found) == {gap.question.id for gap in expected} == set(GAPS)
    today = datetime.datetime.now(datetime.UTC).date()
    for gap in expected:
        action = found[gap.question.id]
        assert action.status == "open" and action.owner_id is None
        assert action.due == add_months(today, gap.timeframe_months)
    page = member.get(f"/assessments/{assessment}/plan").get_data(as_text=True)
    assert plan_rows(page) == [gap.question.id for gap in expected]  # priority order


def test_a_draft_has_no_action_plan_yet(member):
    from conftest import start_assessment

    draft = start_assessment(member, "quick-check")
    response = member.get(f"/assessments/{draft}/plan")
    assert response.status_code == 302 and response.headers["Location"].endswith("#plan")


def test_overdue_actions_come_first(app, member):
    assessment = submitted_round(member, "Round one", GAPS)
    last = ORDINARY[1].id
    with app.app_context():
        db.session.execute(update(Action).where(Action.question_id == last).values(
            due=datetime.date(2020, 1, 1)))
        db.session.commit()
    page = member.get(f"/assessments/{assessment}/plan").get_data(as_text=True)
    assert plan_rows(page)[0] == last
    assert page.count("overdue</strong>") == 1


def test_an_editor_gives_an_action_an_owner_a_due_date_a_status_and_comments(app, member):
    assessment = submitted_round(member, "Round one", GAPS)
    editor = colleague(app, member, "fatima@example.org", "editor")
    action = actions_of(app, assessment)[CRITICAL.id]
    url = f"/assessments/{assessment}/actions/{action.id}"
    page = editor.get(url).get_data(as_text=True)
    fatima = re.search(r'<option value="(\d+)">Fatima Ndiaye</option>', page).group(1)
    response = post(editor, url, {"owner": fatima, "owner_name": "", "due": "2027-03-31",
                                  "status": "in_progress", "reason": ""})
    assert response.status_code == 302
    post(editor, f"{url}/comments", {"text": "Draft policy sent to the board <b>today</b>."})
    saved = actions_of(app, assessment)[CRITICAL.id]
    assert (saved.owner_id, saved.due, saved.status) == (int(fatima), datetime.date(2027, 3, 31),
                                                         "in_progress")
    page = editor.get(url).get_data(as_text=True)
    assert "Draft policy sent to the board &lt;b&gt;today&lt;/b&gt;." in page
    plan = member.get(f"/assessments/{assessment}/plan").get_data(as_text=True)
    assert "Fatima Ndiaye" in plan and "1 comment" in plan
    with app.app_context():
        event = db.session.execute(select(AuditEvent).where(
            AuditEvent.action == "action_updated")).scalar_one()
        assert event.details["status"] == "in_progress"
        assert "board" not in str(event.details)  # comments stay out of the log


def test_someone_outside_the_organisation_can_own_an_action_by_name(app, member):
    assessment = submitted_round(member, "Round one", GAPS)
    action = actions_of(app, assessment)[ORDINARY[0].id]
    post(member, f"/assessments/{assessment}/actions/{action.id}", {
        "owner": "", "owner_name": "The HR consultant", "due": "2027-01-15",
        "status": "open", "reason": ""})
    page = member.get(f"/assessments/{assessment}/plan?owner=The+HR+consultant").get_data(
        as_text=True)
    assert plan_rows(page) == [ORDINARY[0].id]


def test_will_not_do_needs_a_reason(app, member):
    assessment = submitted_round(member, "Round one", GAPS)
    action = actions_of(app, assessment)[ORDINARY[0].id]
    url = f"/assessments/{assessment}/actions/{action.id}"
    response = post(member, url, {"owner": "", "owner_name": "", "due": "2027-01-15",
                                  "status": "wont_do", "reason": ""})
    assert response.status_code == 422
    assert "Say why it will not be done." in html.unescape(response.get_data(as_text=True))
    assert actions_of(app, assessment)[ORDINARY[0].id].status == "open"
    post(member, url, {"owner": "", "owner_name": "", "due": "2027-01-15",
                       "status": "wont_do", "reason": "Not relevant to our work"})
    assert actions_of(app, assessment)[ORDINARY[0].id].reason == "Not relevant to our work"


def test_the_plan_is_filtered_by_status_owner_and_severity(app, member):
    assessment = submitted_round(member, "Round one", GAPS)
    action = actions_of(app, assessment)[ORDINARY[1].id]
    post(member, f"/assessments/{assessment}/actions/{action.id}", {
        "owner": "", "owner_name": "", "due": "2027-01-15", "status": "done", "reason": ""})
    base = f"/assessments/{assessment}/plan"
    assert plan_rows(member.get(f"{base}?status=done").get_data(as_text=True)) == [
        ORDINARY[1].id]
    assert plan_rows(member.get(f"{base}?severity=critical").get_data(as_text=True)) == [
        CRITICAL.id]
    assert ORDINARY[1].id not in plan_rows(member.get(f"{base}?status=open").get_data(
        as_text=True))


def test_viewers_read_the_plan_but_cannot_change_it(app, member):
    assessment = submitted_round(member, "Round one", GAPS)
    viewer = colleague(app, member, "ousmane@example.org", "viewer")
    action = actions_of(app, assessment)[CRITICAL.id]
    url = f"/assessments/{assessment}/actions/{action.id}"
    page = viewer.get(url).get_data(as_text=True)
    assert "Update the action" not in page and "Add the comment" not in page
    assert post(viewer, url, {"owner": "", "owner_name": "", "due": "2027-01-15",
                              "status": "done", "reason": ""}).status_code == 403
    assert post(viewer, f"{url}/comments", {"text": "hello"}).status_code == 403
    assert actions_of(app, assessment)[CRITICAL.id].status == "open"


def test_the_next_round_closes_what_it_confirms_and_carries_the_rest(app, member):
    first = submitted_round(member, "Round one", GAPS)
    carried_id = actions_of(app, first)[ORDINARY[0].id].id
    post(member, f"/assessments/{first}/actions/{carried_id}", {
        "owner": "", "owner_name": "The HR consultant", "due": "2027-02-01",
        "status": "in_progress", "reason": ""})
    second = next_round(member, first)
    # The critical gap is now in place; the other two remain.
    answer_all(member, second, QUICK, {ORDINARY[0].id: "partly", ORDINARY[1].id: "no"})
    assert submit_assessment(member, second).status_code == 302
    earlier = actions_of(app, first)
    assert (earlier[CRITICAL.id].status, earlier[CRITICAL.id].confirmed_by_answers) == (
        "done", True)
    assert earlier[ORDINARY[0].id].status == "in_progress"  # carried over, not closed
    later = actions_of(app, second)
    assert set(later) == {ORDINARY[0].id, ORDINARY[1].id}
    moved = later[ORDINARY[0].id]
    assert (moved.owner_name, moved.due, moved.status, moved.carried_from_id) == (
        "The HR consultant", datetime.date(2027, 2, 1), "in_progress", carried_id)
    page = member.get(f"/assessments/{first}/plan").get_data(as_text=True)
    assert "confirmed by the answers" in page
