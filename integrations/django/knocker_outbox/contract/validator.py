"""A validator for the part of JSON Schema (draft 2020-12) that Knocker's contract uses.

The shipped schema is generated from Knocker's zod contract, which emits a small, fixed set
of keywords. Supporting exactly those keeps the package free of dependencies; a schema that
uses any other keyword is refused when it is loaded, so a contract that grows a new keyword
fails loudly in the tests instead of being half-checked.
"""

from __future__ import annotations

import re
from datetime import datetime
from urllib.parse import urlsplit

SUPPORTED_KEYWORDS = frozenset(
    {
        "$schema",
        "type",
        "properties",
        "required",
        "anyOf",
        "oneOf",
        "const",
        "enum",
        "default",
        "format",
        "items",
        "maxItems",
        "minItems",
        "maxLength",
        "minLength",
        "maximum",
        "minimum",
        "pattern",
    }
)
SUPPORTED_FORMATS = frozenset({"date-time", "uri"})


class UnsupportedSchema(Exception):
    """The schema uses a keyword or format this validator does not implement."""


def check_supported(schema, path="#"):
    """Raise UnsupportedSchema naming the first keyword or format outside the supported set."""
    if not isinstance(schema, dict):
        raise UnsupportedSchema(f"{path}: a schema must be an object")
    for key, value in schema.items():
        if key not in SUPPORTED_KEYWORDS:
            raise UnsupportedSchema(f"{path}: keyword {key!r} is not supported")
        if key == "format" and value not in SUPPORTED_FORMATS:
            raise UnsupportedSchema(f"{path}: format {value!r} is not supported")
        if key == "properties":
            for name, sub in value.items():
                check_supported(sub, f"{path}/properties/{name}")
        elif key in ("anyOf", "oneOf"):
            for i, sub in enumerate(value):
                check_supported(sub, f"{path}/{key}/{i}")
        elif key == "items":
            check_supported(value, f"{path}/items")


def _type_ok(value, expected):
    if expected == "object":
        return isinstance(value, dict)
    if expected == "array":
        return isinstance(value, list)
    if expected == "string":
        return isinstance(value, str)
    if expected == "boolean":
        return isinstance(value, bool)
    if expected == "null":
        return value is None
    if expected == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if expected == "number":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    raise UnsupportedSchema(f"type {expected!r} is not supported")


def _describe(value):
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "an object"
    return f"a Python {type(value).__name__} (not JSON)"


_pattern_cache: dict[str, re.Pattern] = {}


def _pattern(source):
    compiled = _pattern_cache.get(source)
    if compiled is None:
        compiled = _pattern_cache[source] = re.compile(source, re.ASCII)
    return compiled


def _format_ok(value, fmt):
    if fmt == "uri":
        parts = urlsplit(value)
        return bool(parts.scheme and parts.netloc) and not any(c.isspace() for c in value)
    if fmt == "date-time":
        try:
            datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return False
        return True
    raise UnsupportedSchema(f"format {fmt!r} is not supported")


def _join(path, key):
    return f"{path}.{key}" if path else str(key)


def validate(value, schema, path="", strict_properties=True):
    """Every way `value` breaks `schema`, as a list of (path, message); empty when it conforms.

    With strict_properties, an object may not carry a property its schema doesn't name: the
    receiver would drop it, so sending one is a mistake (and could leak data, such as a
    reporter's contact, that must never leave the host app).
    """
    errors = []
    if "anyOf" in schema or "oneOf" in schema:
        branches = schema.get("anyOf") or schema.get("oneOf")
        results = [validate(value, b, path, strict_properties) for b in branches]
        passing = sum(1 for r in results if not r)
        if "oneOf" in schema and passing > 1:
            errors.append((path or "(root)", "matches more than one of the allowed shapes"))
        if passing == 0:
            errors.extend(_closest_failure(value, branches, results, path))
        return errors

    expected = schema.get("type")
    if expected is not None and not _type_ok(value, expected):
        return [(path or "(root)", f"expected {expected}, got {_describe(value)}")]
    if "const" in schema and value != schema["const"]:
        errors.append((path or "(root)", f"must be {schema['const']!r}"))
    if "enum" in schema and value not in schema["enum"]:
        errors.append((path or "(root)", f"must be one of {', '.join(map(repr, schema['enum']))}"))

    if isinstance(value, str):
        if "minLength" in schema and len(value) < schema["minLength"]:
            errors.append((path, f"must be at least {schema['minLength']} characters"))
        if "maxLength" in schema and len(value) > schema["maxLength"]:
            errors.append((path, f"must be at most {schema['maxLength']} characters (is {len(value)})"))
        if "pattern" in schema and not _pattern(schema["pattern"]).search(value):
            errors.append((path, f"is not in the expected form ({schema.get('format', 'pattern')})"))
        elif "format" in schema and not _format_ok(value, schema["format"]):
            errors.append((path, f"must be a valid {schema['format']}"))
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        if "minimum" in schema and value < schema["minimum"]:
            errors.append((path, f"must be at least {schema['minimum']}"))
        if "maximum" in schema and value > schema["maximum"]:
            errors.append((path, f"must be at most {schema['maximum']}"))
    elif isinstance(value, list):
        if "minItems" in schema and len(value) < schema["minItems"]:
            errors.append((path, f"must hold at least {schema['minItems']} items"))
        if "maxItems" in schema and len(value) > schema["maxItems"]:
            errors.append((path, f"must hold at most {schema['maxItems']} items"))
        if "items" in schema:
            for i, item in enumerate(value):
                errors.extend(validate(item, schema["items"], _join(path, i), strict_properties))
    elif isinstance(value, dict):
        properties = schema.get("properties", {})
        for name in schema.get("required", []):
            if name not in value:
                errors.append((_join(path, name), "is required"))
        for name, item in value.items():
            if not isinstance(name, str):
                errors.append((path or "(root)", f"has a key that is not a string: {name!r}"))
            elif name in properties:
                errors.extend(validate(item, properties[name], _join(path, name), strict_properties))
            elif strict_properties and "properties" in schema:
                errors.append((_join(path, name), "is not part of the contract"))
    return errors


def _closest_failure(value, branches, results, path):
    """Explain a value that fits none of the branches by the branch it came closest to.

    For the top-level union of event types that is the branch whose `event` constant the
    value carries; a value naming no known branch gets the list of allowed constants.
    """
    discriminator = _discriminator(branches)
    if isinstance(value, dict) and discriminator is not None:
        key, allowed = discriminator
        for constant, result in zip(allowed, results):
            if value.get(key) == constant:
                return result
        return [(_join(path, key), f"must be one of {', '.join(map(repr, allowed))}")]
    return min(results, key=len)


def _discriminator(branches):
    """The property each branch pins to a different constant, and those constants (or None)."""
    common = None
    for b in branches:
        consts = {k for k, s in b.get("properties", {}).items() if "const" in s}
        common = consts if common is None else common & consts
    for key in sorted(common or ()):
        allowed = [b["properties"][key]["const"] for b in branches]
        if len(set(map(repr, allowed))) == len(allowed):
            return key, allowed
    return None
