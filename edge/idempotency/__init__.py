"""One intake per submission: a client's `Idempotency-Key` (IETF httpapi
draft "The Idempotency-Key HTTP Header Field") and the portal's one-time
form token both name a submission.

The key is looked up and stored inside the intake's own write transaction,
under the store's one writer: a crash cannot keep the intake and lose its key,
and a repeat that arrives while the first is being written waits for the
writer, then finds the key and answers with the first intake. A key sent
again with another request is refused (422), so a client bug cannot pass
for a retry. Keys are kept for KEEP and purged as new ones are stored.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta

from edge import plain_sql
from edge.errors import InvalidInput, Unprocessable
from edge.fields import utc_text
from edge.models import Intake, User

KEEP = timedelta(hours=24)
MAX_KEY = 255


@dataclass(frozen=True)
class Submission:
    """One submission by one user: its key and the request it carried."""
    user: User
    key: str
    fingerprint: str


def submission(user: User, key: str, request) -> Submission:
    """The submission of `request` (a dataclass) under `key`, checked."""
    if not (0 < len(key) <= MAX_KEY and key.isascii() and key.isprintable()):
        raise InvalidInput("idempotency.key_invalid", "Idempotency-Key", max=MAX_KEY)
    return Submission(user, key, fingerprint(request))


def fingerprint(request) -> str:
    """The request's content, whatever order its JSON keys came in."""
    canonical = json.dumps(asdict(request), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def earlier_intake(store, sent: Submission) -> Intake | None:
    """The intake this submission already made, or None when it is new."""
    stored = plain_sql.first(store.db, store.models.IdempotencyKey,
                        "SELECT * FROM idempotency_key WHERE user_id = ? AND key = ?",
                        sent.user.id, sent.key)
    if stored is None:
        return None
    if stored.fingerprint != sent.fingerprint:
        raise Unprocessable("idempotency.key_reused", "Idempotency-Key")
    return store.models.Intake.get_by_id(stored.intake_id)


def remember(store, sent: Submission, intake: Intake, at: datetime) -> None:
    """Keep the key with its intake (inside the intake's transaction), and
    let go of keys older than KEEP."""
    store.db.execute_sql("DELETE FROM idempotency_key WHERE created_at < ?",
                         (utc_text(at - KEEP),))
    plain_sql.insert(store.db, store.models.IdempotencyKey,
                {"user": sent.user, "key": sent.key, "fingerprint": sent.fingerprint,
                 "intake": intake, "created_at": at})
