"""The rating screen: a tablet facing the citizen at the counter (law article 7).

An operator opens `/rate` on the tablet once and turns it into the screen of
their counter: the tablet's login ends and it keeps only a cookie (path
/rate/) that reaches this screen and nothing else. The screen shows the
intake the operator has just marked done, asks two questions (the service,
then the staff's behaviour) with five large face buttons each, thanks the
citizen, and waits for the next. No JavaScript: the waiting page reloads
itself.
"""

from __future__ import annotations

import secrets

from flask import Blueprint, current_app, g, redirect, render_template, request, url_for

from edge.digits import to_ascii_digits
from edge.roles import CITIZEN_DATA_ROLES
from edge.users import token_hash
from web.portal import security
from web.portal.access import roles_required
from web.portal.i18n import N_

blueprint = Blueprint("rating_screen", __name__, url_prefix="/rate")

SCREEN_COOKIE = "pk_rating_screen"
SCREEN_PATH = "/rate/"
WAIT_SECONDS = 3      # the waiting page looks for the next intake this often
THANKS_SECONDS = 5
# (score, words, the mouth's curve): drawn as SVG, so no font needs emoji.
FACES = tuple((score, words, (score - 3) * 4) for score, words in (
    (1, N_("Very bad")), (2, N_("Bad")), (3, N_("So-so")), (4, N_("Good")), (5, N_("Excellent"))))
QUESTIONS = {"service": N_("How was the service you received?"),
             "staff": N_("How did our staff treat you?")}


def box():
    return current_app.config["BOX"]


@blueprint.get("")
@roles_required(*CITIZEN_DATA_ROLES)
def start_page():
    return render_template("rate_start.html")


@blueprint.post("/start")
@roles_required(*CITIZEN_DATA_ROLES)
def start():
    """This browser becomes the operator's rating screen and is logged out."""
    token = secrets.token_urlsafe(32)
    screens = box().store.models.RatingScreen
    with box().store.write():
        screens.create(token_hash=token_hash(token), user=g.user.id, created_at=box().clock.now())
        box().events.record(g.user.username, "rating_screen.opened", g.user.username, {})
    security.end_session()
    response = redirect(url_for("rating_screen.screen"), 303)
    response.delete_cookie(security.SESSION_COOKIE, path="/")
    options = {**security.cookie_options(), "path": SCREEN_PATH}
    response.set_cookie(SCREEN_COOKIE, token, max_age=365 * 24 * 3600, **options)
    return response


def screen_operator():
    """The operator whose counter this screen serves, or None."""
    token = request.cookies.get(SCREEN_COOKIE)
    if not token:
        return None
    screens = box().store.models.RatingScreen
    found = screens.get_or_none(screens.token_hash == token_hash(token))
    return found.user if found is not None and found.user.active else None


@blueprint.get("/screen")
def screen():
    operator = screen_operator()
    if operator is None:
        return render_template("rate_screen.html", step="closed"), 403
    if request.args.get("thanks"):
        return render_template("rate_screen.html", step="thanks", refresh=THANKS_SECONDS)
    intake = box().ratings.awaiting_counter_rating(operator.id)
    if intake is None:
        return render_template("rate_screen.html", step="waiting", refresh=WAIT_SECONDS)
    service = _score(request.args.get("service"))
    question = "staff" if service else "service"
    return render_template("rate_screen.html", step=question, intake=intake, service=service,
                           question=QUESTIONS[question], faces=FACES)


@blueprint.post("/screen")
def answer():
    operator = screen_operator()
    if operator is None:
        return render_template("rate_screen.html", step="closed"), 403
    intake = box().ratings.awaiting_counter_rating(operator.id)
    service, staff = _score(request.form.get("service")), _score(request.form.get("staff"))
    if intake is None or intake.tracking_code != request.form.get("intake"):
        return redirect(url_for("rating_screen.screen"), 303)   # rated, or the next one came
    if not (service and staff):
        return redirect(url_for("rating_screen.screen", service=service or None), 303)
    box().ratings.rate_at_counter(intake, service, staff)
    return redirect(url_for("rating_screen.screen", thanks=1), 303)


def _score(raw: str | None) -> int | None:
    value = to_ascii_digits(raw or "").strip()
    return int(value) if value in ("1", "2", "3", "4", "5") else None
