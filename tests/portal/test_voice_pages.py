"""The citizen's voice on the supervisor's pages."""

from __future__ import annotations

MOBILE = "+989121234567"


def test_a_supervisor_reads_the_replies_that_rated_nothing(portal, supervisor_client):
    portal.box.ratings.take_reply(MOBILE, "ممنون، عالی بود")
    portal.box.ratings.take_reply("+989351112233", "۴")
    page = supervisor_client.get("/reports").text
    replies = page[page.index('id="citizen-replies"'):]
    assert "ممنون، عالی بود" in replies and "نمره نیست" in replies
    assert "درخواستی از این شماره نمره نخواسته است" in replies and "۰۹۳۵۱۱۱۲۲۳۳" in replies


def test_the_rating_screen_needs_its_cookie_and_never_overwrites_a_rating(portal):
    from tests.portal.conftest import Browserish, logged_in, make_intake
    stranger = Browserish(portal.url)
    closed = stranger.get("/rate/screen")
    assert closed.status_code == 403 and "این صفحه باز نشده است" in closed.text
    counter = logged_in(portal, "operator")
    code = make_intake(counter)
    tablet = logged_in(portal, "operator")
    tablet.get("/rate")
    opened = tablet.post("/rate/start")
    assert opened.status_code == 303 and opened.headers["Location"] == "/rate/screen"
    assert tablet.get("/").status_code == 303                    # logged out: to the login page
    for status in ("in_progress", "done"):
        counter.post(f"/intakes/{code}/status", {"status": status})
    intake = portal.box.intakes.get(code)
    portal.box.ratings.take_reply(MOBILE, "2")                  # no SMS asked: not a rating
    question = tablet.get("/rate/screen?service=۳").text         # Persian digits, as typed
    assert "برخورد همکاران ما با شما چگونه بود؟" in question
    assert tablet.post("/rate/screen", {"intake": code, "service": "3", "staff": "9"}
                       ).headers["Location"] == "/rate/screen?service=3"   # asked again
    assert portal.box.ratings.of(intake) is None
    thanks = tablet.post("/rate/screen", {"intake": code, "service": "3", "staff": "4"})
    assert thanks.headers["Location"] == "/rate/screen?thanks=1"
    assert portal.box.ratings.rate_at_counter(intake, 1, 1) is False   # the first answer stands
    rating = portal.box.ratings.of(intake)
    assert (rating.service, rating.staff, rating.channel) == (3, 4, "counter")
    assert "rate-waiting" in tablet.get("/rate/screen").text    # rated: waits for the next
