"""Plain SQL for the intake's hot path.

An intake reads three rows and writes five in one transaction; peewee builds
each statement from scratch, which costs more than SQLite's own work. Here
INSERT text is made once per table and column set and reused, and lookups are
written as SQL, while values still go through each field's own conversion.
Each helper takes the database it works on; the model only describes the row.
"""

from __future__ import annotations

import weakref

from peewee import SqliteDatabase

_STATEMENTS: dict[tuple, str] = {}


def insert(db: SqliteDatabase, model, values: dict) -> int:
    """INSERT one row of `model` into `db`; returns its rowid. Call inside a
    write transaction."""
    fields = model._meta.fields
    key = (model._meta.table_name, tuple(values))   # the same text for every store's copy
    statement = _STATEMENTS.get(key)
    if statement is None:
        columns = ", ".join(f'"{fields[name].column_name}"' for name in values)
        marks = ", ".join("?" for _ in values)
        statement = f'INSERT INTO "{model._meta.table_name}" ({columns}) VALUES ({marks})'
        _STATEMENTS[key] = statement
    params = [fields[name].db_value(value) for name, value in values.items()]
    return db.execute_sql(statement, params).lastrowid


def create(db: SqliteDatabase, model, **values):
    """Like `model.create(...)`, through `insert`."""
    row_id = insert(db, model, values)
    instance = model(**values)
    if model._meta.primary_key.name not in values:
        setattr(instance, model._meta.primary_key.name, row_id)
    return instance


def first(db: SqliteDatabase, model, sql: str, *params):
    """The first `model` row that `sql` (a SELECT of whole rows) selects in
    `db`, or None."""
    cursor = db.execute_sql(sql, params)
    row = cursor.fetchone()
    if row is None:
        return None
    fields = _fields_by_column(model)
    return model(**{fields[column[0]].name: fields[column[0]].python_value(value)
                    for column, value in zip(cursor.description, row)})


_COLUMNS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()   # a closed store's models may go


def _fields_by_column(model) -> dict:
    if model not in _COLUMNS:
        _COLUMNS[model] = {field.column_name: field for field in model._meta.sorted_fields}
    return _COLUMNS[model]
