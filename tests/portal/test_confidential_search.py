"""A confidential intake cannot be found by the citizen's national code or
mobile, through the search the portal and the API offer, by any role, and
every list that shows it (search results, the work queue) shows the mask."""

from __future__ import annotations

import pytest

from tests.conftest import login
from tests.portal.conftest import logged_in, make_intake

CODE, CODE_PERSIAN = "4608968882", "۴۶۰۸۹۶۸۸۸۲"
NAME = "مرجان‌نشان محرمانه"
MOBILE, MOBILE_PERSIAN = "09357654321", "۰۹۳۵۷۶۵۴۳۲۱"
SECRETS = (CODE, CODE_PERSIAN, NAME, MOBILE, MOBILE_PERSIAN, "9357654321")


@pytest.fixture
def hidden(portal):
    """The same citizen twice: a confidential SANA registration and a parcel."""
    client = logged_in(portal, "operator")
    sana = make_intake(client, service_code="SANA-REG", national_code=CODE_PERSIAN,
                       full_name=NAME, mobile=MOBILE_PERSIAN)
    parcel = make_intake(client, national_code=CODE, full_name=NAME, mobile=MOBILE)
    return sana, parcel


@pytest.mark.parametrize("role", ["operator", "supervisor"])
def test_the_portal_search_finds_only_the_plain_intake_of_that_citizen(portal, hidden, role):
    sana, parcel = hidden
    client = logged_in(portal, role)
    for query in (f"national_code={CODE}", f"mobile={MOBILE}"):
        page = client.get("/intakes?" + query).text
        assert parcel in page and sana not in page, query
    listed = client.get("/intakes?service=SANA-REG").text
    assert sana in listed and "●" in listed
    for secret in SECRETS:
        assert secret not in listed
    queue = client.get("/").text
    assert sana in queue
    assert NAME not in queue.split(sana)[1].split("</tr>")[0]   # its row shows the mask


def test_the_api_search_finds_only_the_plain_intake_and_lists_the_mask(portal, hidden):
    sana, parcel = hidden
    api = login(portal.url, "supervisor", portal.passwords["supervisor"])
    for query in (f"national_code={CODE}", f"mobile={MOBILE}"):
        found = api.get("/api/v1/intakes?" + query).json()
        assert [item["tracking_code"] for item in found["intakes"]] == [parcel], query
    listed = api.get("/api/v1/intakes?service_code=SANA-REG").json()["intakes"]
    assert [item["tracking_code"] for item in listed] == [sana]
    assert NAME not in str(listed) and CODE not in str(listed) and "●" in str(listed)
