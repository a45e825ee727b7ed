"""The counter's work through the forms, on a real server: a new intake, its
detail, status changes, cancellation, the receipt and the search."""

from __future__ import annotations

from types import SimpleNamespace

from edge.digits import to_persian_digits
from edge.parts import Parts
from hardware.printer.receipt import Receipt
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


def test_status_changes_and_an_operators_cancellation_waits_for_a_supervisor(
        portal, operator_client, supervisor_client):
    Intake = portal.box.store.models.Intake
    IntakeStatusChange = portal.box.store.models.IntakeStatusChange
    code = make_intake(operator_client)
    detail = operator_client.get(f"/intakes/{code}").text
    assert 'id="to-in_progress"' in detail and "درخواست لغو از سرپرست" in detail
    assert operator_client.post(f"/intakes/{code}/status",
                                {"status": "in_progress"}).status_code == 303
    assert Intake.get(Intake.tracking_code == code).status == "in_progress"
    no_reason = operator_client.post(f"/intakes/{code}/cancel", {"reason": "", "note": "x"})
    assert no_reason.status_code == 400
    assert field_error(no_reason.text, "reason") == "دلیل لغو را از فهرست انتخاب کنید."
    wordless = operator_client.post(f"/intakes/{code}/cancel", {"reason": "other"})
    assert field_error(wordless.text, "note") == "دلیل لغو را بنویسید."
    assert 'value="other" selected' in wordless.text
    asked = operator_client.post(f"/intakes/{code}/cancel",
                                 {"reason": "other", "note": "مدارک همراه نبود"})
    assert asked.status_code == 303 and asked.headers["Location"].endswith("done=cancel_requested")
    page = operator_client.get(f"/intakes/{code}?done=cancel_requested").text
    assert "درخواست لغو ثبت شد؛ سرپرست تصمیم می‌گیرد." in page
    assert 'id="cancel-pending"' in page and "مدارک همراه نبود" in page
    assert 'id="cancel-intake"' not in page and "در حال انجام" in page

    waiting = supervisor_client.get("/cancellations").text
    assert code in waiting and "مدارک همراه نبود" in waiting
    request_id = portal.box.cancellations.pending()[0].id
    approved = supervisor_client.post(f"/cancellations/{request_id}/approve", {"note": ""})
    assert approved.status_code == 303
    assert "هیچ درخواست لغوی در انتظار تصمیم نیست." in supervisor_client.get(
        "/cancellations?done=approved").text
    page = operator_client.get(f"/intakes/{code}").text
    assert "لغوشده" in page and 'id="reversal"' in page and "کارمزد برگشت خورد" in page
    late = operator_client.post(f"/intakes/{code}/status", {"status": "done"})
    assert late.status_code == 409 and "را نمی‌توان به" in late.text
    again = supervisor_client.post(f"/cancellations/{request_id}/refuse", {})
    assert again.status_code == 409
    assert "برای این درخواست لغو پیش‌تر تصمیم گرفته شده است." in again.text
    reasons = [c.reason for c in IntakeStatusChange.select().order_by(IntakeStatusChange.id)]
    assert reasons == ["", "", "مدارک همراه نبود"]


def test_a_supervisor_cancels_at_once_and_a_refusal_keeps_the_intake(
        portal, operator_client, supervisor_client):
    first, second = make_intake(operator_client), make_intake(operator_client)
    assert "لغو این درخواست" in supervisor_client.get(f"/intakes/{first}").text
    done = supervisor_client.post(f"/intakes/{first}/cancel", {"reason": "duplicate"})
    assert done.headers["Location"].endswith("done=cancelled")
    assert portal.box.cancellations.reversal_of(portal.box.intakes.get(first)) is not None
    operator_client.get(f"/intakes/{second}")
    operator_client.post(f"/intakes/{second}/cancel", {"reason": "wrong_service"})
    supervisor_client.get("/cancellations")
    request_id = portal.box.cancellations.pending()[0].id
    supervisor_client.post(f"/cancellations/{request_id}/refuse", {"note": "خدمت درست است"})
    page = operator_client.get(f"/intakes/{second}").text
    assert 'id="cancel-refused"' in page and "خدمت درست است" in page
    assert 'id="cancel-intake"' in page and "دریافت‌شده" in page


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
    operator_client.post(f"/intakes/{cancelled}/cancel", {"reason": "duplicate"})
    html = operator_client.get("/").text
    assert 'id="today-count">۲<' in html
    assert 'id="today-fees">۱٬۲۳۰٬۰۰۰ ریال<' in html      # asked, not approved: it counts
    request_id = portal.box.cancellations.pending()[0].id
    portal.box.cancellations.approve(request_id, portal.box.store.models.User.get(
        portal.box.store.models.User.role == "supervisor"))
    html = operator_client.get("/").text
    assert 'id="today-fees">۷۸۰٬۰۰۰ ریال<' in html        # the reversal leaves today
    assert "عامل همگام‌سازی هنوز روی این جعبه پیکربندی نشده است" in html
    assert "۲ رویداد در صف ارسال" not in html and "رویداد در صف ارسال به مرکز است" in html
    portal.clock.advance(days=1)
    assert 'id="today-count">۰<' in logged_in(portal, "operator").get("/").text


def test_supervisor_reports_sum_fees_per_service_over_jalali_days(portal, supervisor_client):
    make_intake(supervisor_client)
    make_intake(supervisor_client)
    cancelled = make_intake(supervisor_client, service_code="HEALTH-INS")
    supervisor_client.post(f"/intakes/{cancelled}/cancel", {"reason": "wrong_details"})
    html = supervisor_client.get("/reports?from=۱۴۰۵/۰۹/۱۰&to=1405/09/10").text
    assert "ارسال مرسولهٔ پستی" in html and "۱٬۵۶۰٬۰۰۰ ریال" in html
    assert "ثبت‌نام بیمهٔ سلامت" not in html                # cancelled: not a fee taken
    empty = supervisor_client.get("/reports?from=1405/09/11&to=1405/09/12").text
    assert "در این روزها درخواستی ثبت نشده است." in empty
    bad = supervisor_client.get("/reports?from=1405/99/99").text
    assert "تاریخ شمسی" in field_error(bad, "from")


def test_one_print_button_prints_on_the_receipt_printer_and_copies_say_so(
        portal, operator_client, supervisor_client):
    """The printer part prints; each print is audited with who asked; every
    print after the first is a numbered copy, and a cancelled intake's is void."""
    AuditEntry = portal.box.store.models.AuditEntry
    PrintJob = portal.box.store.models.PrintJob
    from hardware.printer import part
    printer = part.build(portal.box)
    portal.box.fit(Parts(printer=printer, intake_hooks=printer.intake_hooks))
    code = make_intake(operator_client)                 # the original, queued with the intake
    detail = operator_client.get(f"/intakes/{code}").text
    assert detail.count('action="/intakes/' + code + '/reprint"') == 1
    assert 'id="print-receipt"' in detail and 'id="receipt-link"' in detail
    response = operator_client.post(f"/intakes/{code}/reprint")
    assert response.status_code == 303 and response.headers["Location"].endswith("done=reprinted")
    audit = AuditEntry.select().order_by(AuditEntry.id.desc()).first()
    assert (audit.action, audit.subject) == ("receipt.reprinted", code)
    assert "رسید به چاپگر رسید فرستاده شد." in operator_client.get(response.headers["Location"]).text
    supervisor_client.get(f"/intakes/{code}")
    supervisor_client.post(f"/intakes/{code}/cancel", {"reason": "duplicate"})
    supervisor_client.post(f"/intakes/{code}/reprint")
    printed = [Receipt.from_json(job.receipt) for job in
               PrintJob.select().where(PrintJob.tracking_code == code).order_by(PrintJob.id)]
    assert [(receipt.copy, receipt.void) for receipt in printed] == \
        [(0, False), (1, False), (2, True)]


def test_the_browser_receipt_is_marked_as_a_copy_of_the_printed_one_and_void_once_cancelled(
        portal, operator_client, supervisor_client):
    from hardware.printer import part
    code = make_intake(operator_client)
    plain = operator_client.get(f"/intakes/{code}/receipt").text
    assert 'id="receipt-copy"' not in plain and 'id="receipt-void"' not in plain
    printer = part.build(portal.box)
    portal.box.fit(Parts(printer=printer))
    printer.reprint_receipt(code, portal.box.intakes.get(code).operator)
    queue = printer.worker.queue
    queue.mark_done(queue.claim())                      # the printer printed it
    copy = operator_client.get(f"/intakes/{code}/receipt").text
    assert 'id="receipt-copy">المثنی ۱<' in copy and 'id="receipt-void"' not in copy
    supervisor_client.get(f"/intakes/{code}")
    supervisor_client.post(f"/intakes/{code}/cancel", {"reason": "wrong_details"})
    void = operator_client.get(f"/intakes/{code}/receipt").text
    assert 'id="receipt-void">باطل شد<' in void and 'class="receipt void"' in void


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


def test_the_intake_page_lists_its_texts_and_sends_a_failed_one_again(portal, operator_client):
    from hardware.modem.citizen import OPTED_OUT
    from tests.modem import fit_modem
    part = fit_modem(portal.box)
    code = make_intake(operator_client)
    page = operator_client.get(f"/intakes/{code}").text
    assert "پیامک‌ها" in page and "در صف ارسال" in page and "resend-" not in page
    part.outbox.withdraw("+989121234567", OPTED_OUT)
    [failed] = part.outbox.about(code)
    page = operator_client.get(f"/intakes/{code}").text
    assert "ناموفق" in page and "شهروند با «۱۱» پیامک‌ها را لغو کرده است" in page
    assert f'id="resend-{failed.id}"' in page
    answer = operator_client.post(f"/intakes/{code}/sms/{failed.id}/resend")
    assert answer.status_code == 303
    assert "پیامک برای ارسال دوباره در صف قرار گرفت." in operator_client.get(answer.headers["Location"]).text
    assert [sms.status for sms in part.outbox.about(code)] == ["failed", "queued"]
    assert operator_client.post(f"/intakes/{code}/sms/999/resend").status_code == 404


def test_the_intake_page_of_a_box_without_a_modem_has_no_texts(portal, operator_client):
    code = make_intake(operator_client)
    assert "پیامک‌ها" not in operator_client.get(f"/intakes/{code}").text
