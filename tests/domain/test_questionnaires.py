"""The shipped questionnaires: their branches, minimum requirements and hand-scored examples."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from kcs_assess.config import DEFAULT_FRAMEWORKS_FILE, DEFAULT_QUESTIONNAIRE_DIR
from kcs_assess.domain.catalogue import load_catalogue
from kcs_assess.domain.loader import fingerprint
from kcs_assess.domain.questionnaire import Questionnaire
from kcs_assess.domain.scoring import score

CATALOGUE = load_catalogue([DEFAULT_QUESTIONNAIRE_DIR], DEFAULT_FRAMEWORKS_FILE)
# The branches and hand-scored examples below are those of version 2026.1, which stays shipped
# beside newer versions and keeps scoring the assessments answered on it.
ICSS = CATALOGUE.get("icss-core", "2026.1")
CONTINGENT = CATALOGUE.get("contingent", "2026.1")
QUICK = CATALOGUE.get("quick-check", "2026.1")

# The sha256 of each 2026.1 snapshot, as stored in every database where an assessment was
# started on it. Should a change to the loader or the model change one of these, starting an
# assessment on that database would fail (the file would differ from its stored version).
DIGESTS_2026_1 = {
    "icss-core": "6253a1d2173f56ac108057a57c9ea28e714e9d5e71025ecde4e2171fe963d055",
    "contingent": "b3369eb79986107ac71159769cbf569dc7a0d52b62dbee12e038e2a8de1caf79",
    "quick-check": "bce512bb75201d84fbd50bbbc948de9b590d678efeac8af42f700eb9d59c5c88",
}


@pytest.mark.parametrize(("questionnaire_id", "digest"), DIGESTS_2026_1.items())
def test_the_2026_1_versions_stay_shipped_with_the_digests_of_their_stored_snapshots(
        questionnaire_id: str, digest: str):
    questionnaire = CATALOGUE.get(questionnaire_id, "2026.1")
    assert questionnaire is not None
    assert fingerprint(questionnaire) == digest
    assert fingerprint(Questionnaire.from_dict(questionnaire.to_dict())) == digest


def test_each_shipped_file_is_named_after_its_id_and_version():
    for (questionnaire_id, version), file in CATALOGUE.files.items():
        assert Path(file).name == f"{questionnaire_id}-{version}.yaml"


def test_every_shipped_version_after_2026_1_follows_the_format_2_rules():
    for (_questionnaire_id, version), file in CATALOGUE.files.items():
        if version != "2026.1":
            assert yaml.safe_load(Path(file).read_text()).get("format") == 2, file


def all_yes(questionnaire, **answers: str) -> dict[str, str]:
    return {**{q.id: "yes" for q in questionnaire.questions}, **answers}


@pytest.mark.parametrize(("questionnaire", "context", "follow_ups"), [
    (ICSS, "PR1.3", {"PR1.4", "PR1.5", "PR1.6"}),  # staff meet children in person
    (ICSS, "PR3.2", {"PR3.3", "PR3.4"}),  # images and stories of children
    (ICSS, "PR4.1", {"PR4.2", "PR4.3", "AC2.4", "AC2.5"}),  # works through partners
    (CONTINGENT, "CPL3.5", {"CPL3.6", "CPR2.2", "CPR2.3"}),  # may detain people
    (CONTINGENT, "CPR4.1", {"CPR4.2", "CPR4.3", "CPR4.4"}),  # community or medical work
    (CONTINGENT, "CPR4.5", {"CPR4.6", "CPR4.7"}),  # formed police unit
], ids=lambda value: value if isinstance(value, str) else None)
def test_branch_shows_its_follow_ups_only_when_it_applies(questionnaire, context, follow_ups):
    context_question = questionnaire.questions_by_id[context]
    assert not context_question.scored
    yes = score(questionnaire, all_yes(questionnaire, **{context: "yes"}))
    no = score(questionnaire, all_yes(questionnaire, **{context: "no"}))
    unknown = score(questionnaire, all_yes(questionnaire, **{context: "unknown"}))
    assert follow_ups <= yes.shown
    assert not follow_ups & no.shown and not follow_ups & unknown.shown
    # A gap behind a closed branch does not count; behind an open one it does.
    follow_up = sorted(follow_ups)[0]
    assert all(g.question.id != follow_up for g in score(
        questionnaire, all_yes(questionnaire, **{context: "no", follow_up: "no"})).plan)
    assert any(g.question.id == follow_up for g in score(
        questionnaire, all_yes(questionnaire, **{context: "yes", follow_up: "no"})).plan)
    # "Don't know" whether the branch applies is itself something to find out.
    assert context in {q.id for q in unknown.find_out}


def test_contingent_minimum_requirements_cover_the_core_rules():
    critical = {q.id for q in CONTINGENT.questions if q.critical}
    assert {
        "CPL2.1",  # code of conduct: under-18 rule
        "CPL2.2",  # code of conduct: nothing exchanged for sex
        "CPE3.1",  # pre-deployment child protection and PSEA training for everyone
        "CPE2.1",  # named child-protection focal points
        "CPR2.1",  # written handover procedure for children associated with armed groups
        "CPR1.1",  # reporting route for grave violations
        "CPR1.3",  # reporting route for SEA allegations
        "CPR3.2",  # prompt national investigation
    } <= critical


def test_every_questionnaire_has_both_tiers_and_critical_questions_in_each_standard():
    for questionnaire in CATALOGUE.current:
        scored = [q for q in questionnaire.questions if q.scored]
        assert {q.tier for q in scored} == {"framework", "practice"}
        assert all(q.action for q in scored)
        assert any(q.critical for q in scored)


def test_question_counts_fit_their_purpose():
    assert 50 <= len(ICSS.questions) <= 80
    assert 40 <= len(CONTINGENT.questions) <= 70
    assert 12 <= len(QUICK.questions) <= 20
    assert {s.id for s in QUICK.standards} == {"policy", "people", "procedures",
                                               "accountability"}


def test_contingent_example_scored_by_hand():
    # Branches closed (no detention, no community or medical work, not a police unit).
    answers = all_yes(CONTINGENT, **{"CPL3.5": "no", "CPR4.1": "no", "CPR4.5": "no",
                                     "CPL2.1": "no", "CPE3.4": "partly", "CAC1.3": "unknown"})
    result = score(CONTINGENT, answers)
    by_id = {r.standard.id: r for r in result.standards}
    # policy: weights 2+1+1+3+3+2+1+1+1+2+1 = 18; CPL2.1 (3) is no -> 15/18
    assert by_id["policy"].score == pytest.approx(100 * 15 / 18)
    assert by_id["policy"].level.key == "developing" and by_id["policy"].capped
    # people: weights 2+1+1+2+1+1+1+2+3+1+1+2 = 18; CPE3.4 (2) partly -> 17/18
    assert by_id["people"].score == pytest.approx(100 * 17 / 18)
    assert by_id["people"].level.key == "embedded"
    # procedures: the detention follow-ups and both branches are hidden: all yes
    assert by_id["procedures"].score == 100
    # accountability: weights 1+1+2+2+1+1+1+1+1+1+1+1 = 14; CAC1.3 (2) unknown -> 12/14
    assert by_id["accountability"].score == pytest.approx(100 * 12 / 14)
    overall = (100 * 15 / 18 + 100 * 17 / 18 + 100 + 100 * 12 / 14) / 4  # 90.87
    assert result.score == pytest.approx(overall)
    assert result.level.key == "developing"  # held back: CPL2.1 is a minimum requirement
    assert result.minimum_met is False
    assert [(g.question.id, g.severity, g.timeframe_months) for g in result.plan] == [
        ("CPL2.1", "critical", 1), ("CAC1.3", "high", 3), ("CPE3.4", "medium", 6)]
    assert [q.id for q in result.find_out] == ["CAC1.3"]


def test_contingent_detention_follow_ups_may_be_not_applicable():
    # A unit that may detain but held no child this rotation answers the records question n/a.
    answers = all_yes(CONTINGENT, **{"CPL3.5": "yes", "CPR2.2": "na", "CPR2.3": "na"})
    procedures = score(CONTINGENT, answers).for_standard("procedures")
    assert procedures.score == 100
    with_gap = score(CONTINGENT, {**answers, "CPR2.3": "no"}).for_standard("procedures")
    assert with_gap.score < 100


def test_quick_check_example_scored_by_hand():
    answers = all_yes(QUICK, **{"QPL1.2": "partly", "QPE1.1": "no", "QPE2.2": "unknown",
                                "QPR1.1": "partly"})
    result = score(QUICK, answers)
    scores = [r.score for r in result.standards]
    assert scores == pytest.approx([100 * 5.5 / 6, 100 * 4 / 7, 100 * 5 / 6, 100])
    assert result.score == pytest.approx(sum(scores) / 4)
    assert [r.level.key for r in result.standards] == [
        "embedded", "developing", "developing", "embedded"]
    assert result.level.key == "developing"
