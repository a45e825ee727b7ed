"""The gateway's HTTP surface under /v1. Thin over `gateway.service.Gateway`.

Every refusal is JSON, `{"error": {"code", "message"}}` with a 4xx status:
bad input never earns a 500 or a traceback.
"""

from __future__ import annotations

import logging

from flask import Flask, Response, g, jsonify, request
from werkzeug.exceptions import HTTPException, MethodNotAllowed

from gateway import openapi
from gateway.errors import GatewayError
from gateway.service import Gateway
from wire.errors import ProtocolError, SignatureError

log = logging.getLogger(__name__)

MAX_BODY = openapi.MAX_BODY
BATCH_PATH = "/b"
FEED_LIMIT = openapi.FEED_LIMIT

# Werkzeug's own refusals, in our words and codes.
HTTP_REFUSALS = {
    400: ("bad_request", "the request is malformed"),
    404: ("not_found", "no such endpoint; the routes are in /v1/openapi.json"),
    405: ("method_not_allowed", "method not allowed here"),
    413: ("too_large", f"request body too large (at most {MAX_BODY} bytes)"),
}


def create_app(gateway: Gateway) -> Flask:
    app = Flask("gateway")
    app.config["MAX_CONTENT_LENGTH"] = MAX_BODY
    app.json.ensure_ascii = False      # Persian names as text, not \u escapes

    @app.before_request
    def connect() -> None:
        gateway.db.connect(reuse_if_open=True)

    @app.teardown_request
    def disconnect(_failure) -> None:
        if not gateway.db.is_closed():
            gateway.db.close()

    @app.after_request
    def stamp_time(response: Response) -> Response:
        # Every answer carries the gateway's time; the binary ack has it inside.
        if request.endpoint != "batches":
            response.headers["X-Gateway-Time"] = str(gateway.clock_ms())
        return response

    @app.errorhandler(GatewayError)
    def refused(refusal: GatewayError):
        return error_response(refusal.status, refusal.code, str(refusal))

    @app.errorhandler(ProtocolError)
    def malformed(refusal: ProtocolError):
        status = 403 if isinstance(refusal, SignatureError) else 400
        code = "bad_signature" if status == 403 else "malformed"
        log.warning("refused a message: %s", refusal)
        return error_response(status, code, str(refusal))

    @app.errorhandler(HTTPException)
    def http_refusal(refusal: HTTPException):
        code, message = HTTP_REFUSALS.get(refusal.code, ("http", refusal.description or refusal.name))
        response = error_response(refusal.code or 400, code, message)
        if isinstance(refusal, MethodNotAllowed) and refusal.valid_methods:
            response.headers["Allow"] = ", ".join(sorted(refusal.valid_methods))
        return response

    @app.errorhandler(Exception)
    def unexpected(failure: Exception):
        log.exception("unexpected error")
        return error_response(500, "internal", "internal error; the gateway's log has the details")

    @app.get("/v1/health")
    def health():
        return jsonify(status="ok", time_ms=gateway.clock_ms())

    @app.get("/v1/openapi.json")
    def openapi_document():
        return jsonify(openapi.document())

    @app.post("/v1/enroll")
    def enroll():
        return jsonify(gateway.enroll(json_body()))

    @app.post("/v1/batches")
    def batches():
        ack = gateway.ingest(request.get_data(cache=False), resume=resume_arg())
        response = Response(ack)
        # The box knows what the answer is; 40 bytes of Content-Type cost money on GSM.
        del response.headers["Content-Type"]
        return response

    # Boxes post to the short path (every byte of a request line is paid on
    # GSM); /v1/batches stays for boxes not yet upgraded.
    app.add_url_rule(BATCH_PATH, "batches", methods=["POST"])

    @app.get("/v1/bundle")
    def bundle():
        device = request.args.get("device", "")
        have = whole_number_arg("have", 0)
        envelope = gateway.bundle_for(device, have, request.args.get("tag", ""))
        if envelope is None or envelope["bundle"]["version"] <= have:
            nothing_new = Response(status=204)
            del nothing_new.headers["Content-Type"]    # no body to describe: 40 bytes saved
            return nothing_new
        return jsonify(envelope)

    @app.get("/v1/feed")
    def feed():
        authorise()
        return jsonify(gateway.feed(whole_number_arg("after", 0), page_limit()))

    @app.get("/v1/feed/batches")
    def feed_batches():
        authorise()
        return jsonify(gateway.batches(whole_number_arg("after", 0), page_limit()))

    @app.get("/v1/conflicts")
    def conflicts():
        authorise()
        return jsonify(conflicts=gateway.conflicts())

    @app.get("/v1/devices")
    def devices():
        authorise()
        return jsonify(devices=gateway.devices())

    def authorise() -> None:
        header = request.headers.get("Authorization", "")
        key = header[7:] if header.startswith("Bearer ") else None
        g.api_key = gateway.check_api_key(key)

    return app


def json_body():
    """The request's JSON, or None when it is not JSON. Nesting deep enough to
    exhaust the parser's stack is refused as malformed, not a crash."""
    try:
        return request.get_json(silent=True)
    except RecursionError:
        raise GatewayError("the request body nests too deeply", code="malformed") from None


def whole_number_arg(name: str, default: int) -> int:
    raw = request.args.get(name)
    if raw in (None, ""):
        return default
    if not raw.isascii() or not raw.isdigit() or len(raw) > openapi.MAX_DIGITS:
        raise GatewayError(f"{name} must be a whole number of at most {openapi.MAX_DIGITS} digits",
                           code="bad_parameter")
    return int(raw)


def resume_arg() -> bool:
    """`resume=1`: the box keeps no record before this batch (see gateway.ingest)."""
    raw = request.args.get("resume")
    if raw not in (None, "1"):
        raise GatewayError("resume must be 1 or absent", code="bad_parameter")
    return raw == "1"


def page_limit() -> int:
    limit = whole_number_arg("limit", openapi.FEED_DEFAULT)
    if not 1 <= limit <= FEED_LIMIT:
        raise GatewayError(f"limit must be from 1 to {FEED_LIMIT}", code="bad_parameter")
    return limit


def error_response(status: int, code: str, message: str) -> Response:
    response = jsonify(error={"code": code, "message": message})
    response.status_code = status
    return response
