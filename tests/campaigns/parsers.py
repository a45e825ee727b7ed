"""Parsers of what comes from outside, under hypothesis for a fixed number of examples.

A parser may refuse input with a ValueError (the product's refusals, such as
ProtocolError, PduError and ParseError, are ValueErrors) or return; any other
exception is a crash. Parsers are named by dotted path in one table, so a
parser that moves costs one line here, and one not found is a figure.
"""

from __future__ import annotations

import importlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st

from tests.campaigns.report import Campaign

JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
                    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
                    max_leaves=12)
ENVELOPE = st.fixed_dictionaries({"bundle": st.dictionaries(st.sampled_from(
    ("version", "issued_at", "expires_at", "office", "services", "tariffs", "suppliers")), JSON)},
    optional={"signature": st.text() | st.binary().map(bytes.hex)})
AT_LINES = st.lists(st.sampled_from(("+CSQ: ", "+CREG: ", "+COPS: ", "+CPIN: ", "+CCLK: ", "+CMTI: ",
                                     "+CMGS: ", "OK", "ERROR", "+CME ERROR: ", "> ", "\r\n", ",", "\""))
                    | st.text(max_size=12), max_size=12).map(lambda parts: "".join(parts).encode())


def resolve(dotted: str) -> Callable:
    module, _, name = dotted.rpartition(".")
    return getattr(importlib.import_module(module), name)


def at_stream(data: bytes) -> None:
    """Bytes from a modem through the line splitter, each line through every field parser."""
    at = importlib.import_module("hardware.modem.at")
    for line in at.LineSplitter().feed(data + b"\r\n"):
        value = line.partition(":")[2].strip()
        for parse in (at.parse_csq, at.parse_creg, at.parse_cops, at.parse_cpin, at.parse_cclk,
                      at.parse_cmgs):
            try:
                parse(value)
            except ValueError:
                pass
        if line.startswith("+CMTI"):
            try:
                at.parse_cmti(line)
            except ValueError:
                pass


def bundle_check(envelope: Any) -> None:
    resolve("wire.bundle.verify_bundle")(envelope, Ed25519PrivateKey.generate().public_key())


@dataclass(frozen=True)
class Target:
    name: str
    parse: Callable[[Any], Any] | str  # a callable, or the dotted path of one
    strategy: st.SearchStrategy


TARGETS = (
    Target("batches", "wire.batch.decode_batch", st.binary(max_size=600)
           | st.binary(max_size=300).map(lambda tail: b"\x01" + tail)),
    Target("bundles", bundle_check, ENVELOPE | JSON),
    Target("AT responses", at_stream, AT_LINES | st.binary(max_size=300)),
    Target("SMS PDUs", "hardware.modem.pdu.decode", st.binary(max_size=180).map(bytes.hex) | st.text()),
    Target("ESC/POS status", "hardware.printer.escpos.parse_status",
           st.dictionaries(st.integers(0, 6), st.none() | st.binary(max_size=4))),
    Target("card reader lines", "hardware.card.serial_reader.parse_card_line", st.binary(max_size=80)),
    Target("console lines", "provisioning.console.framing.decode",
           st.binary(max_size=200) | JSON.map(lambda value: repr(value).encode())),
)


def exercise(target: Target, examples: int) -> tuple[Counter, str]:
    """({"examples": n, "refused": n, "crashes": n}, the first crash or "")."""
    counts: Counter = Counter()
    first_crashes: list[str] = []
    parse = resolve(target.parse) if isinstance(target.parse, str) else target.parse

    @seed(1405)
    @settings(max_examples=examples, deadline=None, database=None, phases=(Phase.generate,),
              suppress_health_check=list(HealthCheck))
    @given(target.strategy)
    def attempt(value):
        counts["examples"] += 1
        try:
            parse(value)
        except ValueError:
            counts["refused"] += 1
        except Exception as error:  # noqa: BLE001 - any other exception is the finding counted
            counts["crashes"] += 1
            first_crashes.append(f"{type(error).__name__}: {error} on {value!r:.80}")

    attempt()
    return counts, (first_crashes or [""])[0]


def run(template, folder, examples: int = 20_000) -> Campaign:
    """`template` and `folder` are unused: parsers need no box."""
    campaign = Campaign("parsers", f"{examples:,} hypothesis examples per parser")
    for target in TARGETS:
        try:
            counts, first_crash = exercise(target, examples)
        except (ImportError, AttributeError):
            campaign.figure(f"{target.name}", f"not in this tree ({target.parse})")
            continue
        campaign.figure(f"{target.name}: examples (refused)", f"{counts['examples']:,} ({counts['refused']:,})")
        campaign.guarantee(f"{target.name}: crashes", counts["crashes"])
        if counts["crashes"]:
            campaign.figure(f"{target.name}: first crash", first_crash)
    return campaign
