"""QR codes drawn by the box as SVG, for pages (the browser receipt): no
picture to fetch, sharp at any size and on paper."""

from __future__ import annotations

import qrcode
from markupsafe import Markup
from qrcode.image.svg import SvgPathImage


def qr_svg(text: str, label: str) -> Markup:
    """`text` as an inline SVG QR code (level M, as the printer draws it), with
    `label` for screen readers."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=4,
                         image_factory=SvgPathImage)
    code.add_data(text)
    code.make(fit=True)
    svg = code.make_image().to_string(encoding="unicode").strip()
    # the size comes from the page's style; the label says what it is
    svg = svg.replace("<svg ", '<svg role="img" aria-label="%s" ' % Markup.escape(label), 1)
    return Markup(svg)
