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
