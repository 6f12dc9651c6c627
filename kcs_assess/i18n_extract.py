"""Babel extraction methods for questionnaire and frameworks YAML, so translators work in
ordinary PO files.

Registered as the `kcs_questionnaire` and `kcs_frameworks` extractors (see pyproject.toml and
babel.cfg). Each string gets its real line number, its YAML path as translator comment, and
the message context that the templates and the PDF look it up by:
`<questionnaire id>:<element id>:<field>`, or `framework/<framework id>[/<item id>]:title`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO, Any

from .domain.frameworks import framework_context
from .domain.loader import Node, compose
from .domain.questionnaire import message_context

Message = tuple[int, str, tuple[str, str], list[str]]


def extract_questionnaire(fileobj: IO[bytes], keywords: Any, comment_tags: Any,
                          options: dict[str, Any]) -> Iterator[Message]:
    """Yield (line, "pgettext", (context, text), [comment]) for every translatable string."""
    text = fileobj.read().decode(options.get("encoding", "utf-8"))
    root = compose(text, getattr(fileobj, "name", "<questionnaire>"))
    top = _mapping(root)
    questionnaire_id = _scalar(top.get("id"))
    if not questionnaire_id:
        return

    def message(node: Node | None, element: str, field: str, path: str) -> Iterator[Message]:
        value = _scalar(node)
        if value:
            context = message_context(questionnaire_id, element, field)
            yield (_line(node), "pgettext", (context, value), [path])

    yield from message(top.get("title"), "questionnaire", "title", "title")
    yield from message(top.get("description"), "questionnaire", "description", "description")
    for i, level in enumerate(_items(top.get("levels"))):
        fields = _mapping(level)
        for field in ("title", "description"):
            yield from message(fields.get(field), f"level.{_scalar(fields.get('key'))}", field,
                               f"levels[{i}].{field}")
    for s, standard in enumerate(_items(top.get("standards"))):
        sfields = _mapping(standard)
        sid = _scalar(sfields.get("id"))
        for field in ("title", "description"):
            yield from message(sfields.get(field), sid, field, f"standards[{s}].{field}")
        for c, criterion in enumerate(_items(sfields.get("criteria"))):
            cfields = _mapping(criterion)
            cpath = f"standards[{s}].criteria[{c}]"
            yield from message(cfields.get("title"), _scalar(cfields.get("id")), "title",
                               f"{cpath}.title")
            for q, question in enumerate(_items(cfields.get("questions"))):
                qfields = _mapping(question)
                qid = _scalar(qfields.get("id"))
                for field in ("text", "help", "action"):
                    yield from message(qfields.get(field), qid, field,
                                       f"{cpath}.questions[{q}].{field} ({qid})")


def extract_frameworks(fileobj: IO[bytes], keywords: Any, comment_tags: Any,
                       options: dict[str, Any]) -> Iterator[Message]:
    """Yield (line, "pgettext", (context, text), [comment]) for each framework and item title."""
    text = fileobj.read().decode(options.get("encoding", "utf-8"))
    root = compose(text, getattr(fileobj, "name", "<frameworks>"))
    for f, framework in enumerate(_items(_mapping(root).get("frameworks"))):
        fields = _mapping(framework)
        framework_id = _scalar(fields.get("id"))
        title = fields.get("title")
        if framework_id and _scalar(title):
            yield (_line(title), "pgettext",
                   (framework_context(framework_id, None, "title"), _scalar(title)),
                   [f"frameworks[{f}].title ({framework_id})"])
        for i, item in enumerate(_items(fields.get("items"))):
            item_fields = _mapping(item)
            item_id, item_title = _reference(item_fields.get("id")), item_fields.get("title")
            if framework_id and item_id and _scalar(item_title):
                yield (_line(item_title), "pgettext",
                       (framework_context(framework_id, item_id, "title"), _scalar(item_title)),
                       [f"frameworks[{f}].items[{i}].title ({framework_id} {item_id})"])


def _line(node: Node) -> int:
    return getattr(node, "key_line", node.line)


def _reference(node: Node | None) -> str:
    """Return an item id, which frameworks give as text or as a whole number."""
    if node is not None and isinstance(node.value, int) and not isinstance(node.value, bool):
        return str(node.value)
    return _scalar(node)


def _mapping(node: Node | None) -> dict[str, Node]:
    return node.value if node is not None and isinstance(node.value, dict) else {}


def _items(node: Node | None) -> list[Node]:
    return node.value if node is not None and isinstance(node.value, list) else []


def _scalar(node: Node | None) -> str:
    return node.value.strip() if node is not None and isinstance(node.value, str) else ""
