"""Every message the loader can give an author, exactly as `file:line: message`.

Each case edits a valid file (BASE, FRAMEWORKS or two versions side by side) in one place; the
expected line is the first line of the edited file that holds the case's marker.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kcs_assess.domain.catalogue import load_catalogue
from kcs_assess.domain.loader import (
    QuestionnaireError,
    load_questionnaire,
    parse_frameworks,
    parse_questionnaire,
)

FRAMEWORKS = """\
frameworks:
  - id: fa
    title: Framework A
    edition: "2020"
    items:
      - {id: a1, number: "1", title: Policy}
      - {id: a2, number: "2", title: Vetting}
  - id: fb
    title: Framework B
    edition: "2014"
    items:
      - {id: 1, title: Complaints}
      - {id: 2, title: Learning}
"""

BASE = """\
id: demo
version: "2.0"
format: 2
title: Demo
description: A demo.
audience: [ngo]
minutes: 10
scale: standard
levels:
  - {min: 0, key: low, title: Low, description: Little is in place.}
  - {min: 50, key: high, title: High}
timeframes: {critical: 1, low: 12}
standards:
  - id: policy
    title: Policy
    description: Policy things.
    criteria:
      - id: policy.main
        title: Main
        questions:
          - id: Q1
            text: Is there a policy?
            help: A signed document.
            tier: framework
            weight: 2
            critical: true
            action: Write one.
            maps_to: {fa: [a1], fb: [1]}
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
            allow_na: true
            show_if: {question: Q2, in: ["yes", "unknown"]}
            action: Ask them to.
            replaces: [Q0]
"""

# An earlier version of BASE, loaded beside it: Q0 became Q3.
EARLIER = (BASE.replace('version: "2.0"', 'version: "1.0"').replace("format: 2\n", "")
           .replace('in: ["yes", "unknown"]', 'in: ["yes"]').replace("id: Q3", "id: Q0")
           .replace("            replaces: [Q0]\n", ""))

# (case, file, old, new, marker, message): `old` occurs once in the file and becomes `new`.
QUESTIONNAIRE_CASES = [
    # -- reading the YAML
    ("empty file", BASE, BASE, "", None, "the file is empty"),
    ("only a comment", BASE, BASE, "# nothing yet\n", None, "the file is empty"),
    ("syntax error", BASE, "title: Main", "title: [Main", "questions:",
     "YAML syntax error: expected ',' or ']', but got ':'"),
    ("character YAML refuses", BASE, "title: Demo", "title: De\x00mo", "title: De",
     "YAML error: unacceptable character #x0000: special characters are not allowed"),
    ("unknown tag", BASE, "title: Demo", "title: !text Demo", "title: !text",
     "cannot read value 'Demo': could not determine a constructor for the tag '!text'"),
    ("impossible date", BASE, 'version: "2.0"', "version: 2026-13-01", "version:",
     "cannot read value '2026-13-01': month must be in 1..12"),
    ("boolean key", BASE, "minutes: 10", "yes: 10", "yes: 10",
     '\'yes\' is read as a boolean by YAML 1.1 where a key is expected; quote it: "yes"'),
    ("number key", BASE, "minutes: 10", "12: 10", "12: 10", "key '12' must be text"),
    ("duplicate key", BASE, "minutes: 10", "minutes: 10\nminutes: 20", "minutes: 20",
     "duplicate key 'minutes' (first on line 7)"),
    # -- shape
    ("not a mapping", BASE, BASE, "- id: demo\n", None,
     "the questionnaire must be a mapping of keys to values"),
    ("unknown top key", BASE, "minutes: 10", "minutes: 10\nauthor: me", "author:",
     "unknown key 'author' in the questionnaire (allowed: audience, description, format, id, "
     "levels, minutes, scale, standards, timeframes, title, version)"),
    ("missing title", BASE, "title: Demo\n", "", None, "the questionnaire is missing 'title'"),
    ("id not lowercase", BASE, "id: demo", "id: Demo", "id: Demo",
     "id 'Demo' must be lowercase letters, digits and hyphens"),
    ("unquoted version", BASE, 'version: "2.0"', "version: 2.0", "version:",
     """'version' must be text; quote it: "2.0\""""),
    ("boolean text", BASE, "text: Is there a policy?", "text: no", "text: no",
     '\'no\' is read as a boolean by YAML 1.1 where text for \'text\' is expected; '
     'quote it: "no"'),
    ("number where text is expected", BASE, "title: Policy", "title: 12", "title: 12",
     "'title' must be text"),
    ("empty text", BASE, "help: Any partner.", 'help: " "', 'help: " "',
     "'help' must not be empty"),
    ("unknown format", BASE, "format: 2", "format: 3", "format:",
     "'format' must be one of 1, 2, not '3'"),
    ("unknown file scale", BASE, "scale: standard", "scale: five", "scale: five",
     "unknown scale 'five' (known: standard, yes_no)"),
    ("audience not a list", BASE, "audience: [ngo]", "audience: ngo", "audience:",
     "'audience' must be a list of organisation types"),
    ("unknown audience", BASE, "audience: [ngo]", "audience: [school]", "audience:",
     "unknown organisation type 'school' (known: ngo, contingent, other)"),
    ("minutes not whole", BASE, "minutes: 10", "minutes: 1.5", "minutes:",
     "'minutes' must be a positive whole number"),
    # -- levels and time frames
    ("levels not a list", BASE,
     "  - {min: 0, key: low, title: Low, description: Little is in place.}\n"
     "  - {min: 50, key: high, title: High}\n", "", "levels:",
     "'levels' must be a non-empty list"),
    ("one level", BASE, "  - {min: 50, key: high, title: High}\n", "", "levels:",
     "'levels' needs at least two levels"),
    ("level not a mapping", BASE, "  - {min: 50, key: high, title: High}", "  - high",
     "  - high", "a level must be a mapping of keys to values"),
    ("level missing its title", BASE, "{min: 50, key: high, title: High}",
     "{min: 50, key: high}", "key: high", "a level is missing 'title'"),
    ("duplicate level key", BASE, "key: high", "key: low", "key: low, title: High",
     "duplicate level key 'low'"),
    ("bad level key", BASE, "key: high", "key: 2high", "key: 2high",
     "level key '2high' must start with a letter and use only letters, digits, '.', '_' "
     "and '-'"),
    ("empty level description", BASE, "description: Little is in place.", 'description: ""',
     "key: low", "'description' must not be empty"),
    ("levels not rising", BASE, "min: 50", "min: 0", "key: high",
     "level minimums must rise from one level to the next"),
    ("level above 100", BASE, "min: 50", "min: 150", "key: high",
     "a level minimum cannot exceed 100"),
    ("negative minimum", BASE, "min: 50", "min: -5", "key: high",
     "'min' must be zero or more, not -5"),
    ("first level not at 0", BASE, "min: 0,", "min: 10,", "key: low",
     "the first level must have min: 0"),
    ("timeframes not a mapping", BASE, "timeframes: {critical: 1, low: 12}",
     "timeframes: [1, 12]", "timeframes:", "'timeframes' must be a mapping of keys to values"),
    ("unknown severity", BASE, "low: 12}", "lowest: 12}", "timeframes:",
     "unknown key 'lowest' in 'timeframes' (allowed: critical, high, low, medium)"),
    ("time frame not whole months", BASE, "critical: 1,", "critical: 0.5,", "timeframes:",
     "time frame for 'critical' must be a positive whole number of months"),
    # -- standards, criteria, questions
    ("no standards", BASE, BASE[BASE.index("  - id: policy"):], "", "standards:",
     "'standards' must be a non-empty list"),
    ("standard missing criteria", BASE, BASE[BASE.index("    criteria:"):], "", "- id: policy",
     "a standard is missing 'criteria'"),
    ("empty criteria", BASE, BASE[BASE.index("      - id: policy.main"):], "",
     "    criteria:", "criteria of standard 'policy' must be a non-empty list"),
    ("empty questions", BASE, BASE[BASE.index("          - id: Q1"):], "", "questions:",
     "questions of criterion 'policy.main' must be a non-empty list"),
    ("duplicate standard id", BASE, "            replaces: [Q0]\n",
     "            replaces: [Q0]\n  - id: policy\n    title: Again\n    criteria:\n"
     "      - id: policy.other\n        title: Other\n        questions:\n"
     "          - {id: Q9, text: T, help: H, tier: practice, action: A}\n",
     "  - id: policy\n    title: Again", "duplicate standard id 'policy' (first on line 14)"),
    ("duplicate criterion id", BASE, "          - id: Q2",
     "      - id: policy.main\n        title: Again\n        questions:\n          - id: Q2",
     "      - id: policy.main\n        title: Again",
     "duplicate criterion id 'policy.main' (first on line 18)"),
    ("duplicate question id", BASE, "id: Q3", "id: Q1", "- id: Q1\n            text: Do partners",
     "duplicate question id 'Q1' (first on line 21)"),
    ("bad question id", BASE, "id: Q1", "id: 1.1", "id: 1.1",
     "'question id' must be text"),
    ("question id not starting with a letter", BASE, "id: Q1", 'id: "1.1"', 'id: "1.1"',
     "question id '1.1' must start with a letter and use only letters, digits, '.', '_' "
     "and '-'"),
    ("unknown question key", BASE, "weight: 2", "wieght: 2", "wieght:",
     "unknown key 'wieght' in a question (allowed: action, allow_na, critical, help, id, "
     "maps_to, replaces, scale, scored, show_if, text, tier, weight)"),
    ("question missing help", BASE, "            help: A signed document.\n", "", "- id: Q1",
     "a question is missing 'help'"),
    ("unknown tier", BASE, "tier: framework\n            weight",
     "tier: paper\n            weight", "tier: paper", "tier must be one of framework, "
     "practice, not 'paper'"),
    ("unknown question scale", BASE, "scale: yes_no", "scale: yes_no_maybe", "scale: yes_no_",
     "unknown scale 'yes_no_maybe' (known: standard, yes_no)"),
    ("weight not a number", BASE, "weight: 2", "weight: heavy", "weight:",
     "'weight' must be a number, not 'heavy'"),
    ("weight zero", BASE, "weight: 2", "weight: 0", "weight:",
     "'weight' must be a positive number, not 0"),
    ("flag not true or false", BASE, "critical: true", "critical: very", "critical: very",
     "'critical' must be true or false"),
    ("no action", BASE, "            action: Write one.\n", "", "- id: Q1",
     "question 'Q1' has no 'action' (the improvement action shown when it is a gap)"),
    ("empty action", BASE, "action: Write one.", 'action: ""', "action: \"",
     "question 'Q1' has an empty 'action'"),
    ("critical but unscored", BASE, "            scored: false\n",
     "            critical: true\n            scored: false\n",
     "critical: true\n            scored",
     "question 'Q2' is critical but not scored"),
    # -- show_if
    ("show_if not a mapping", BASE, 'show_if: {question: Q2, in: ["yes", "unknown"]}',
     "show_if: Q2", "show_if:", "'show_if' must be a mapping of keys to values"),
    ("show_if missing its answers", BASE, 'show_if: {question: Q2, in: ["yes", "unknown"]}',
     "show_if: {question: Q2}", "show_if:", "'show_if' is missing 'in'"),
    ("show_if naming an unknown question", BASE, "question: Q2", "question: Q9", "show_if:",
     "show_if of 'Q3' names question 'Q9', which is not in this questionnaire"),
    ("show_if naming a later question", BASE, "question: Q2", "question: Q3", "show_if:",
     "show_if of 'Q3' names question 'Q3', which comes later; show_if must name an earlier "
     "question"),
    ("empty show_if list", BASE, 'in: ["yes", "unknown"]', "in: []", "show_if:",
     "show_if 'in' must be a non-empty list of answers"),
    ("boolean answer", BASE, 'in: ["yes", "unknown"]', 'in: [yes, "unknown"]', "show_if:",
     '\'yes\' is read as a boolean by YAML 1.1 where an answer key is expected; '
     'quote it: "yes"'),
    ("answer not offered", BASE, 'in: ["yes", "unknown"]', 'in: ["yes", "unknown", partly]',
     "show_if:", "show_if of 'Q3' names answer 'partly', which question 'Q2' does not offer "
     "(it offers: yes, no, unknown)"),
    ("na opens nothing", BASE, 'in: ["yes", "unknown"]', 'in: ["yes", "unknown", na]',
     "show_if:", "show_if of 'Q3' lists 'na': a not-applicable answer is left out of the "
     "score and never opens a question"),
    ("yes without unknown", BASE, 'in: ["yes", "unknown"]', 'in: ["yes"]', "show_if:",
     "show_if of 'Q3' opens on 'yes' but not on 'unknown', which question 'Q2' offers: list "
     '"unknown" too, so a respondent who is unsure is still asked (format 2)'),
    # -- maps_to
    ("maps_to not a mapping", BASE, "maps_to: {fa: [a1], fb: [1]}", "maps_to: [fa]",
     "maps_to:", "'maps_to' must map framework names to lists of references"),
    ("maps_to empty list", BASE, "fb: [1]", "fb: []", "maps_to:",
     "maps_to 'fb' must be a non-empty list of references"),
    ("maps_to reference not text", BASE, "fb: [1]", "fb: [[1]]", "maps_to:",
     "maps_to 'fb' reference '' must be text or a number"),
    ("maps_to reference twice", BASE, "fb: [1]", "fb: [1, 1]", "maps_to:",
     "maps_to 'fb' names '1' twice"),
    ("maps_to unknown framework", BASE, "fb: [1]", "chs: [1]", "maps_to:",
     "maps_to names framework 'chs', which the frameworks file does not describe "
     "(known: fa, fb)"),
    ("maps_to unknown item", BASE, "fb: [1]", "fb: [3]", "maps_to:",
     "maps_to 'fb' names '3', which framework 'fb' does not have (it has: 1, 2)"),
    ("maps_to on a context question", BASE, "            scale: yes_no\n",
     "            scale: yes_no\n            maps_to: {fa: [a2]}\n", "maps_to: {fa: [a2]}",
     "question 'Q2' is not scored, so it cannot stand for another framework's items "
     "(drop 'maps_to')"),
    # -- replaces
    ("replaces not a list", BASE, "replaces: [Q0]", "replaces: Q0", "replaces:",
     "'replaces' must be a non-empty list of question ids"),
    ("replaces empty", BASE, "replaces: [Q0]", "replaces: []", "replaces:",
     "'replaces' must be a non-empty list of question ids"),
    ("replaced id malformed", BASE, "replaces: [Q0]", 'replaces: ["Q 0"]', "replaces:",
     "replaced question id 'Q 0' must start with a letter and use only letters, digits, "
     "'.', '_' and '-'"),
    ("replaced id twice", BASE, "replaces: [Q0]", "replaces: [Q0, Q0]", "replaces:",
     "question 'Q3' lists 'Q0' in 'replaces' twice"),
    ("replacing a question still there", BASE, "replaces: [Q0]", "replaces: [Q1]",
     "replaces:", "question 'Q3' replaces 'Q1', which is still a question of this version "
     "(answers follow an unchanged id by themselves)"),
]

FRAMEWORK_CASES = [
    ("frameworks not a mapping", FRAMEWORKS, FRAMEWORKS, "- fa\n", None,
     "the frameworks file must be a mapping of keys to values"),
    ("frameworks missing", FRAMEWORKS, FRAMEWORKS, "{}\n", None,
     "the frameworks file is missing 'frameworks'"),
    ("unknown key in the frameworks file", FRAMEWORKS, "frameworks:\n",
     "notes: none\nframeworks:\n", "notes:",
     "unknown key 'notes' in the frameworks file (allowed: frameworks)"),
    ("no frameworks", FRAMEWORKS, FRAMEWORKS, "frameworks: []\n", None,
     "'frameworks' must be a non-empty list"),
    ("framework missing its edition", FRAMEWORKS, '    edition: "2020"\n', "", "- id: fa",
     "a framework is missing 'edition'"),
    ("unquoted edition", FRAMEWORKS, 'edition: "2020"', "edition: 2020", "edition: 2020",
     """'edition' must be text; quote it: "2020\""""),
    ("framework id not lowercase", FRAMEWORKS, "id: fa", "id: FA", "id: FA",
     "framework id 'FA' must be lowercase letters, digits and hyphens"),
    ("duplicate framework id", FRAMEWORKS, "id: fb", "id: fa", "  - id: fa\n    title: "
     "Framework B", "duplicate framework id 'fa' (first on line 2)"),
    ("no items", FRAMEWORKS, '      - {id: a1, number: "1", title: Policy}\n'
     '      - {id: a2, number: "2", title: Vetting}\n', "", "    items:",
     "items of framework 'fa' must be a non-empty list"),
    ("item missing its title", FRAMEWORKS, "{id: 2, title: Learning}", "{id: 2}", "{id: 2}",
     "a framework item is missing 'title'"),
    ("unknown item key", FRAMEWORKS, "{id: 2, title: Learning}",
     "{id: 2, title: Learning, url: x}", "{id: 2,", "unknown key 'url' in a framework item "
     "(allowed: id, number, title)"),
    ("item id malformed", FRAMEWORKS, "id: a2", 'id: "a 2"', 'id: "a 2"',
     "item id 'a 2' must start with a letter or digit and use only letters, digits, '.', '_' "
     "and '-'"),
    ("item id a fraction", FRAMEWORKS, "id: a2", "id: 2.5", "id: 2.5",
     "'item id' must be text"),
    ("duplicate item id", FRAMEWORKS, "id: 2,", "id: 1,", "{id: 1, title: Learning}",
     "duplicate item id '1' in framework 'fb' (first on line 12)"),
    ("item number a boolean", FRAMEWORKS, 'number: "2"', "number: no", "number: no",
     '\'no\' is read as a boolean by YAML 1.1 where text for \'number\' is expected; '
     'quote it: "no"'),
]

CATALOGUE_CASES = [
    ("replacing what no earlier version has", BASE, "replaces: [Q0]", "replaces: [Q8]",
     "replaces:", "question 'Q3' replaces 'Q8', which no earlier version of 'demo' has "
     "(loaded: 1.0)"),
    ("the same version twice", BASE, 'version: "2.0"', 'version: "1.0"', None,
     "questionnaire 'demo' version '1.0' is also defined in {folder}/demo-1.0.yaml"),
]


def edited(case: tuple) -> tuple[str, int]:
    """Return the edited text and the line its problem is expected on."""
    _name, text, old, new, marker, _message = case
    assert text.count(old) == 1, old
    result = text.replace(old, new)
    if marker is None:
        return result, 1
    assert marker in result, marker
    return result, result[:result.index(marker)].count("\n") + 1


def problems(exc: pytest.ExceptionInfo) -> list[str]:
    return [str(p) for p in exc.value.problems]


@pytest.mark.parametrize("case", [*QUESTIONNAIRE_CASES, *FRAMEWORK_CASES, *CATALOGUE_CASES],
                         ids=lambda case: case[0])
def test_every_loader_message_names_file_and_line(case: tuple, tmp_path: Path):
    text, line = edited(case)
    message = case[-1]
    frameworks_file = tmp_path / "frameworks.yaml"
    frameworks_file.write_text(FRAMEWORKS)
    if case in FRAMEWORK_CASES:
        with pytest.raises(QuestionnaireError) as caught:
            parse_frameworks(text, "frameworks.yaml")
        assert problems(caught) == [f"frameworks.yaml:{line}: {message}"]
    elif case in QUESTIONNAIRE_CASES:
        with pytest.raises(QuestionnaireError) as caught:
            parse_questionnaire(text, "demo.yaml", parse_frameworks(FRAMEWORKS))
        assert problems(caught) == [f"demo.yaml:{line}: {message}"]
    else:
        folder = tmp_path / "questionnaires"
        folder.mkdir()
        (folder / "demo-1.0.yaml").write_text(EARLIER)
        (folder / "demo-2.0.yaml").write_text(text)
        with pytest.raises(QuestionnaireError) as caught:
            load_catalogue([folder], frameworks_file)
        assert problems(caught) == [
            f"{folder}/demo-2.0.yaml:{line}: {message.format(folder=folder)}"]


def test_the_base_files_are_valid_so_each_case_shows_one_problem(tmp_path: Path):
    (tmp_path / "frameworks.yaml").write_text(FRAMEWORKS)
    (tmp_path / "demo-1.0.yaml").write_text(EARLIER)
    (tmp_path / "demo-2.0.yaml").write_text(BASE)
    catalogue = load_catalogue([tmp_path], tmp_path / "frameworks.yaml")
    assert [(q.id, q.version) for q in catalogue.questionnaires] == [("demo", "1.0"),
                                                                     ("demo", "2.0")]


def test_an_unreadable_file_is_a_problem_on_line_1(tmp_path: Path):
    missing = tmp_path / "missing.yaml"
    with pytest.raises(QuestionnaireError) as caught:
        load_questionnaire(missing)
    [problem] = problems(caught)
    assert problem.startswith(f"{missing}:1: cannot read file: [Errno 2] No such file")
    latin1 = tmp_path / "latin1.yaml"
    latin1.write_bytes("title: Protección".encode("latin-1"))
    with pytest.raises(QuestionnaireError) as caught:
        load_questionnaire(latin1)
    assert problems(caught) == [
        f"{latin1}:1: cannot read file: 'utf-8' codec can't decode byte 0xf3 in position 15: "
        "invalid continuation byte"]
