"""The gateway's HTTP surface under /v1. Thin over `gateway.service.Gateway`."""

from __future__ import annotations

import logging

from flask import Flask, Response, g, jsonify, request

from gateway.errors import GatewayError
from gateway.service import Gateway
from wire.errors import ProtocolError, SignatureError

log = logging.getLogger(__name__)

MAX_BODY = 16 << 20
FEED_LIMIT = 1000


def create_app(gateway: Gateway) -> Flask:
    app = Flask("gateway")
    app.config["MAX_CONTENT_LENGTH"] = MAX_BODY
    app.json.ensure_ascii = False      # Persian names as text, not \u escapes

    @app.before_request
    def connect() -> None:
        gateway.db.connect(reuse_if_open=True)

    @app.teardown_request
    def disconnect(_error) -> None:
        if not gateway.db.is_closed():
            gateway.db.close()

    @app.after_request
    def stamp_time(response: Response) -> Response:
        # Every answer carries the gateway's time; the binary ack has it inside.
        if request.endpoint != "batches":
            response.headers["X-Gateway-Time"] = str(gateway.clock_ms())
        return response

    @app.errorhandler(GatewayError)
    def refused(error: GatewayError):
        return _error(error.status, error.code, str(error))

    @app.errorhandler(ProtocolError)
    def malformed(error: ProtocolError):
        status = 403 if isinstance(error, SignatureError) else 400
        code = "bad_signature" if status == 403 else "malformed"
        log.warning("refused a message: %s", error)
        return _error(status, code, str(error))

    @app.errorhandler(Exception)
    def unexpected(error: Exception):
        from werkzeug.exceptions import HTTPException
        if isinstance(error, HTTPException):
            return _error(error.code or 500, "http", error.description or error.name)
        log.exception("unexpected error")
        return _error(500, "internal", "internal error; the gateway's log has the details")

    @app.errorhandler(413)
    def too_large(_error):
        return _error(413, "too_large", "request body too large")

    @app.errorhandler(404)
    def not_found(_error):
        return _error(404, "not_found", "no such endpoint")

    @app.errorhandler(405)
    def not_allowed(_error):
        return _error(405, "method_not_allowed", "method not allowed here")

    @app.get("/v1/health")
    def health():
        return jsonify(status="ok", time_ms=gateway.clock_ms())

    @app.post("/v1/enroll")
    def enroll():
        body = request.get_json(silent=True)
        return jsonify(gateway.enroll(body))

    @app.post("/v1/batches")
    def batches():
        ack = gateway.ingest(request.get_data(cache=False))
        response = Response(ack)
        # The box knows what the answer is; 40 bytes of Content-Type cost money on GSM.
        del response.headers["Content-Type"]
        return response

    @app.get("/v1/bundle")
    def bundle():
        device = request.args.get("device", "")
        have = _int_arg("have", 0)
        envelope = gateway.bundle_for(device, have, request.args.get("tag", ""))
        if envelope is None or envelope["bundle"]["version"] <= have:
            return Response(status=204)
        return jsonify(envelope)

    @app.get("/v1/feed")
    def feed():
        _authorise()
        return jsonify(gateway.feed(_int_arg("after", 0), _limit()))

    @app.get("/v1/feed/batches")
    def feed_batches():
        _authorise()
        return jsonify(gateway.batches(_int_arg("after", 0), _limit()))

    @app.get("/v1/conflicts")
    def conflicts():
        _authorise()
        return jsonify(conflicts=gateway.conflicts())

    @app.get("/v1/devices")
    def devices():
        _authorise()
        return jsonify(devices=gateway.devices())

    def _authorise() -> None:
        header = request.headers.get("Authorization", "")
        key = header[7:] if header.startswith("Bearer ") else None
        g.api_key = gateway.check_api_key(key)

    return app


def _int_arg(name: str, default: int) -> int:
    raw = request.args.get(name)
    if raw in (None, ""):
        return default
    if not raw.isdigit() or len(raw) > 18:
        raise GatewayError(f"{name} must be a whole number", code="bad_parameter")
    return int(raw)


def _limit() -> int:
    return max(1, min(_int_arg("limit", 100), FEED_LIMIT))


def _error(status: int, code: str, message: str):
    response = jsonify(error={"code": code, "message": message})
    response.status_code = status
    return response
