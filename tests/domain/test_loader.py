"""The questionnaire loader: every problem is reported as file:line: message."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from kcs_assess.config import DEFAULT_FRAMEWORKS_FILE as FRAMEWORKS
from kcs_assess.config import DEFAULT_QUESTIONNAIRE_DIR as SHIPPED
from kcs_assess.domain.catalogue import load_catalogue
from kcs_assess.domain.loader import (
    QuestionnaireError,
    fingerprint,
    load_frameworks,
    parse_questionnaire,
)
from kcs_assess.domain.questionnaire import Questionnaire

VALID = """\
id: demo
version: "1.0"
title: Demo
levels:
  - {min: 0, key: low, title: Low}
  - {min: 50, key: high, title: High}
standards:
  - id: policy
    title: Policy
    criteria:
      - id: policy.main
        title: Main
        questions:
          - id: Q1
            text: Is there a policy?
            help: A signed document.
            tier: framework
            action: Write one.
          - id: Q2
            text: Do you work with partners?
            help: Any partner.
            tier: framework
            scored: false
            scale: yes_no
          - id: Q3
            text: Do partners sign the policy?
            help: Signed copies.
            tier: practice
            weight: 2
            show_if: {question: Q2, in: ["yes"]}
            action: Ask them to.
"""


def problems_of(text: str) -> list[str]:
    with pytest.raises(QuestionnaireError) as caught:
        parse_questionnaire(textwrap.dedent(text), "demo.yaml")
    return [str(p) for p in caught.value.problems]


def test_a_valid_file_loads_with_its_questions_in_order():
    questionnaire = parse_questionnaire(VALID, "demo.yaml")
    assert [q.id for q in questionnaire.questions] == ["Q1", "Q2", "Q3"]
    assert questionnaire.questions_by_id["Q3"].weight == 2
    assert questionnaire.questions_by_id["Q2"].options == ("yes", "no", "unknown")
    assert questionnaire.questions_by_id["Q1"].options == ("yes", "partly", "no", "unknown")


def test_syntax_error_names_file_and_line():
    broken = VALID.replace("title: Main", "title: [Main")
    problems = problems_of(broken)
    assert len(problems) == 1
    assert problems[0].startswith("demo.yaml:")
    assert "YAML syntax error" in problems[0]


def test_unknown_key_is_reported_on_its_line():
    text = VALID.replace("            weight: 2\n",
                         "            weight: 2\n            wieght: 3\n")
    line = text.splitlines().index("            wieght: 3") + 1
    assert problems_of(text) == [
        f"demo.yaml:{line}: unknown key 'wieght' in a question (allowed: action, allow_na, "
        "critical, help, id, maps_to, replaces, scale, scored, show_if, text, tier, weight)"
    ]


def test_duplicate_question_id_names_both_lines():
    text = VALID.replace("id: Q3", "id: Q1")
    lines = text.splitlines()
    first, second = (i + 1 for i, line in enumerate(lines) if line.endswith("- id: Q1"))
    [problem] = problems_of(text)
    assert problem == f"demo.yaml:{second}: duplicate question id 'Q1' (first on line {first})"


def test_duplicate_yaml_key_is_an_error_not_silently_overwritten():
    text = VALID.replace("            weight: 2\n",
                         "            weight: 2\n            weight: 3\n")
    [problem] = problems_of(text)
    assert "duplicate key 'weight'" in problem


def test_show_if_naming_an_unknown_question():
    [problem] = problems_of(VALID.replace("question: Q2", "question: Q9"))
    assert problem.endswith("show_if of 'Q3' names question 'Q9', which is not in this "
                            "questionnaire")


def test_show_if_naming_a_later_question():
    text = VALID.replace("show_if: {question: Q2", "show_if: {question: Q3")
    [problem] = problems_of(text)
    assert "comes later" in problem


def test_show_if_naming_an_answer_the_question_does_not_offer():
    [problem] = problems_of(VALID.replace('in: ["yes"]', "in: [partly]"))
    assert "names answer 'partly', which question 'Q2' does not offer" in problem


def test_bare_yes_read_as_boolean_by_yaml_is_refused_with_a_fix():
    text = VALID.replace('in: ["yes"]', "in: [yes]")
    line = text.splitlines().index("            show_if: {question: Q2, in: [yes]}") + 1
    assert problems_of(text) == [
        f"demo.yaml:{line}: 'yes' is read as a boolean by YAML 1.1 where an answer key is "
        'expected; quote it: "yes"'
    ]


def test_boolean_where_text_is_expected():
    [problem] = problems_of(VALID.replace("text: Is there a policy?", "text: no"))
    assert "'no' is read as a boolean" in problem


def test_question_without_action():
    [problem] = problems_of(VALID.replace("            action: Write one.\n", ""))
    assert "question 'Q1' has no 'action'" in problem


@pytest.mark.parametrize("weight", ["0", "-1", "heavy", "true", ".nan"])
def test_weight_must_be_a_positive_number(weight: str):
    [problem] = problems_of(VALID.replace("weight: 2", f"weight: {weight}"))
    assert "'weight' must be" in problem


def test_unquoted_version_is_refused():
    [problem] = problems_of(VALID.replace('version: "1.0"', "version: 1.0"))
    assert problem == """demo.yaml:2: 'version' must be text; quote it: "1.0\""""


def test_every_problem_is_reported_not_just_the_first():
    text = VALID.replace("tier: framework", "tier: paper").replace("weight: 2", "weight: 0")
    assert len(problems_of(text)) == 3


def test_same_id_and_version_in_two_files_is_refused(tmp_path: Path):
    (tmp_path / "a.yaml").write_text(VALID)
    (tmp_path / "b.yaml").write_text(VALID)
    with pytest.raises(QuestionnaireError) as caught:
        load_catalogue([tmp_path], FRAMEWORKS)
    assert "is also defined in" in str(caught.value)


def test_fingerprint_ignores_comments_but_not_content():
    original = parse_questionnaire(VALID)
    commented = parse_questionnaire("# a comment\n" + VALID)
    changed = parse_questionnaire(VALID.replace("Write one.", "Write one today."))
    assert fingerprint(original) == fingerprint(commented)
    assert fingerprint(original) != fingerprint(changed)


def test_snapshot_round_trip_keeps_everything():
    for questionnaire in load_catalogue([SHIPPED], FRAMEWORKS).questionnaires:
        assert Questionnaire.from_dict(questionnaire.to_dict()) == questionnaire


def test_the_shipped_questionnaires_are_valid():
    catalogue = load_catalogue([SHIPPED], FRAMEWORKS)
    sizes = {q.id: len([x for x in q.questions if x.scored]) for q in catalogue.questionnaires}
    assert set(sizes) == {"icss-core", "contingent", "quick-check"}
    assert 50 <= len(catalogue.get("icss-core").questions) <= 80
    for questionnaire in catalogue.questionnaires:
        assert [s.id for s in questionnaire.standards] == [
            "policy", "people", "procedures", "accountability"]


# -- versions side by side, replaces, level descriptions, the frameworks file ---------------

def write_versions(folder: Path, *versions: str) -> None:
    folder.mkdir(exist_ok=True)
    for version in versions:
        (folder / f"demo-{version}.yaml").write_text(
            VALID.replace('version: "1.0"', f'version: "{version}"'))


def test_every_version_loads_and_the_newest_is_offered(tmp_path: Path):
    write_versions(tmp_path, "2026.9", "2026.10", "2026.2")
    catalogue = load_catalogue([tmp_path], FRAMEWORKS)
    assert sorted(q.version for q in catalogue.questionnaires) == ["2026.10", "2026.2", "2026.9"]
    assert [(q.id, q.version) for q in catalogue.current] == [("demo", "2026.10")]
    assert catalogue.get("demo").version == "2026.10"
    assert catalogue.get("demo", "2026.2").version == "2026.2"
    assert catalogue.get("demo", "2025.1") is None


def test_the_shipped_frameworks_file_is_not_read_as_a_questionnaire():
    catalogue = load_catalogue([SHIPPED, FRAMEWORKS], FRAMEWORKS)
    assert {q.id for q in catalogue.questionnaires} == {"icss-core", "contingent", "quick-check"}
    assert catalogue.frameworks.get("un-ip-psea").items_by_id["cs7"].number == "7"


SPLIT = VALID.replace('version: "1.0"', 'version: "2.0"').replace(
    "          - id: Q1\n", "          - id: Q1a\n            replaces: [Q1]\n").replace(
    "          - id: Q3\n", "          - id: Q3b\n            replaces: [Q1, Q3]\n")


def test_replaces_is_loaded_and_kept_in_the_snapshot_only_when_set(tmp_path: Path):
    write_versions(tmp_path, "1.0")
    (tmp_path / "demo-2.0.yaml").write_text(SPLIT)
    catalogue = load_catalogue([tmp_path], FRAMEWORKS)
    newer = catalogue.get("demo", "2.0")
    # A split (Q1 into Q1a and Q3b) and a merge (Q1 and Q3 into Q3b) are both allowed.
    assert newer.questions_by_id["Q1a"].replaces == ("Q1",)
    assert newer.questions_by_id["Q3b"].replaces == ("Q1", "Q3")
    assert newer.questions_by_id["Q2"].replaces == ()
    snapshot = newer.to_dict()
    questions = snapshot["standards"][0]["criteria"][0]["questions"]
    assert [q.get("replaces") for q in questions] == [["Q1"], None, ["Q1", "Q3"]]
    assert Questionnaire.from_dict(snapshot) == newer


def test_replaces_is_checked_against_earlier_versions_only_when_they_are_loaded(
        tmp_path: Path):
    (tmp_path / "demo-2.0.yaml").write_text(SPLIT.replace("[Q1, Q3]", "[Q1, Q7]"))
    assert load_catalogue([tmp_path], FRAMEWORKS).get("demo").questions_by_id["Q3b"].replaces \
        == ("Q1", "Q7")
    write_versions(tmp_path, "1.0")
    with pytest.raises(QuestionnaireError) as caught:
        load_catalogue([tmp_path], FRAMEWORKS)
    assert "question 'Q3b' replaces 'Q7', which no earlier version of 'demo' has" in str(
        caught.value)


def test_a_level_description_is_loaded_and_kept_in_the_snapshot_only_when_set():
    text = VALID.replace("{min: 0, key: low, title: Low}",
                         "{min: 0, key: low, title: Low, description: Little is in place.}")
    questionnaire = parse_questionnaire(text)
    assert [lv.description for lv in questionnaire.levels] == ["Little is in place.", ""]
    assert questionnaire.to_dict()["levels"] == [
        {"key": "low", "min": 0.0, "title": "Low", "description": "Little is in place."},
        {"key": "high", "min": 50.0, "title": "High"},
    ]
    assert Questionnaire.from_dict(questionnaire.to_dict()) == questionnaire


def test_format_1_files_keep_loading_with_follow_ups_that_open_on_yes_only():
    """The 2026.1 files do this; from format 2 on, "unknown" must open them too."""
    assert parse_questionnaire(VALID).questions_by_id["Q3"].show_if.answers == ("yes",)
    with pytest.raises(QuestionnaireError):
        parse_questionnaire(VALID.replace("title: Demo", "format: 2\ntitle: Demo"))
    format_2 = VALID.replace("title: Demo", "format: 2\ntitle: Demo").replace(
        'in: ["yes"]', 'in: ["yes", "unknown"]')
    assert parse_questionnaire(format_2).to_dict() == parse_questionnaire(
        VALID.replace('in: ["yes"]', 'in: ["yes", "unknown"]')).to_dict()


def test_maps_to_is_checked_only_against_the_frameworks_given():
    text = VALID.replace("            action: Write one.\n",
                         "            action: Write one.\n            maps_to: {chs: [12]}\n")
    assert parse_questionnaire(text).questions_by_id["Q1"].maps_to == (("chs", ("12",)),)
    with pytest.raises(QuestionnaireError) as caught:
        parse_questionnaire(text, "demo.yaml", load_frameworks(FRAMEWORKS))
    assert "maps_to 'chs' names '12', which framework 'chs' does not have" in str(caught.value)


def test_a_broken_frameworks_file_is_reported_with_the_questionnaires_own_problems(
        tmp_path: Path):
    frameworks = tmp_path / "frameworks.yaml"
    frameworks.write_text("frameworks: []\n")
    (tmp_path / "questionnaires").mkdir()
    (tmp_path / "questionnaires" / "demo-1.0.yaml").write_text(
        VALID.replace("tier: practice", "tier: paper"))
    with pytest.raises(QuestionnaireError) as caught:
        load_catalogue([tmp_path / "questionnaires"], frameworks)
    assert [str(p).split(": ", 1)[1] for p in caught.value.problems] == [
        "'frameworks' must be a non-empty list",
        "tier must be one of framework, practice, not 'paper'",
    ]
