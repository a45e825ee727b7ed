"""The core's ordered migrations. Append, never edit a released one: a box in
the field upgrades in place from whatever version made its file."""

from __future__ import annotations

from edge.db import run_sql
from edge.models import MODELS  # noqa: F401  (the Store binds them)

NAME = "edge"

_V1_INITIAL = run_sql(
    """CREATE TABLE office (
        id INTEGER PRIMARY KEY,
        code TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL,
        licence_number TEXT NOT NULL,
        licence_status TEXT NOT NULL DEFAULT 'active'
            CHECK (licence_status IN ('active', 'suspended', 'revoked', 'expired')),
        licence_expires TEXT,
        kind TEXT NOT NULL DEFAULT 'fixed' CHECK (kind IN ('fixed', 'mobile')))""",
    """CREATE TABLE users (
        id INTEGER PRIMARY KEY,
        username TEXT NOT NULL UNIQUE,
        full_name TEXT NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('operator', 'supervisor', 'technician')),
        password_hash TEXT NOT NULL,
        active INTEGER NOT NULL DEFAULT 1,
        created_at TEXT NOT NULL)""",
    """CREATE TABLE service (
        id INTEGER PRIMARY KEY,
        code TEXT NOT NULL UNIQUE,
        name_fa TEXT NOT NULL,
        name_en TEXT NOT NULL,
        agency TEXT NOT NULL,
        fields TEXT NOT NULL DEFAULT '[]',
        confidential INTEGER NOT NULL DEFAULT 0,
        sla_hours INTEGER NOT NULL,
        offered INTEGER NOT NULL DEFAULT 1)""",
    """CREATE TABLE tariff (
        id INTEGER PRIMARY KEY,
        service_id INTEGER NOT NULL REFERENCES service (id),
        fee_rials INTEGER NOT NULL CHECK (fee_rials >= 0),
        effective_from TEXT NOT NULL,
        version TEXT NOT NULL,
        UNIQUE (service_id, effective_from))""",
    """CREATE TABLE intake (
        id INTEGER PRIMARY KEY,
        tracking_code TEXT NOT NULL UNIQUE,
        service_id INTEGER NOT NULL REFERENCES service (id),
        tariff_id INTEGER NOT NULL REFERENCES tariff (id),
        fee_rials INTEGER NOT NULL,
        tariff_version TEXT NOT NULL,
        national_code TEXT NOT NULL,
        full_name TEXT NOT NULL,
        mobile TEXT NOT NULL,
        fields TEXT NOT NULL DEFAULT '{}',
        payment_method TEXT NOT NULL CHECK (payment_method IN ('cash', 'card')),
        payment_reference TEXT NOT NULL DEFAULT '',
        status TEXT NOT NULL DEFAULT 'received'
            CHECK (status IN ('received', 'in_progress', 'done', 'cancelled')),
        operator_id INTEGER NOT NULL REFERENCES users (id),
        created_at TEXT NOT NULL,
        hlc INTEGER NOT NULL)""",
    "CREATE INDEX intake_national_code ON intake (national_code)",
    "CREATE INDEX intake_mobile ON intake (mobile)",
    "CREATE INDEX intake_created_at ON intake (created_at)",
    """CREATE TABLE intake_status_change (
        id INTEGER PRIMARY KEY,
        intake_id INTEGER NOT NULL REFERENCES intake (id),
        from_status TEXT,
        to_status TEXT NOT NULL,
        reason TEXT NOT NULL DEFAULT '',
        user_id INTEGER NOT NULL REFERENCES users (id),
        at TEXT NOT NULL,
        hlc INTEGER NOT NULL)""",
    "CREATE INDEX intake_status_change_intake ON intake_status_change (intake_id)",
    """CREATE TABLE audit_entry (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        hlc INTEGER NOT NULL,
        actor TEXT NOT NULL,
        action TEXT NOT NULL,
        subject TEXT NOT NULL,
        details TEXT NOT NULL DEFAULT '{}',
        prev_hash TEXT NOT NULL,
        hash TEXT NOT NULL)""",
    """CREATE TABLE outbox_record (
        seq INTEGER PRIMARY KEY,
        event_type TEXT NOT NULL,
        hlc INTEGER NOT NULL,
        created_at TEXT NOT NULL,
        sealing TEXT NOT NULL,
        body BLOB NOT NULL,
        acked_at TEXT)""",
    """CREATE TABLE device_state (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL)""",
)

# Version 2: mobile offices record where each intake was taken; cards can log
# operators in; API clients get bearer tokens.
_V2_LOCATION_CARDS_TOKENS = run_sql(
    "ALTER TABLE intake ADD COLUMN location TEXT NOT NULL DEFAULT ''",
    "ALTER TABLE users ADD COLUMN card_uid TEXT",
    "CREATE UNIQUE INDEX users_card_uid ON users (card_uid)",
    """CREATE TABLE api_token (
        id INTEGER PRIMARY KEY,
        token_hash TEXT NOT NULL UNIQUE,
        user_id INTEGER NOT NULL REFERENCES users (id),
        created_at TEXT NOT NULL,
        expires_at TEXT NOT NULL)""",
)



def _v3_waiting_statuses(db) -> None:
    """Intakes may wait on the citizen or the agency. SQLite cannot alter a
    CHECK, and rebuilding the table needs foreign keys off, which cannot be
    done inside the migration's transaction; a wider CHECK leaves every
    stored row valid, the case SQLite documents editing the schema text for
    (https://www.sqlite.org/lang_altertable.html#otheralter)."""
    old = "CHECK (status IN ('received', 'in_progress', 'done', 'cancelled'))"
    new = ("CHECK (status IN ('received', 'in_progress', 'waiting_citizen', 'waiting_agency',"
           " 'done', 'cancelled'))")
    version = db.execute_sql("PRAGMA schema_version").fetchone()[0]
    db.execute_sql("PRAGMA writable_schema = ON")
    db.execute_sql("UPDATE sqlite_master SET sql = replace(sql, ?, ?) "
                   "WHERE type = 'table' AND name = 'intake'", (old, new))
    db.execute_sql(f"PRAGMA schema_version = {version + 1}")   # other connections reload it
    db.execute_sql("PRAGMA writable_schema = OFF")


# Version 4: a new password or a deactivation ends every login of the user:
# tokens are deleted, and portal sessions hold the epoch they began in.
_V4_LOGIN_EPOCH = run_sql(
    "ALTER TABLE users ADD COLUMN login_epoch INTEGER NOT NULL DEFAULT 0",
    "CREATE INDEX api_token_user ON api_token (user_id)",
)

# Version 5: a short PIN, hashed like a password, for logging in with a card.
_V5_CARD_PIN = run_sql("ALTER TABLE users ADD COLUMN pin_hash TEXT")

MIGRATIONS = [_V1_INITIAL, _V2_LOCATION_CARDS_TOKENS, _v3_waiting_statuses, _V4_LOGIN_EPOCH,
              _V5_CARD_PIN]
