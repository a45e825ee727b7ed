"""The counter's work through the forms, on a real server: a new intake, its
detail, status changes, cancellation, the receipt and the search."""

from __future__ import annotations

from types import SimpleNamespace

from edge.digits import to_persian_digits
from edge.parts import Parts
from tests.portal.conftest import INTAKE, field_error, input_value, logged_in, make_intake


def test_new_intake_lists_services_with_fees_and_shows_the_services_own_fields(operator_client):
    chooser = operator_client.get("/intakes/new").text
    assert "ارسال مرسولهٔ پستی" in chooser and "۷۸۰٬۰۰۰ ریال" in chooser
    form = operator_client.get("/intakes/new?service=POST-PARCEL").text
    assert "کد پستی مقصد" in form and "وزن (گرم)" in form
    assert 'name="fields.postcode"' in form and "۷۸۰٬۰۰۰ ریال" in form
    assert 'name="fee' not in form                       # an operator cannot type a fee
    assert operator_client.get("/intakes/new?service=NOPE").status_code == 303


def test_an_intake_in_persian_digits_is_saved_with_the_tariff_and_queued(portal, operator_client):
    Intake = portal.box.store.models.Intake
    OutboxRecord = portal.box.store.models.OutboxRecord
    code = make_intake(operator_client)
    intake = Intake.get(Intake.tracking_code == code)
    assert intake.national_code == "0013542419" and intake.mobile == "+989121234567"
    assert intake.fields == {"postcode": "1234567890", "weight_grams": "500"}
    assert intake.fee_rials == 780_000 and intake.operator.username == "operator"
    assert OutboxRecord.select().where(OutboxRecord.event_type == "intake.created").count() == 1
    page = operator_client.get(f"/intakes/{code}?done=saved").text
    assert "درخواست ثبت شد" in page and "زهرا احمدی" in page


def test_a_form_with_mistakes_comes_back_with_input_kept_and_messages_by_the_fields(
        portal, operator_client):
    operator_client.get("/intakes/new?service=POST-PARCEL")
    response = operator_client.post("/intakes/new", {
        **INTAKE, "national_code": "۰۰۱۳۵۴۲۴۱۸", "mobile": "۰۲۱۱۲۳۴", "full_name": "",
        "fields.weight_grams": "پانصد", "payment.method": "card"})
    assert response.status_code == 400
    html = response.text
    assert field_error(html, "national_code").startswith("رقم کنترل کد ملی درست نیست")
    assert field_error(html, "mobile") == "شمارهٔ همراه باید به شکل ۰۹xxxxxxxxx باشد."
    assert field_error(html, "full_name") == "نام و نام خانوادگی متقاضی را بنویسید."
    assert field_error(html, "fields.weight_grams") == "فیلد «وزن (گرم)» باید عدد صحیح باشد."
    assert "شمارهٔ پیگیری" in field_error(html, "payment.reference")
    assert field_error(html, "fields.postcode") == ""
    assert input_value(html, "national_code") == "۰۰۱۳۵۴۲۴۱۸"
    assert input_value(html, "fields.postcode") == "۱۲۳۴۵۶۷۸۹۰"
    assert 'value="card" id="pay-card" checked' in html
    assert portal.box.store.models.Intake.select().count() == 0 and portal.box.store.models.OutboxRecord.select().count() == 0


def test_required_service_field_and_card_payment_with_reference(portal, operator_client):
    Intake = portal.box.store.models.Intake
    operator_client.get("/intakes/new?service=DRIVING-RENEW")
    missing = operator_client.post("/intakes/new", {
        **INTAKE, "service_code": "DRIVING-RENEW", "fields.licence_number": ""})
    assert field_error(missing.text, "fields.licence_number") == "فیلد «شمارهٔ گواهینامه» لازم است."
    card = {"payment.method": "card", "payment.reference": "۱۲۳۴۵۶۷۸۹۰۱۲",
            "payment.card_last4": "۶۰۳۷"}
    code = make_intake(operator_client, service_code="DRIVING-RENEW",
                       **{"fields.licence_number": "٩٨٧٦٥٤", **card})
    intake = Intake.get(Intake.tracking_code == code)
    assert intake.payment_method == "card" and intake.payment_reference == "123456789012"
    assert intake.fields == {"licence_number": "987654"}
    repeated = operator_client.post("/intakes/new", {**INTAKE, **card})
    assert repeated.status_code == 400
    assert field_error(repeated.text, "payment.reference") == (
        f"این شمارهٔ مرجع امروز برای درخواست {code} ثبت شده است؛ رسید پایانه را دوباره بررسی کنید.")
    short = operator_client.post("/intakes/new", {**INTAKE, **card, "payment.reference": "۱۲۳",
                                                  "payment.card_last4": ""})
    assert field_error(short.text, "payment.reference") == (
        "شمارهٔ مرجع پایانه (RRN) باید ۱۲ رقم باشد.")
    assert field_error(short.text, "payment.card_last4") == "چهار رقم آخر کارت را بنویسید."
    assert Intake.select().count() == 1


def test_status_changes_and_cancellation_needs_a_reason(portal, operator_client):
    Intake = portal.box.store.models.Intake
    IntakeStatusChange = portal.box.store.models.IntakeStatusChange
    code = make_intake(operator_client)
    detail = operator_client.get(f"/intakes/{code}").text
    assert 'id="to-in_progress"' in detail and 'id="cancel-intake"' in detail
    assert operator_client.post(f"/intakes/{code}/status",
                                {"status": "in_progress"}).status_code == 303
    assert Intake.get(Intake.tracking_code == code).status == "in_progress"
    refused = operator_client.post(f"/intakes/{code}/cancel", {"reason": "  "})
    assert refused.status_code == 400
    assert field_error(refused.text, "reason") == "برای لغو درخواست، دلیل آن را بنویسید."
    assert operator_client.post(f"/intakes/{code}/cancel",
                                {"reason": "متقاضی منصرف شد"}).status_code == 303
    page = operator_client.get(f"/intakes/{code}").text
    assert "لغوشده" in page and "متقاضی منصرف شد" in page and 'id="cancel-intake"' not in page
    late = operator_client.post(f"/intakes/{code}/status", {"status": "done"})
    assert late.status_code == 409 and "را نمی‌توان به" in late.text
    reasons = [c.reason for c in IntakeStatusChange.select().order_by(IntakeStatusChange.id)]
    assert reasons == ["", "", "متقاضی منصرف شد"]


def test_receipt_can_be_shown_again_with_the_jalali_date(portal, operator_client):
    code = make_intake(operator_client)
    for _ in range(2):
        receipt = operator_client.get(f"/intakes/{code}/receipt")
        assert receipt.status_code == 200
        assert code in receipt.text and "۱۰ آذر ۱۴۰۵، ۱۱:۳۰" in receipt.text
        assert "۷۸۰٬۰۰۰ ریال" in receipt.text and 'data-print' in receipt.text
    # reprint on the box's printer: only when the hardware part offers it
    refused = operator_client.post(f"/intakes/{code}/reprint")
    assert refused.status_code == 409 and "چاپگر رسیدی" in refused.text
    printed = []
    portal.box.fit(Parts(printer=SimpleNamespace(
        reprint_receipt=lambda tracking_code, user: printed.append(tracking_code))))
    assert operator_client.post(f"/intakes/{code}/reprint").status_code == 303
    assert printed == [code]


def test_unknown_tracking_code_is_a_persian_404_page(operator_client):
    response = operator_client.get("/intakes/AAAA-BBBB-CC")
    assert response.status_code == 404
    assert "صفحه پیدا نشد" in response.text and 'dir="rtl"' in response.text
    assert "Traceback" not in response.text


def test_detail_accepts_a_typed_code_in_lower_case(operator_client):
    code = make_intake(operator_client)
    response = operator_client.get(f"/intakes/{code.lower()}")
    assert response.status_code == 303 and response.headers["Location"] == f"/intakes/{code}"


def test_search_by_each_criterion_and_pages(portal, operator_client):
    first = make_intake(operator_client)
    other = make_intake(operator_client, national_code="0499370899", mobile="09351112233",
                        service_code="HEALTH-INS")
    portal.clock.advance(days=3)
    operator_client = logged_in(portal, "operator")       # the old login has expired
    later = make_intake(operator_client)

    def found(query: str) -> set[str]:
        html = operator_client.get("/intakes?" + query).text
        return {code for code in (first, other, later) if code in html}

    assert found(f"tracking_code={other.lower()}") == {other}
    assert found("tracking_code=" + to_persian_digits(other)) == {other}
    assert found("national_code=۰۴۹۹۳۷۰۸۹۹") == {other}
    assert found("mobile=%2B989121234567") == {first, later}
    assert found("service=HEALTH-INS") == {other}
    assert found("from=1405/09/10&to=1405/09/10") == {first, other}
    assert found("from=۱۴۰۵/۰۹/۱۳") == {later}
    bad = operator_client.get("/intakes?national_code=123&from=1405/13/40").text
    assert "کد ملی باید ۱۰ رقم باشد." == field_error(bad, "national_code")
    assert "تاریخ شمسی" in field_error(bad, "from")
    for _ in range(21):
        make_intake(operator_client, service_code="HEALTH-INS")
    page_one = operator_client.get("/intakes?service=HEALTH-INS").text
    assert "۲۲ درخواست پیدا شد" in page_one and "صفحهٔ ۱ از ۲" in page_one
    assert page_one.count("/intakes/") - page_one.count("/intakes/new") >= 20
    for odd in ("²", "۲x", "-1", "99999999999", ""):
        assert operator_client.get("/intakes?service=HEALTH-INS&page=" + odd).status_code == 200
    page_two = operator_client.get("/intakes?service=HEALTH-INS&page=۲").text
    assert "صفحهٔ ۲ از ۲" in page_two and other in page_two and 'rel="prev"' in page_two


def test_dashboard_counts_todays_intakes_and_fees(portal, operator_client):
    make_intake(operator_client)
    cancelled = make_intake(operator_client, service_code="HEALTH-INS")
    operator_client.post(f"/intakes/{cancelled}/cancel", {"reason": "اشتباه"})
    html = operator_client.get("/").text
    assert 'id="today-count">۲<' in html
    assert 'id="today-fees">۷۸۰٬۰۰۰ ریال<' in html        # the cancelled one is not counted
    assert "عامل همگام‌سازی هنوز روی این جعبه پیکربندی نشده است" in html
    assert "۲ رویداد در صف ارسال" not in html and "رویداد در صف ارسال به مرکز است" in html
    portal.clock.advance(days=1)
    assert 'id="today-count">۰<' in logged_in(portal, "operator").get("/").text


def test_supervisor_reports_sum_fees_per_service_over_jalali_days(portal, supervisor_client):
    make_intake(supervisor_client)
    make_intake(supervisor_client)
    cancelled = make_intake(supervisor_client, service_code="HEALTH-INS")
    supervisor_client.post(f"/intakes/{cancelled}/cancel", {"reason": "اشتباه"})
    html = supervisor_client.get("/reports?from=۱۴۰۵/۰۹/۱۰&to=1405/09/10").text
    assert "ارسال مرسولهٔ پستی" in html and "۱٬۵۶۰٬۰۰۰ ریال" in html
    assert "ثبت‌نام بیمهٔ سلامت" not in html                # cancelled: not a fee taken
    empty = supervisor_client.get("/reports?from=1405/09/11&to=1405/09/12").text
    assert "در این روزها درخواستی ثبت نشده است." in empty
    bad = supervisor_client.get("/reports?from=1405/99/99").text
    assert "تاریخ شمسی" in field_error(bad, "from")


def test_reprint_through_the_receipt_printers_queue(portal, operator_client):
    """The printer part offers reprints; each is audited with who asked."""
    AuditEntry = portal.box.store.models.AuditEntry
    PrintJob = portal.box.store.models.PrintJob
    from hardware.printer import part
    code = make_intake(operator_client)
    portal.box.fit(Parts(printer=part.build(portal.box)))
    assert 'action="/intakes/' + code + '/reprint"' in operator_client.get(f"/intakes/{code}").text
    response = operator_client.post(f"/intakes/{code}/reprint")
    assert response.status_code == 303 and response.headers["Location"].endswith("done=reprinted")
    assert PrintJob.select().count() == 1
    audit = AuditEntry.select().order_by(AuditEntry.id.desc()).first()
    assert (audit.action, audit.subject) == ("receipt.reprinted", code)
    assert "رسید دوباره به چاپگر فرستاده شد" in operator_client.get(response.headers["Location"]).text


def test_a_form_sent_twice_makes_one_intake_and_shows_it(portal, operator_client):
    Intake = portal.box.store.models.Intake
    form = operator_client.get("/intakes/new?service=POST-PARCEL").text
    token = input_value(form, "submission")
    assert token and token != input_value(
        operator_client.get("/intakes/new?service=POST-PARCEL").text, "submission")
    wrong = operator_client.post("/intakes/new", {**INTAKE, "submission": token,
                                                  "mobile": "۰۲۱"})
    assert wrong.status_code == 400 and input_value(wrong.text, "submission") == token
    first = operator_client.post("/intakes/new", {**INTAKE, "submission": token})
    again = operator_client.post("/intakes/new", {**INTAKE, "submission": token})
    assert first.status_code == again.status_code == 303
    assert again.headers["Location"] == first.headers["Location"]
    assert Intake.select().count() == 1
    changed = operator_client.post("/intakes/new", {**INTAKE, "submission": token,
                                                    "full_name": "مریم احمدی"})
    assert changed.status_code == 422 and "پیش‌تر با مقادیر دیگری ثبت شده" in changed.text
    assert input_value(changed.text, "full_name") == "مریم احمدی"
    fresh = input_value(changed.text, "submission")
    assert fresh != token
    pressed_again = operator_client.post("/intakes/new", {**INTAKE, "submission": fresh,
                                                          "full_name": "مریم احمدی"})
    assert pressed_again.status_code == 303 and Intake.select().count() == 2
