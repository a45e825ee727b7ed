"""Request bodies checked against small JSON Schema documents.

The same schemas describe the API in `/api/v1/openapi.json`, so what is
documented is what is enforced. Only the parts of JSON Schema the API uses
are understood: type, properties, required, additionalProperties, enum,
minLength, maxLength, minimum, maximum.
"""

from __future__ import annotations

from typing import Any

from edge.errors import InvalidInput

_PYTHON_TYPES = {
    "object": dict,
    "string": str,
    "integer": int,
    "boolean": bool,
}


def validate(value: Any, schema: dict, path: str = "") -> None:
    """Raise InvalidInput naming the first place where `value` breaks `schema`."""
    kind = schema.get("type")
    if kind and not _has_type(value, kind):
        if path == "":
            raise InvalidInput("body.not_object")
        raise InvalidInput("field.type", path, field=path, type=kind)
    if "enum" in schema and value not in schema["enum"]:
        raise InvalidInput("field.choice", path, field=path)
    if kind == "string":
        _check_string(value, schema, path)
    elif kind == "integer":
        if value < schema.get("minimum", value) or value > schema.get("maximum", value):
            raise InvalidInput("field.range", path, field=path)
    elif kind == "object":
        _check_object(value, schema, path)


def _has_type(value: Any, kind: str) -> bool:
    if kind == "integer" and isinstance(value, bool):
        return False
    return isinstance(value, _PYTHON_TYPES[kind])


def _check_string(value: str, schema: dict, path: str) -> None:
    if len(value) > schema.get("maxLength", len(value)):
        raise InvalidInput("field.too_long", path, field=path, max=schema["maxLength"])
    if len(value.strip()) < schema.get("minLength", 0):
        raise InvalidInput("field.empty", path, field=path)


def _check_object(value: dict, schema: dict, path: str) -> None:
    properties = schema.get("properties", {})
    for name in schema.get("required", ()):
        if name not in value:
            raise InvalidInput("field.required", _join(path, name), field=_join(path, name))
    extra = schema.get("additionalProperties", True)
    if "maxProperties" in schema and len(value) > schema["maxProperties"]:
        raise InvalidInput("field.range", path or None, field=path)
    for name, item in value.items():
        where = _join(path, name)
        if name in properties:
            validate(item, properties[name], where)
        elif extra is False:
            raise InvalidInput("field.unknown", where, field=where)
        elif isinstance(extra, dict):
            if len(name) > 64:
                raise InvalidInput("field.unknown", where[:80], field=where[:80])
            validate(item, extra, where)


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name
