"""Several people on one assessment: saves are serialised, and nobody's answer is lost silently."""

from __future__ import annotations

import re
import threading

from conftest import colleague, post, start_assessment, submit_assessment
from sqlalchemy import select

from kcs_assess.extensions import db
from kcs_assess.models import Answer

STEP = "policy"


def step_url(assessment: int) -> str:
    return f"/assessments/{assessment}/steps/{STEP}"


def shown_form(client, assessment: int) -> dict[str, str]:
    """Return the hidden fields a browser would post back with the step as shown."""
    page = client.get(step_url(assessment)).get_data(as_text=True)
    fields = dict(re.findall(r'name="(base-[^"]+)" value="([^"]*)"', page))
    fields["csrf_token"] = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    return fields


def stored(app, assessment: int) -> dict[str, tuple[str | None, str, int]]:
    with app.app_context():
        rows = db.session.execute(select(Answer).where(Answer.assessment_id == assessment)
                                  ).scalars()
        return {r.question_id: (r.value, r.note, r.revision) for r in rows}


def test_simultaneous_saves_of_one_question_never_fail_nor_mix(app, member):
    """The security battery's case: many members saving one step at the same moment."""
    assessment = start_assessment(member)
    editor = colleague(app, member, "fatima@example.org", "editor")
    browsers = []
    for number in range(8):
        client = app.test_client()
        source = member if number % 2 else editor
        client.set_cookie("session", source.get_cookie("session").value)
        browsers.append(client)
    for round_number in range(4):
        forms = [shown_form(client, assessment) for client in browsers]
        start = threading.Barrier(len(browsers))
        statuses: list[int] = []
        posted = [(("yes", "partly", "no", "unknown")[number % 4],
                   f"round {round_number}, save {number}") for number in range(len(browsers))]
        threads = [threading.Thread(target=_save, args=(
            client, assessment, {**form, "answer-PL1.1": value, "note-PL1.1": note},
            start, statuses)) for client, form, (value, note) in zip(
                browsers, forms, posted, strict=True)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(set(statuses)) <= [302, 409], statuses
        assert 302 in statuses
        value, note, _revision = stored(app, assessment)["PL1.1"]
        assert (value, note) in posted  # one save's answer with that same save's note


def _save(client, assessment: int, form: dict[str, str], start: threading.Barrier,
          statuses: list[int]) -> None:
    start.wait()  # every browser posts at the same moment
    statuses.append(client.post(step_url(assessment), data={**form, "go": "later"}).status_code)


def test_a_stale_page_does_not_revert_a_colleagues_answers_or_erase_their_notes(app, member):
    assessment = start_assessment(member)
    editor = colleague(app, member, "fatima@example.org", "editor")
    stale = shown_form(member, assessment)  # Amina opens the step, then has a coffee
    post(editor, step_url(assessment), {"answer-PL1.1": "yes", "note-PL1.1": "Board minute 14",
                                        "go": "later"})
    response = member.post(step_url(assessment), data={
        **stale, "note-PL1.1": "", "answer-PL1.10": "partly", "note-PL1.10": "", "go": "later"})
    assert response.status_code == 302
    assert stored(app, assessment) == {"PL1.1": ("yes", "Board minute 14", 1),
                                       "PL1.10": ("partly", "", 1)}


def test_saving_over_a_colleagues_newer_change_shows_the_difference(app, member):
    assessment = start_assessment(member)
    editor = colleague(app, member, "fatima@example.org", "editor")
    stale = shown_form(member, assessment)
    post(editor, step_url(assessment), {"answer-PL1.1": "yes", "note-PL1.1": "Board minute 14",
                                        "go": "later"})
    response = member.post(step_url(assessment), data={
        **stale, "answer-PL1.1": "no", "note-PL1.1": "Not approved yet",
        "answer-PL1.10": "partly", "go": "next"})
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "A colleague changed" in page
    assert "Saved by Fatima Ndiaye" in page and "Board minute 14" in page
    assert "Yours, not saved" in page and "Not approved yet" in page
    assert stored(app, assessment) == {"PL1.1": ("yes", "Board minute 14", 1),
                                       "PL1.10": ("partly", "", 1)}
    # The page now shows what is stored, so saving it again is not a conflict.
    again = shown_form(member, assessment)
    response = member.post(step_url(assessment), data={**again, "answer-PL1.1": "no",
                                                       "go": "later"})
    assert response.status_code == 302
    assert stored(app, assessment)["PL1.1"] == ("no", "Board minute 14", 2)


def test_the_same_change_made_by_two_people_is_no_conflict(app, member):
    assessment = start_assessment(member)
    editor = colleague(app, member, "fatima@example.org", "editor")
    stale = shown_form(member, assessment)
    post(editor, step_url(assessment), {"answer-PL1.1": "yes", "go": "later"})
    response = member.post(step_url(assessment), data={**stale, "answer-PL1.1": "yes",
                                                       "go": "later"})
    assert response.status_code == 302
    assert stored(app, assessment)["PL1.1"] == ("yes", "", 1)


def test_a_save_cannot_land_after_a_concurrent_submit(app, member):
    from test_wizard import ICSS, answer_all

    assessment = start_assessment(member)
    answer_all(member, assessment, ICSS, {})
    stale = shown_form(member, assessment)
    assert submit_assessment(member, assessment).status_code == 302
    response = member.post(step_url(assessment), data={**stale, "answer-PL1.1": "no",
                                                       "go": "later"})
    assert response.status_code == 400
    assert stored(app, assessment)["PL1.1"][0] == "yes"


def test_a_damaged_base_is_refused_and_nothing_is_written(app, member):
    assessment = start_assessment(member)
    response = post(member, step_url(assessment), {"answer-PL1.1": "yes",
                                                   "base-PL1.1": "x.yes.", "go": "later"})
    assert response.status_code == 400
    assert stored(app, assessment) == {}
