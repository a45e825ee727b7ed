"""The neutral sync format the box and the gateway share. Pure: no I/O, and it
imports nothing else of ours.

    errors     ProtocolError and its two kinds
    encoding   varints, base64, canonical JSON, raw keys
    compression  one event's plaintext compressed with a preset dictionary
    records    one outbox event: its plaintext and HPKE seal
    batch      a run of consecutive sealed records, HMAC-tagged or device-signed (uplink)
    ack        the gateway's authenticated answer to a batch
    enrolment  the box's signed enrolment request and the centre's signed answer
    bundle     the centre-signed downlink bundle and the box's request for it
    device_tag the six-character tag a device's key gives it

Every decoder turns any bytes into a value or a ProtocolError, never another
exception.
"""
