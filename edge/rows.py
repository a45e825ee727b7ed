"""Plain SQL for the intake's hot path.

An intake reads three rows and writes five in one transaction; peewee builds
each statement from scratch, which costs more than SQLite's own work. Here
INSERT text is made once per model and column set and reused, and lookups are
written as SQL, while values still go through each field's own conversion.
"""

from __future__ import annotations

_STATEMENTS: dict[tuple, str] = {}


def insert(model, values: dict) -> int:
    """INSERT one row of `model`; returns its rowid. Call inside a write transaction."""
    fields = model._meta.fields
    key = (model, tuple(values))
    statement = _STATEMENTS.get(key)
    if statement is None:
        columns = ", ".join(f'"{fields[name].column_name}"' for name in values)
        marks = ", ".join("?" for _ in values)
        statement = f'INSERT INTO "{model._meta.table_name}" ({columns}) VALUES ({marks})'
        _STATEMENTS[key] = statement
    params = [fields[name].db_value(value) for name, value in values.items()]
    return model._meta.database.execute_sql(statement, params).lastrowid


def create(model, **values):
    """Like `model.create(...)`, through `insert`."""
    row_id = insert(model, values)
    instance = model(**values)
    if model._meta.primary_key.name not in values:
        setattr(instance, model._meta.primary_key.name, row_id)
    return instance


def first(model, sql: str, *params):
    """The first `model` row that `sql` (a SELECT of whole rows) selects, or None."""
    cursor = model._meta.database.execute_sql(sql, params)
    row = cursor.fetchone()
    if row is None:
        return None
    fields = _fields_by_column(model)
    return model(**{fields[column[0]].name: fields[column[0]].python_value(value)
                    for column, value in zip(cursor.description, row)})


_COLUMNS: dict[type, dict] = {}


def _fields_by_column(model) -> dict:
    if model not in _COLUMNS:
        _COLUMNS[model] = {field.column_name: field for field in model._meta.sorted_fields}
    return _COLUMNS[model]
