"""Who is asking: server-side login sessions, CSRF tokens, login throttling
and the security headers every response carries (the API's too).

The session cookie holds a random token; the database keeps only its SHA-256,
with the user and the time it was last used, so a login ends after
`session.idle_minutes` of quiet, at logout, or when the user is deactivated.
A fresh token is made at every login (no session fixation). CSRF tokens are
an HMAC of the session (or, before login, of a random pre-login cookie) with
the box's secret key, which is made at first start in the data folder.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import secrets
from datetime import timedelta
from pathlib import Path

from flask import Flask, current_app, g, request

from edge.fields import UtcDateTimeField
from edge.models import User
from edge.users import token_hash

log = logging.getLogger(__name__)

SESSION_COOKIE = "pk_session"
PRELOGIN_COOKIE = "pk_prelogin"
LANG_COOKIE = "pk_lang"
CSRF_FIELD = "csrf_token"
SECRET_FILE = "web-secret.key"
LAST_SEEN_GRANULARITY = timedelta(seconds=30)   # fewer writes: last_seen is coarse
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
       "form-action 'self'; frame-ancestors 'none'")
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}


def load_secret(home: Path) -> bytes:
    """The box's portal secret, made once at first start and kept (0600)."""
    path = Path(home) / SECRET_FILE
    if not path.exists():
        # written whole to a private file first, then linked into place: a power
        # cut leaves no half key, and of two processes starting at once one wins
        draft = path.with_name(f".{SECRET_FILE}.{os.getpid()}")
        fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as out:
            out.write(secrets.token_bytes(32))
            out.flush()
            os.fsync(out.fileno())
        try:
            os.link(draft, path)
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    return path.read_bytes()


def _box():
    return current_app.config["BOX"]


# --- sessions ---------------------------------------------------------------

def start_session(user: User) -> str:
    """A new session for `user`; the caller sets the returned token as the cookie."""
    token = secrets.token_urlsafe(32)
    box = _box()
    now = box.clock.now()
    idle = timedelta(minutes=box.settings["session.idle_minutes"])
    sessions = box.store.models.PortalSession
    with box.store.write():
        # logins left open (a closed browser) go when anyone next logs in
        sessions.delete().where(sessions.last_seen < now - idle).execute()
        sessions.create(token_hash=token_hash(token), user=user.id, created_at=now,
                        last_seen=now, login_epoch=user.login_epoch)
        box.events.record(user.username, "portal.login", user.username, {"ip": client_ip()})
    return token


def end_session() -> None:
    session = getattr(g, "portal_session", None)
    if session is None:
        return
    box = _box()
    sessions = box.store.models.PortalSession
    with box.store.write():
        sessions.delete().where(sessions.id == session.id).execute()
        box.events.record(g.user.username, "portal.logout", g.user.username, {})


def keep_session_after_own_password(user: User) -> None:
    """A user who sets their own password ends their other logins, not this one:
    it moves into the user's new login epoch."""
    session = getattr(g, "portal_session", None)
    if session is None or session.user_id != user.id:
        return
    sessions = _box().store.models.PortalSession
    with _box().store.write():
        sessions.update(login_epoch=user.login_epoch).where(sessions.id == session.id).execute()


# Every page asks this, so it is plain SQL (peewee's query building cost more).
_USER_COLUMNS = ("id", "username", "full_name", "role", "password_hash", "active",
                 "created_at", "card_uid", "login_epoch", "pin_hash")
_SESSION_QUERY = ("SELECT s.id, s.token_hash, s.user_id, s.created_at, s.last_seen, "
                  "s.login_epoch, "
                  + ", ".join(f"u.{column}" for column in _USER_COLUMNS)
                  + " FROM portal_session s JOIN users u ON u.id = s.user_id"
                  " WHERE s.token_hash = ?")
_UTC = UtcDateTimeField()


def load_session() -> None:
    """Sets g.user and g.portal_session from the cookie, or leaves them None;
    g.session_expired tells the login page why the operator is back there."""
    g.user = None
    g.portal_session = None
    g.session_expired = False
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return
    box = _box()
    row = box.store.db.execute_sql(_SESSION_QUERY, (token_hash(token),)).fetchone()
    if row is None:
        # logout deletes the cookie, so an unknown one is a login that ran out
        g.session_expired = True
        return
    sessions = box.store.models.PortalSession
    session = sessions(id=row[0], token_hash=row[1], user=row[2],
                            created_at=_UTC.python_value(row[3]),
                            last_seen=_UTC.python_value(row[4]), login_epoch=row[5])
    user = box.store.models.User(**dict(zip(_USER_COLUMNS, row[6:])))
    user.created_at = _UTC.python_value(user.created_at)
    user._dirty.clear()
    now = box.clock.now()
    idle = timedelta(minutes=box.settings["session.idle_minutes"])
    ended = not user.active or session.login_epoch != user.login_epoch
    if ended or now - session.last_seen > idle:
        with box.store.write():
            sessions.delete().where(sessions.id == session.id).execute()
        g.session_expired = True
        return
    if now - session.last_seen > LAST_SEEN_GRANULARITY:
        with box.store.write():
            sessions.update(last_seen=now).where(sessions.id == session.id).execute()
    g.user = user
    g.portal_session = session


# --- CSRF -------------------------------------------------------------------

def _csrf_subject() -> str:
    if getattr(g, "portal_session", None) is not None:
        return "session:" + g.portal_session.token_hash
    if not getattr(g, "prelogin", None):
        g.prelogin = request.cookies.get(PRELOGIN_COOKIE) or ""
    if not g.prelogin:
        g.prelogin = secrets.token_urlsafe(24)
        g.set_prelogin = True
    return "prelogin:" + g.prelogin


def csrf_token() -> str:
    subject = _csrf_subject()
    cached = g.get("csrf")
    if cached is None or cached[0] != subject:   # every form of a page has the same token
        key = current_app.config["PORTAL_SECRET"]
        cached = g.csrf = (subject, hmac.new(key, subject.encode(), hashlib.sha256).hexdigest())
    return cached[1]


def csrf_ok() -> bool:
    sent = request.form.get(CSRF_FIELD, "")
    # as bytes: compare_digest refuses str with non-ASCII characters (a Persian keyboard)
    return bool(sent) and hmac.compare_digest(sent.encode("utf-8", "replace"),
                                              csrf_token().encode())


# --- login throttling -------------------------------------------------------

class LoginThrottle:
    """A growing wait after repeated failures, per username and address, capped,
    kept in the box's database (a restart forgets nothing).

    Every failure counts, a try made while waiting too. The key includes the
    client's address, so someone guessing the operator's password from one
    machine, however patiently, locks out only that machine: the operator's
    right password from the counter's own machine goes through. A second key
    per address alone slows someone trying many usernames.
    """

    def __init__(self, store, clock, free_tries: int = 3, first_wait: int = 2,
                 max_wait: int = 60, per_address_free: int = 20,
                 forget_after: timedelta = timedelta(days=1)):
        self.store = store
        self.clock = clock
        self.free_tries = free_tries
        self.first_wait = first_wait
        self.max_wait = max_wait
        self.per_address_free = per_address_free
        self.forget_after = forget_after

    def _keys(self, username: str, address: str) -> tuple[str, str]:
        return f"user {username.strip().lower()} {address}", f"address {address}"

    def _wait_for(self, key: str, free: int, now: float) -> int:
        failures = self.store.models.LoginFailure
        entry = failures.get_or_none(failures.key == key)
        if entry is None or entry.count < free:
            return 0
        wait = min(self.first_wait * 2 ** min(entry.count - free, 16), self.max_wait)
        left = min(wait, wait - (now - entry.last_at))   # a clock set back waits no longer
        return max(0, int(left + 0.999))

    def wait_seconds(self, username: str, address: str) -> int:
        """Seconds before this username may try again from this address."""
        user_key, address_key = self._keys(username, address)
        now = self.clock.now().timestamp()
        return max(self._wait_for(user_key, self.free_tries, now),
                   self._wait_for(address_key, self.per_address_free, now))

    def refused(self, username: str, address: str) -> int:
        """The wait this try must respect (0: go on); a try while waiting is a failure."""
        wait = self.wait_seconds(username, address)
        if wait:
            self.failed(username, address)
        return wait

    def failed(self, username: str, address: str) -> None:
        now = self.clock.now().timestamp()
        failures = self.store.models.LoginFailure
        with self.store.write():
            failures.delete().where(
                failures.last_at < now - self.forget_after.total_seconds()).execute()
            for key in self._keys(username, address):
                (failures.insert(key=key, count=1, last_at=now)
                 .on_conflict(conflict_target=[failures.key],
                              update={failures.count: failures.count + 1,
                                      failures.last_at: now})
                 .execute())

    def succeeded(self, username: str, address: str) -> None:
        failures = self.store.models.LoginFailure
        with self.store.write():
            failures.delete().where(failures.key == self._keys(username, address)[0]).execute()


def client_ip() -> str:
    return request.remote_addr or "?"


# --- wiring -----------------------------------------------------------------

def cookie_options() -> dict:
    return {"httponly": True, "samesite": "Strict", "path": "/",
            "secure": current_app.config.get("SESSION_COOKIE_SECURE", False)}


def add_headers(response):
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    if not request.path.startswith("/static/"):
        response.headers.setdefault("Cache-Control", "no-store")
    if getattr(g, "set_prelogin", False):
        response.set_cookie(PRELOGIN_COOKIE, g.prelogin, **cookie_options())
    return response


def init_app(app: Flask, box) -> None:
    app.config.setdefault("PORTAL_SECRET", load_secret(box.home))
    app.secret_key = app.config["PORTAL_SECRET"]
    app.extensions["login_throttle"] = LoginThrottle(box.store, box.clock)
    app.after_request(add_headers)
