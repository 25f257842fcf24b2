"""HTML forms generated from a kind's JSON Schema, and form data turned back into case JSON.

Field names are dotted paths with list indices (``points.0.measures.1.deadline``); findings'
paths (``points[0].measures[1].deadline``) map onto them with :func:`dotted`. The same parser
serves the plain (no JavaScript) submit and the JavaScript "检查" request, so the browser
never has to know the schema's types. :meth:`SchemaForm.where` names a finding's field the way
the form labels it, so that a clerk reads ``第1项答复要点 › 第2项承诺措施 › 完成时限``, not a path.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

TEXTAREA_MIN_LENGTH = 1000  # strings allowed to be longer than this get a textarea
INDEX = re.compile(r"\[(\d+)\]")
PATH_PART = re.compile(r"[^.\[\]]+|\[\d+\]")


def dotted(path: str) -> str:
    """``points[0].measures[1].deadline`` → ``points.0.measures.1.deadline``."""
    return INDEX.sub(r".\1", path)


@dataclass
class Field:
    name: str  # dotted path; list items of a template use the placeholder __iN__
    label: str
    widget: str  # text, textarea, integer, date, checkbox, tristate, select, object, list
    description: str = ""
    required: bool = False
    options: list[tuple[str, str]] = field(default_factory=list)  # select: (value, what a clerk reads)
    example: str = ""  # shown as the placeholder
    suggestions: list[str] = field(default_factory=list)  # offered values; free entry stays allowed
    children: list[Field] = field(default_factory=list)  # object: properties; list: [item template]
    items: list[Field] = field(default_factory=list)  # list: the current items
    value: Any = None
    depth: int = 0  # list nesting depth, for the placeholder of new items

    @property
    def placeholder(self) -> str:
        return f"__i{self.depth}__"


class SchemaForm:
    """Builds fields from a JSON Schema (pydantic's output) and parses submitted forms."""

    def __init__(self, schema: Mapping[str, Any], choices: Mapping[str, list[tuple[str, str]]] | None = None):
        self.schema = schema
        self.defs = schema.get("$defs", {})
        self.choices = dict(choices or {})  # field path → (value, label) pairs, offered as a select

    def _resolve(self, node: Mapping[str, Any]) -> Mapping[str, Any]:
        if "$ref" in node:
            return self.defs[node["$ref"].rsplit("/", 1)[-1]]
        if "anyOf" in node:  # Optional[X]: the non-null branch, keeping title and description
            branch = next((b for b in node["anyOf"] if b.get("type") != "null"), node["anyOf"][0])
            merged = {**self._resolve(branch), **{k: v for k, v in node.items() if k != "anyOf"}}
            merged["nullable"] = True
            return merged
        return node

    # --- schema → fields ---------------------------------------------------------------

    def fields(self, values: Mapping[str, Any] | None = None) -> list[Field]:
        return self._object_fields(self.schema, "", values or {}, 0)

    def _object_fields(self, schema: Mapping[str, Any], prefix: str, values: Any, depth: int) -> list[Field]:
        values = values if isinstance(values, Mapping) else {}
        required = set(schema.get("required", []))
        return [
            self._field(f"{prefix}{name}", prop, values.get(name), name in required, depth)
            for name, prop in schema.get("properties", {}).items()
        ]

    def _field(self, name: str, node: Mapping[str, Any], value: Any, required: bool, depth: int) -> Field:
        original = node
        node = self._resolve(node)
        label = original.get("title") or node.get("title") or name.rsplit(".", 1)[-1]
        description = original.get("description") or node.get("description", "")
        kind = node.get("type")
        examples = original.get("examples") or node.get("examples") or []
        base = Field(name, label, "text", description, required, value=value, depth=depth,
                     example=f"例：{examples[0]}" if examples else "")
        if name in self.choices:
            base.widget, base.options = "select", [tuple(option) for option in self.choices[name]]
        elif "enum" in node or "const" in node:
            base.widget, base.options = "select", [(v, v) for v in node.get("enum", [node.get("const")])]
        elif kind == "object" or "properties" in node:
            base.widget = "object"
            base.children = self._object_fields(node, f"{name}.", value, depth)
        elif kind == "array":
            base.widget = "list"
            item_schema = node.get("items", {"type": "string"})
            items = value if isinstance(value, list) else []
            base.children = [self._item(f"{name}.__i{depth}__", item_schema, None, label, depth)]
            base.items = [self._item(f"{name}.{i}", item_schema, v, label, depth) for i, v in enumerate(items)]
        elif kind == "boolean":
            base.widget = "tristate" if node.get("nullable") else "checkbox"
            if value is None and "default" in node:
                base.value = node["default"]
        elif kind == "integer":
            base.widget = "integer"
        elif node.get("format") == "date":
            base.widget = "date"
        elif kind == "string" and node.get("maxLength", 0) > TEXTAREA_MIN_LENGTH:
            base.widget = "textarea"
        elif kind == "string" and len(examples) > 1:
            base.suggestions = [str(e) for e in examples]
        if base.value is None and "default" in node and base.widget in ("text", "select", "integer", "textarea"):
            base.value = node["default"]
        return base

    def _item(self, name: str, schema: Mapping[str, Any], value: Any, list_label: str, depth: int) -> Field:
        """One item of a list, labelled by what an item is (the ordered list shows its number)."""
        item = self._field(name, schema, value, True, depth + 1)
        item.label = self._resolve(schema).get("title") or list_label
        if "$ref" in schema:
            item.description = ""  # the list's own hint already says what an item is
        return item

    # --- finding path → what the form calls it ---------------------------------------------

    def where(self, path: str) -> str:
        """``points[0].measures[1].deadline`` → ``第1项答复要点 › 第2项承诺措施 › 完成时限``;
        "" when the path names no field of the schema (the case as a whole)."""
        names: list[str] = []
        node: Mapping[str, Any] = self.schema
        for part in PATH_PART.findall(path):
            node = self._resolve(node)
            if part.startswith("["):
                items = self._resolve(node.get("items", {}))
                list_label = names.pop() if names else ""
                names.append(f"第{int(part[1:-1]) + 1}项{items.get('title') or list_label}")
                node = items
            elif part in node.get("properties", {}):
                prop = node["properties"][part]
                names.append(prop.get("title") or self._resolve(prop).get("title") or part)
                node = prop
            else:
                return " › ".join(names)
        return " › ".join(names)

    # --- form → case JSON ------------------------------------------------------------------

    def parse(self, form: Mapping[str, str] | Any) -> dict[str, Any]:
        """Nested case data from submitted fields; empty fields are left out so that defaults
        apply and missing required fields are reported by the schema."""
        tree: dict[str, Any] = {}
        for name in form.keys():
            if name.startswith("_") or "__i" in name:
                continue
            value = form.get(name)
            if value is None:
                continue
            self._put(tree, name.split("."), value)
        return self._coerce(self.schema, tree)

    @staticmethod
    def _put(tree: dict[str, Any], parts: list[str], value: str) -> None:
        node = tree
        for part in parts[:-1]:
            node = node.setdefault(part, {})
            if not isinstance(node, dict):
                return
        node[parts[-1]] = value

    def _coerce(self, schema: Mapping[str, Any], tree: Any) -> Any:
        schema = self._resolve(schema)
        kind = schema.get("type")
        if kind == "object" or "properties" in schema:
            if not isinstance(tree, dict):
                return tree
            out = {}
            for name, prop in schema.get("properties", {}).items():
                if name in tree:
                    value = self._coerce(prop, tree[name])
                    if value is not None:
                        out[name] = value
                elif self._resolve(prop).get("type") == "boolean" and not self._resolve(prop).get("nullable"):
                    out[name] = False  # an unticked checkbox sends nothing
            return out
        if kind == "array":
            if not isinstance(tree, dict):
                return [] if tree in ("", None) else tree
            keys = sorted((k for k in tree if k.isdigit()), key=int)
            items = [self._coerce(schema.get("items", {}), tree[k]) for k in keys]
            return ["" if i is None else i for i in items]  # an item left empty is reported, not dropped
        if not isinstance(tree, str):
            return tree
        text = tree.strip()
        if text == "":
            return None
        if kind == "boolean":
            return {"true": True, "on": True, "1": True, "false": False, "0": False}.get(text.lower(), text)
        if kind == "integer":
            return int(text) if re.fullmatch(r"-?\d{1,9}", text) else text
        return tree if "\n" in tree else text
