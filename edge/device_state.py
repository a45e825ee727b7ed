"""Small durable values of the box: counters and the last clock reading."""

from __future__ import annotations

from edge.models import DeviceState


def get(key: str, default: str | None = None) -> str | None:
    row = DeviceState.get_or_none(DeviceState.key == key)
    return row.value if row else default


def put(key: str, value: str) -> None:
    DeviceState.insert(key=key, value=value).on_conflict_replace().execute()


def next_number(key: str) -> int:
    """1, 2, 3, ... per key; call inside a write transaction."""
    number = int(get(key, "0")) + 1
    put(key, str(number))
    return number
