"""peewee fields the box's models share."""

from __future__ import annotations

import json
from datetime import datetime, timezone

from peewee import TextField


class UtcDateTimeField(TextField):
    """An aware datetime kept as ISO 8601 UTC text, which sorts as time does."""

    field_type = "TEXT"

    def db_value(self, value: datetime | None) -> str | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: the box stores only aware UTC times")
        return value.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")

    def python_value(self, value: str | None) -> datetime | None:
        if value is None:
            return None
        return datetime.strptime(value, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=timezone.utc)


def utc_text(moment: datetime) -> str:
    return UtcDateTimeField().db_value(moment)


class JsonField(TextField):
    def db_value(self, value) -> str | None:
        if value is None:
            return None
        return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))

    def python_value(self, value: str | None):
        return None if value is None else json.loads(value)
