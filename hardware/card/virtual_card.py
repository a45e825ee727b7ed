"""A contactless card for vsmartcard's virtual reader (vpcd), answering the
PC/SC "Get UID" pseudo-APDU `FF CA 00 00 00` as a real reader does for a
MIFARE card. vsmartcard's stock card does not answer it.

Run it like vicc: `python -m hardware.card.virtual_card --uid 04A1B2C3D4E5F6`
connects to vpcd (127.0.0.1:35963) and the card is "on the reader" until the
process ends. The tests and the demo use it against a real pcscd.
"""

from __future__ import annotations

import argparse
import logging
import sys

VSMARTCARD_PATH = "/usr/lib/python3/site-packages/virtualsmartcard"   # Debian's python3-virtualsmartcard
VPCD_PORT = 35963
# ATR of a MIFARE Classic 1K behind a PC/SC contactless reader (PC/SC part 3, 3.1.3.2.3)
CONTACTLESS_ATR = bytes.fromhex("3B8F8001804F0CA000000306030001000000006A")

SW_OK = b"\x90\x00"
SW_WRONG_P1P2 = b"\x6A\x81"      # function not supported
SW_INS_NOT_SUPPORTED = b"\x6D\x00"
SW_CLA_NOT_SUPPORTED = b"\x6E\x00"


def answer(apdu: bytes, uid: bytes) -> bytes:
    """The card's answer to one command APDU (pure; tested directly)."""
    if len(apdu) < 4:
        return b"\x67\x00"               # wrong length
    cla, ins, p1, p2 = apdu[:4]
    if cla != 0xFF:
        return SW_CLA_NOT_SUPPORTED
    if ins != 0xCA:
        return SW_INS_NOT_SUPPORTED
    if (p1, p2) != (0x00, 0x00):
        return SW_WRONG_P1P2             # P1=01 asks for the ATS historical bytes: none here
    expected = apdu[4] if len(apdu) >= 5 else 0
    if expected and expected < len(uid):
        return bytes([0x6C, len(uid)])   # wrong Le: here is the right one
    return uid[:expected or len(uid)] + SW_OK


def make_os(uid: bytes):
    if VSMARTCARD_PATH not in sys.path:
        sys.path.append(VSMARTCARD_PATH)
    from virtualsmartcard.VirtualSmartcard import SmartcardOS

    class UidCardOS(SmartcardOS):
        def getATR(self):
            return CONTACTLESS_ATR

        def execute(self, msg):
            return answer(bytes(msg), uid)

    return UidCardOS()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--uid", default="04A1B2C3D4E5F6", help="card number, hex")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=VPCD_PORT)
    options = parser.parse_args(argv)
    uid = bytes.fromhex(options.uid)
    card_os = make_os(uid)
    from virtualsmartcard.VirtualSmartcard import VirtualICC
    vicc = VirtualICC(None, "iso7816", options.host, options.port, logginglevel=logging.WARNING)
    vicc.os = card_os
    vicc.run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
