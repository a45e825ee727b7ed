"""Satisfaction ratings (law article 7): by SMS reply to the done text, or at
the counter (two answers: the service and the staff's behaviour). One
rating per intake; the first answer stands.

A reply is a rating when its whole text is one digit 1 to 5 (Persian,
Arabic-Indic or ASCII; spaces and a trailing dot allowed). It rates the
latest done intake of that mobile number that asked for a rating and has
none yet, if it asked within the window; otherwise the reply is kept as
late, unmatched or (when every asking intake is rated) duplicate. A reply
that is none of these is kept as unreadable. Nothing is dropped.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from peewee import JOIN

from edge.digits import to_ascii_digits
from edge.errors import InvalidInput
from edge.events import EventLog
from edge.fields import utc_text

_RATING = re.compile(r"\s*([1-5])\s*\.?\s*")
CHANNELS = ("sms", "counter")
SCORES = range(1, 6)
# The counter's screen offers an intake this long after the operator marked it done.
COUNTER_WINDOW = timedelta(minutes=30)


def parse_rating(text: str) -> int | None:
    """1..5 when the whole text is one such digit, else None ("11" is None)."""
    found = _RATING.fullmatch(to_ascii_digits(text))
    return int(found.group(1)) if found else None


def rating_json(rating) -> dict | None:
    """What the API shows of an intake's rating."""
    if rating is None:
        return None
    return {"service": rating.service, "staff": rating.staff, "channel": rating.channel,
            "at": utc_text(rating.at)}


class RatingBook:
    def __init__(self, store, events: EventLog, clock, sms_window_days: int = 7):
        self.store = store
        self.events = events
        self.clock = clock
        self.window = timedelta(days=sms_window_days)
        models = store.models
        self._requests, self._ratings, self._replies = (
            models.RatingRequest, models.Rating, models.CitizenReply)

    def asked(self, intake) -> None:
        """The done SMS asking for a rating is queued (inside the intake's transaction)."""
        with self.store.write():
            requests = self._requests
            if not requests.select().where(requests.intake == intake.id).exists():
                requests.create(intake=intake.id, mobile=intake.mobile, asked_at=self.clock.now())

    def of(self, intake):
        return self._ratings.get_or_none(self._ratings.intake == intake.id)

    def take_reply(self, sender: str, text: str, received_at: datetime | None = None) -> str:
        """Keep one SMS reply from `sender` (a normalised mobile number) and
        rate with it when it is a rating that matches; returns the outcome."""
        received_at = received_at or self.clock.now()
        score = parse_rating(text)
        with self.store.write():
            intake, outcome = (None, "unreadable") if score is None else self._match(sender,
                                                                                    received_at)
            if outcome == "rated":
                self._rate(intake, score, None, "sms", received_at)
            self._replies.create(sender=sender, text=text, received_at=received_at,
                                 outcome=outcome, intake=intake)
        return outcome

    def _match(self, mobile: str, at: datetime) -> tuple[int | None, str]:
        requests, ratings = self._requests, self._ratings
        unrated = (requests.select().join(ratings, on=(ratings.intake == requests.intake),
                                          join_type=JOIN.LEFT_OUTER)
                   .where((requests.mobile == mobile) & ratings.id.is_null())
                   .order_by(requests.asked_at.desc(), requests.id.desc()).first())
        if unrated is not None:
            within = unrated.asked_at >= at - self.window
            return unrated.intake_id, "rated" if within else "late"
        if requests.select().where(requests.mobile == mobile).exists():
            return None, "duplicate"
        return None, "unmatched"

    def _rate(self, intake_id: int, service: int, staff: int | None, channel: str,
              at: datetime) -> None:
        rating = self._ratings.create(intake=intake_id, service=service, staff=staff,
                                      channel=channel, at=at)
        code = rating.intake.tracking_code
        self.events.record("citizen", "rating.recorded", code,
                           {"service": service, "staff": staff, "channel": channel},
                           "rating.recorded", {"tracking_code": code, **rating_json(rating)})

    def awaiting_counter_rating(self, operator_id: int):
        """The intake this operator marked done last, within the counter's
        window, if nobody has rated it yet (the citizen is still at the desk)."""
        models = self.store.models
        change, intake, ratings = models.IntakeStatusChange, models.Intake, self._ratings
        since = self.clock.now() - COUNTER_WINDOW
        latest = (change.select(change.intake).where(
            (change.user == operator_id) & (change.to_status == "done") & (change.at >= since))
            .order_by(change.at.desc(), change.id.desc()).first())
        if latest is None or ratings.select().where(ratings.intake == latest.intake_id).exists():
            return None
        return intake.get_by_id(latest.intake_id)

    def rate_at_counter(self, intake, service: int, staff: int) -> bool:
        """The citizen's two answers on the counter's screen; False when the
        intake already has a rating (it stands)."""
        if service not in SCORES or staff not in SCORES:
            raise InvalidInput("field.range", "rating")
        with self.store.write():
            if self.of(intake) is not None:
                return False
            self._rate(intake.id, service, staff, "counter", self.clock.now())
        return True

    def replies(self, outcomes=("late", "unmatched", "duplicate", "unreadable"), limit=100):
        """Replies that rated nothing, newest first: the box keeps them for a person to read."""
        replies = self._replies
        return list(replies.select().where(replies.outcome.in_(outcomes))
                    .order_by(replies.id.desc()).limit(limit))
