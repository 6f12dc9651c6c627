"""Load questionnaire YAML files, reporting every problem as `file:line: message`."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .frameworks import Framework, FrameworkItem, Frameworks
from .questionnaire import (
    DEFAULT_TIMEFRAMES,
    ORGANISATION_TYPES,
    SCALES,
    SEVERITIES,
    TIERS,
    Criterion,
    Level,
    Question,
    Questionnaire,
    ShowIf,
    Standard,
)

QUESTIONNAIRE_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
ELEMENT_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_.-]*$")
FRAMEWORK_ITEM_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")

# The rule sets a file may follow (its `format` key). Format 1, the files without the key, is
# frozen: the 2026.1 questionnaires follow it and their snapshots must keep their digests.
# Format 2 adds: a show_if that opens on "yes" opens on "unknown" too, where it is offered.
FORMATS = (1, 2)

TOP_KEYS = {
    "format", "id", "version", "title", "description", "audience", "minutes", "scale",
    "levels", "timeframes", "standards",
}
STANDARD_KEYS = {"id", "title", "description", "criteria"}
CRITERION_KEYS = {"id", "title", "questions"}
QUESTION_KEYS = {
    "id", "text", "help", "weight", "critical", "tier", "allow_na", "show_if", "action",
    "maps_to", "scale", "scored", "replaces",
}
LEVEL_KEYS = {"min", "key", "title", "description"}
SHOW_IF_KEYS = {"question", "in"}
FRAMEWORK_KEYS = {"id", "title", "edition", "items"}
FRAMEWORK_ITEM_KEYS = {"id", "number", "title"}

_BOOL_TAG = "tag:yaml.org,2002:bool"


@dataclass(frozen=True)
class Problem:
    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


class QuestionnaireError(Exception):
    """One or more problems in questionnaire files."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass
class Node:
    """A YAML value with the line it starts on (1-based) and its source text for scalars."""

    value: Any
    line: int
    tag: str = ""
    raw: str = ""


def fingerprint(questionnaire: Questionnaire) -> str:
    """Return the sha256 of a questionnaire's content, blind to comments and layout."""
    canonical = json.dumps(questionnaire.to_dict(), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def load_questionnaire(path: str | Path, frameworks: Frameworks | None = None) -> Questionnaire:
    """Read and validate one questionnaire file (maps_to is checked against frameworks if given)."""
    return build_questionnaire(read(path), str(path), frameworks)


def parse_questionnaire(text: str, filename: str = "<string>",
                        frameworks: Frameworks | None = None) -> Questionnaire:
    """Parse and validate questionnaire YAML text."""
    return build_questionnaire(compose(text, filename), filename, frameworks)


def build_questionnaire(root: Node, filename: str, frameworks: Frameworks | None = None,
                        earlier: tuple[Questionnaire, ...] = ()) -> Questionnaire:
    """Validate a composed questionnaire file and build it.

    `frameworks`: what maps_to may name (None: references are not checked). `earlier`: the
    earlier versions of the same questionnaire loaded with it, which `replaces` must name
    questions of (none: not checked).
    """
    return _Builder(filename, frameworks, earlier).build(root)


def load_frameworks(path: str | Path) -> Frameworks:
    """Read and validate the frameworks file."""
    return _FrameworksBuilder(str(path)).build(read(path))


def parse_frameworks(text: str, filename: str = "<string>") -> Frameworks:
    """Parse and validate frameworks YAML text."""
    return _FrameworksBuilder(filename).build(compose(text, filename))


def read(path: str | Path) -> Node:
    """Read a YAML file into located nodes; an unreadable file is a problem on line 1."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise QuestionnaireError([Problem(str(path), 1, f"cannot read file: {exc}")]) from exc
    return compose(text, str(path))


def compose(text: str, filename: str) -> Node:
    """Parse YAML into located nodes; syntax errors and duplicate keys become problems."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        raise QuestionnaireError(
            [Problem(filename, line, f"YAML syntax error: {exc.problem or exc.context}")]
        ) from exc
    except yaml.YAMLError as exc:
        # A ReaderError (a character YAML refuses) gives a position in characters.
        position = getattr(exc, "position", None)
        line = text.count("\n", 0, position) + 1 if isinstance(position, int) else 1
        raise QuestionnaireError(
            [Problem(filename, line, f"YAML error: {str(exc).splitlines()[0]}")]) from exc
    if node is None:
        raise QuestionnaireError([Problem(filename, 1, "the file is empty")])
    problems: list[Problem] = []
    result = _convert(node, filename, problems, yaml.SafeLoader(""))
    if problems:
        raise QuestionnaireError(problems)
    return result


def _convert(node: yaml.Node, filename: str, problems: list[Problem], loader: Any) -> Node:
    line = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        loader.flatten_mapping(node)
        mapping: dict[Any, Node] = {}
        key_lines: dict[Any, int] = {}
        for key_node, value_node in node.value:
            key = _convert(key_node, filename, problems, loader)
            if key.tag == _BOOL_TAG:
                problems.append(Problem(filename, key.line, _bool_message(key.raw, "a key")))
                continue
            if not isinstance(key.value, str):
                problems.append(Problem(filename, key.line, f"key {key.raw!r} must be text"))
                continue
            if key.value in mapping:
                problems.append(
                    Problem(filename, key.line, f"duplicate key {key.value!r} "
                            f"(first on line {key_lines[key.value]})")
                )
                continue
            key_lines[key.value] = key.line
            value = _convert(value_node, filename, problems, loader)
            value.key_line = key.line  # type: ignore[attr-defined]
            mapping[key.value] = value
        return Node(mapping, line, node.tag)
    if isinstance(node, yaml.SequenceNode):
        return Node([_convert(n, filename, problems, loader) for n in node.value], line, node.tag)
    try:
        value = loader.construct_object(node, deep=True)
    except (yaml.YAMLError, ValueError) as exc:  # ValueError: a date like 2026-13-01, !!int x
        reason = exc.problem if isinstance(exc, yaml.MarkedYAMLError) else exc
        problems.append(Problem(filename, line, f"cannot read value {node.value!r}: {reason}"))
        value = node.value
    return Node(value, line, node.tag, str(node.value))


def _bool_message(raw: str, what: str) -> str:
    return (
        f"{raw!r} is read as a boolean by YAML 1.1 where {what} is expected; "
        f'quote it: "{raw}"'
    )


def _line(node: Node) -> int:
    return getattr(node, "key_line", node.line)


class _Checker:
    """Checks shared by the questionnaire and frameworks files, collecting every problem."""

    def __init__(self, filename: str):
        self.file = filename
        self.problems: list[Problem] = []

    def problem(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.file, line, message))

    def mapping(self, node: Node | None, what: str, allowed: set[str],
                required: set[str]) -> dict[str, Node] | None:
        if node is None:
            return None
        if not isinstance(node.value, dict):
            self.problem(node.line, f"{what} must be a mapping of keys to values")
            return None
        for key, value in node.value.items():
            if key not in allowed:
                self.problem(_line(value), f"unknown key {key!r} in {what} "
                             f"(allowed: {', '.join(sorted(allowed))})")
        for key in sorted(required - node.value.keys()):
            self.problem(node.line, f"{what} is missing {key!r}")
        return node.value

    def sequence(self, node: Node | None, what: str) -> list[Node]:
        if node is None:
            return []
        if not isinstance(node.value, list) or not node.value:
            self.problem(_line(node), f"{what} must be a non-empty list")
            return []
        return node.value

    def text(self, node: Node | None, what: str, line: int, required: bool = True,
             hint_quote: bool = False) -> str:
        if node is None:
            return ""  # a missing required key is reported by mapping()
        if node.tag == _BOOL_TAG:
            self.problem(_line(node), _bool_message(node.raw, f"text for {what!r}"))
            return ""
        if not isinstance(node.value, str):
            hint = f'; quote it: "{node.raw}"' if hint_quote and node.raw else ""
            self.problem(_line(node), f"{what!r} must be text{hint}")
            return ""
        if required and not node.value.strip():
            self.problem(_line(node), f"{what!r} must not be empty")
        return node.value.strip()

    def flag(self, node: Node | None, what: str) -> bool:
        if node is None:
            return False
        if not isinstance(node.value, bool):
            self.problem(_line(node), f"{what!r} must be true or false")
            return False
        return node.value

    def element_id(self, node: Node | None, what: str, line: int) -> str:
        value = self.text(node, what, line)
        if value and not ELEMENT_ID.match(value):
            self.problem(_line(node), f"{what} {value!r} must start with a letter and use only "
                         "letters, digits, '.', '_' and '-'")
        return value

    def number(self, node: Node | None, what: str, allow_zero: bool = False) -> float | None:
        if node is None:
            return None
        value = node.value
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value:
            self.problem(_line(node), f"{what!r} must be a number, not {node.raw!r}")
            return None
        if value < 0 or (value == 0 and not allow_zero) or value == float("inf"):
            kind = "zero or more" if allow_zero else "a positive number"
            self.problem(_line(node), f"{what!r} must be {kind}, not {node.raw}")
            return None
        return float(value)


class _Builder(_Checker):
    """Validate a questionnaire's located nodes and build the domain objects."""

    def __init__(self, filename: str, frameworks: Frameworks | None,
                 earlier: tuple[Questionnaire, ...]):
        super().__init__(filename)
        self.frameworks = frameworks
        self.earlier = earlier
        self.format = 1
        self.question_ids: dict[str, int] = {}
        self.questions: dict[str, Question] = {}
        self.replaced: list[tuple[str, str, int]] = []  # (question id, old id, line)
        self.position = 0
        self.default_scale = "standard"

    def build(self, root: Node) -> Questionnaire:
        top = self.mapping(root, "the questionnaire", TOP_KEYS, {"id", "version", "title",
                                                                 "levels", "standards"})
        if top is None:
            raise QuestionnaireError(self.problems)
        self.format = self.file_format(top.get("format"))
        qid = self.text(top.get("id"), "id", root.line)
        if qid and not QUESTIONNAIRE_ID.match(qid):
            self.problem(_line(top["id"]), f"id {qid!r} must be lowercase letters, digits "
                         "and hyphens")
        version = self.text(top.get("version"), "version", root.line, hint_quote=True)
        title = self.text(top.get("title"), "title", root.line)
        description = self.text(top.get("description"), "description", root.line,
                                required=False)
        if "scale" in top:
            scale = self.text(top["scale"], "scale", root.line)
            if scale and scale not in SCALES:
                self.problem(_line(top["scale"]), f"unknown scale {scale!r} "
                             f"(known: {', '.join(SCALES)})")
            elif scale:
                self.default_scale = scale
        audience = self.audience(top.get("audience"))
        minutes = self.minutes(top.get("minutes"))
        levels = self.levels(top.get("levels"))
        timeframes = self.timeframes(top.get("timeframes"))
        standards = self.standards(top.get("standards"))
        self.check_replaces(qid)
        if self.problems:
            raise QuestionnaireError(self.problems)
        return Questionnaire(
            id=qid, version=version, title=title, description=description or "",
            standards=standards, levels=levels, audience=audience, minutes=minutes,
            timeframes=timeframes,
        )

    # -- sections -------------------------------------------------------------------

    def file_format(self, node: Node | None) -> int:
        if node is None:
            return 1
        if isinstance(node.value, bool) or node.value not in FORMATS:
            self.problem(_line(node), f"'format' must be one of "
                         f"{', '.join(str(f) for f in FORMATS)}, not {node.raw!r}")
            return FORMATS[-1]
        return node.value

    def audience(self, node: Node | None) -> tuple[str, ...]:
        if node is None:
            return ()
        if not isinstance(node.value, list):
            self.problem(_line(node), "'audience' must be a list of organisation types")
            return ()
        result = []
        for item in node.value:
            if item.value not in ORGANISATION_TYPES:
                self.problem(item.line, f"unknown organisation type {item.raw!r} "
                             f"(known: {', '.join(ORGANISATION_TYPES)})")
            else:
                result.append(item.value)
        return tuple(result)

    def minutes(self, node: Node | None) -> int:
        if node is None:
            return 0
        if isinstance(node.value, bool) or not isinstance(node.value, int) or node.value <= 0:
            self.problem(_line(node), "'minutes' must be a positive whole number")
            return 0
        return node.value

    def levels(self, node: Node | None) -> tuple[Level, ...]:
        items = self.sequence(node, "'levels'")
        levels: list[Level] = []
        keys: set[str] = set()
        for item in items:
            level = self.mapping(item, "a level", LEVEL_KEYS, {"min", "key", "title"})
            if level is None:
                continue
            key = self.element_id(level.get("key"), "level key", item.line)
            title = self.text(level.get("title"), "title", item.line)
            description = self.text(level.get("description"), "description", item.line)
            minimum = self.number(level.get("min"), "min", allow_zero=True)
            if key in keys:
                self.problem(item.line, f"duplicate level key {key!r}")
            keys.add(key)
            if minimum is not None:
                if levels and minimum <= levels[-1].min:
                    self.problem(_line(level["min"]), "level minimums must rise from one "
                                 "level to the next")
                if minimum > 100:
                    self.problem(_line(level["min"]), "a level minimum cannot exceed 100")
                levels.append(Level(key, float(minimum), title, description))
        if items and len(items) < 2:
            self.problem(_line(node), "'levels' needs at least two levels")
        if levels and levels[0].min != 0:
            self.problem(items[0].line, "the first level must have min: 0")
        return tuple(levels)

    def timeframes(self, node: Node | None) -> dict[str, int]:
        result = dict(DEFAULT_TIMEFRAMES)
        mapping = self.mapping(node, "'timeframes'", set(SEVERITIES), set())
        for key, value in (mapping or {}).items():
            if key not in SEVERITIES:
                continue
            if isinstance(value.value, bool) or not isinstance(value.value, int) \
                    or value.value <= 0:
                self.problem(_line(value), f"time frame for {key!r} must be a positive whole "
                             "number of months")
            else:
                result[key] = value.value
        return result

    def standards(self, node: Node | None) -> tuple[Standard, ...]:
        standards = []
        seen: dict[str, int] = {}
        criterion_ids: dict[str, int] = {}
        for item in self.sequence(node, "'standards'"):
            data = self.mapping(item, "a standard", STANDARD_KEYS, {"id", "title", "criteria"})
            if data is None:
                continue
            sid = self.element_id(data.get("id"), "standard id", item.line)
            if sid in seen:
                self.problem(_line(data["id"]), f"duplicate standard id {sid!r} "
                             f"(first on line {seen[sid]})")
            seen.setdefault(sid, _line(data.get("id", item)))
            criteria = []
            for citem in self.sequence(data.get("criteria"), f"criteria of standard {sid!r}"):
                cdata = self.mapping(citem, "a criterion", CRITERION_KEYS,
                                     {"id", "title", "questions"})
                if cdata is None:
                    continue
                cid = self.element_id(cdata.get("id"), "criterion id", citem.line)
                if cid in criterion_ids:
                    self.problem(_line(cdata["id"]), f"duplicate criterion id {cid!r} "
                                 f"(first on line {criterion_ids[cid]})")
                criterion_ids.setdefault(cid, _line(cdata.get("id", citem)))
                questions = [
                    q for q in (
                        self.question(qitem, sid, cid)
                        for qitem in self.sequence(cdata.get("questions"),
                                                   f"questions of criterion {cid!r}")
                    ) if q is not None
                ]
                criteria.append(Criterion(cid, self.text(cdata.get("title"), "title",
                                                         citem.line), tuple(questions)))
            standards.append(Standard(
                sid, self.text(data.get("title"), "title", item.line),
                self.text(data.get("description"), "description", item.line, required=False),
                tuple(criteria),
            ))
        return tuple(standards)

    def question(self, item: Node, sid: str, cid: str) -> Question | None:
        data = self.mapping(item, "a question", QUESTION_KEYS, {"id", "text", "help", "tier"})
        if data is None:
            return None
        qid = self.element_id(data.get("id"), "question id", item.line)
        if qid in self.question_ids:
            self.problem(_line(data["id"]), f"duplicate question id {qid!r} "
                         f"(first on line {self.question_ids[qid]})")
            qid = ""
        elif qid:
            self.question_ids[qid] = _line(data["id"])
        text = self.text(data.get("text"), "text", item.line)
        help_text = self.text(data.get("help"), "help", item.line)
        tier = self.text(data.get("tier"), "tier", item.line)
        if tier and tier not in TIERS:
            self.problem(_line(data["tier"]), f"tier must be one of {', '.join(TIERS)}, "
                         f"not {tier!r}")
        scale = self.default_scale
        if "scale" in data:
            scale = self.text(data["scale"], "scale", item.line)
            if scale not in SCALES:
                self.problem(_line(data["scale"]), f"unknown scale {scale!r} "
                             f"(known: {', '.join(SCALES)})")
                scale = self.default_scale
        scored = self.flag(data.get("scored"), "scored") if "scored" in data else True
        critical = self.flag(data.get("critical"), "critical")
        allow_na = self.flag(data.get("allow_na"), "allow_na")
        weight = 1.0
        if "weight" in data:
            weight = self.number(data["weight"], "weight") or 1.0
        action = self.text(data.get("action"), "action", item.line, required=False)
        if scored and not action and "action" not in data:
            self.problem(item.line, f"question {qid!r} has no 'action' (the improvement "
                         "action shown when it is a gap)")
        elif scored and not action:
            self.problem(_line(data["action"]), f"question {qid!r} has an empty 'action'")
        if critical and not scored:
            self.problem(_line(data["critical"]), f"question {qid!r} is critical but not "
                         "scored")
        show_if = self.show_if(data.get("show_if"), qid)
        maps_to = self.maps_to(data.get("maps_to"))
        if maps_to and not scored:
            self.problem(_line(data["maps_to"]), f"question {qid!r} is not scored, so it "
                         "cannot stand for another framework's items (drop 'maps_to')")
        replaces = self.replaces(data.get("replaces"), qid)
        if not qid:
            return None
        question = Question(
            id=qid, text=text, help=help_text, tier=tier, scale=scale, standard_id=sid,
            criterion_id=cid, position=self.position, action=action, weight=weight,
            critical=critical, allow_na=allow_na, scored=scored, show_if=show_if,
            maps_to=maps_to, replaces=replaces,
        )
        self.position += 1
        self.questions[qid] = question
        return question

    def show_if(self, node: Node | None, qid: str) -> ShowIf | None:
        data = self.mapping(node, "'show_if'", SHOW_IF_KEYS, SHOW_IF_KEYS)
        if not data or "question" not in data or "in" not in data:
            return None
        target_id = self.text(data["question"], "question", node.line)
        target = self.questions.get(target_id)
        if target is None:
            where = ("comes later; show_if must name an earlier question"
                     if target_id in self.question_ids or target_id == qid
                     else "is not in this questionnaire")
            self.problem(_line(data["question"]), f"show_if of {qid!r} names question "
                         f"{target_id!r}, which {where}")
            return None
        answers_node = data["in"]
        if not isinstance(answers_node.value, list) or not answers_node.value:
            self.problem(_line(answers_node), "show_if 'in' must be a non-empty list of answers")
            return None
        answers = []
        for answer in answers_node.value:
            if answer.tag == _BOOL_TAG:
                self.problem(answer.line, _bool_message(answer.raw, "an answer key"))
            elif answer.value == "na":
                self.problem(answer.line, f"show_if of {qid!r} lists 'na': a not-applicable "
                             "answer is left out of the score and never opens a question")
            elif answer.value not in target.options:
                known = ", ".join(target.options)
                self.problem(answer.line, f"show_if of {qid!r} names answer {answer.raw!r}, "
                             f"which question {target_id!r} does not offer (it offers: {known})")
            else:
                answers.append(answer.value)
        if (self.format >= 2 and "yes" in answers and "unknown" in target.options
                and "unknown" not in answers):
            self.problem(_line(answers_node), f"show_if of {qid!r} opens on 'yes' but not on "
                         f"'unknown', which question {target_id!r} offers: list \"unknown\" "
                         "too, so a respondent who is unsure is still asked (format 2)")
        return ShowIf(target_id, tuple(answers)) if answers else None

    def maps_to(self, node: Node | None) -> tuple[tuple[str, tuple[str, ...]], ...]:
        if node is None:
            return ()
        if not isinstance(node.value, dict):
            self.problem(_line(node), "'maps_to' must map framework names to lists of "
                         "references")
            return ()
        result = []
        for name, refs in node.value.items():
            framework = self.framework(name, refs)
            if not isinstance(refs.value, list) or not refs.value:
                self.problem(_line(refs), f"maps_to {name!r} must be a non-empty list of "
                             "references")
                continue
            values: list[str] = []
            for ref in refs.value:
                if ref.tag == _BOOL_TAG or not isinstance(ref.value, (str, int)):
                    self.problem(ref.line, f"maps_to {name!r} reference {ref.raw!r} must be "
                                 "text or a number")
                    continue
                value = str(ref.value)
                if value in values:
                    self.problem(ref.line, f"maps_to {name!r} names {value!r} twice")
                elif framework is not None and value not in framework.items_by_id:
                    known = ", ".join(item.id for item in framework.items)
                    self.problem(ref.line, f"maps_to {name!r} names {value!r}, which framework "
                                 f"{name!r} does not have (it has: {known})")
                values.append(value)
            result.append((name, tuple(values)))
        return tuple(result)

    def framework(self, name: str, refs: Node) -> Framework | None:
        """Return the framework maps_to names, reporting an unknown one (None: unchecked)."""
        if self.frameworks is None:
            return None
        framework = self.frameworks.get(name)
        if framework is None:
            known = ", ".join(f.id for f in self.frameworks.frameworks)
            self.problem(_line(refs), f"maps_to names framework {name!r}, which the frameworks "
                         f"file does not describe (known: {known})")
        return framework

    def replaces(self, node: Node | None, qid: str) -> tuple[str, ...]:
        if node is None:
            return ()
        if not isinstance(node.value, list) or not node.value:
            self.problem(_line(node), "'replaces' must be a non-empty list of question ids")
            return ()
        result: list[str] = []
        for item in node.value:
            old = self.element_id(item, "replaced question id", item.line)
            if not old:
                continue
            if old in result:
                self.problem(item.line, f"question {qid!r} lists {old!r} in 'replaces' twice")
                continue
            result.append(old)
            self.replaced.append((qid, old, item.line))
        return tuple(result)

    def check_replaces(self, questionnaire_id: str) -> None:
        """Check what `replaces` names, once every question of the file is known."""
        earlier_ids = {q.id for version in self.earlier for q in version.questions}
        for qid, old, line in self.replaced:
            if old in self.question_ids:
                self.problem(line, f"question {qid!r} replaces {old!r}, which is still a "
                             "question of this version (answers follow an unchanged id by "
                             "themselves)")
            elif self.earlier and old not in earlier_ids:
                versions = ", ".join(version.version for version in self.earlier)
                self.problem(line, f"question {qid!r} replaces {old!r}, which no earlier "
                             f"version of {questionnaire_id!r} has (loaded: {versions})")


class _FrameworksBuilder(_Checker):
    """Validate the frameworks file and build its domain objects."""

    def build(self, root: Node) -> Frameworks:
        top = self.mapping(root, "the frameworks file", {"frameworks"}, {"frameworks"})
        frameworks: list[Framework] = []
        seen: dict[str, int] = {}
        for node in self.sequence((top or {}).get("frameworks"), "'frameworks'"):
            data = self.mapping(node, "a framework", FRAMEWORK_KEYS, FRAMEWORK_KEYS)
            if data is None:
                continue
            fid = self.text(data.get("id"), "id", node.line)
            if fid and not QUESTIONNAIRE_ID.match(fid):
                self.problem(_line(data["id"]), f"framework id {fid!r} must be lowercase "
                             "letters, digits and hyphens")
            elif fid in seen:
                self.problem(_line(data["id"]), f"duplicate framework id {fid!r} "
                             f"(first on line {seen[fid]})")
            elif fid:
                seen[fid] = _line(data["id"])
            frameworks.append(Framework(
                id=fid,
                title=self.text(data.get("title"), "title", node.line),
                edition=self.text(data.get("edition"), "edition", node.line, hint_quote=True),
                items=self.items(data.get("items"), fid),
            ))
        if self.problems:
            raise QuestionnaireError(self.problems)
        return Frameworks(tuple(frameworks))

    def items(self, node: Node | None, fid: str) -> tuple[FrameworkItem, ...]:
        items: list[FrameworkItem] = []
        seen: dict[str, int] = {}
        for item in self.sequence(node, f"items of framework {fid!r}"):
            data = self.mapping(item, "a framework item", FRAMEWORK_ITEM_KEYS, {"id", "title"})
            if data is None:
                continue
            item_id = self.reference(data.get("id"), "item id")
            if item_id and not FRAMEWORK_ITEM_ID.match(item_id):
                self.problem(_line(data["id"]), f"item id {item_id!r} must start with a letter "
                             "or digit and use only letters, digits, '.', '_' and '-'")
            elif item_id in seen:
                self.problem(_line(data["id"]), f"duplicate item id {item_id!r} in framework "
                             f"{fid!r} (first on line {seen[item_id]})")
            elif item_id:
                seen[item_id] = _line(data["id"])
            number = self.reference(data.get("number"), "number") if "number" in data \
                else item_id
            items.append(FrameworkItem(item_id, number, self.text(data.get("title"), "title",
                                                                  item.line)))
        return tuple(items)

    def reference(self, node: Node | None, what: str) -> str:
        """Return text or a whole number as text: frameworks number their items either way."""
        if node is None:
            return ""
        if node.tag != _BOOL_TAG and isinstance(node.value, int):
            return str(node.value)
        return self.text(node, what, node.line)
