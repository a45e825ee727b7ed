"""Free text people type (names, reasons, a service's fields): what the box
accepts. Invisible control characters are refused, not stripped: a NUL cuts
a name short in C code at the centre, and a right-to-left override (U+202E)
makes a name or a reason read differently from what it holds. The zero-width
non-joiner that Persian needs (U+200C) is ordinary text."""

from __future__ import annotations

import re

from edge.errors import InvalidInput

# C0 controls (tab, line feed and carriage return are spacing, kept), DEL, C1
# controls, and the bidirectional embeddings, overrides and isolates.
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def refuse_control_characters(value: str, field_name: str) -> str:
    """`value` unchanged, or InvalidInput naming the field."""
    if CONTROL.search(value):
        raise InvalidInput("field.control", field_name, field=field_name)
    return value
