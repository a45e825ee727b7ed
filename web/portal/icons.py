"""Inline SVG icons (drawn for this portal): no icon font, nothing fetched."""

from __future__ import annotations

from markupsafe import Markup

_SVG = ('<svg class="icon" aria-hidden="true" viewBox="0 0 24 24" width="20" height="20" '
        'fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" '
        'stroke-linejoin="round">')

PATHS = {
    'home': '<path d="M3 11l9-8 9 8"/><path d="M5 10v10h14V10"/><path d="M10 20v-6h4v6"/>',
    'plus': '<circle cx="12" cy="12" r="9"/><path d="M12 8v8M8 12h8"/>',
    'search': '<circle cx="11" cy="11" r="7"/><path d="M20 20l-4-4"/>',
    'users': '<circle cx="9" cy="8" r="4"/><path d="M2 21c0-4 3-6 7-6s7 2 7 6"/><path d="M16 4a4 4 0 010 8M22 21c0-3-2-5-4-5.5"/>',
    'sync': '<path d="M4 12a8 8 0 0114-5l2 2"/><path d="M20 4v5h-5"/><path d="M20 12a8 8 0 01-14 5l-2-2"/><path d="M4 20v-5h5"/>',
    'chip': '<rect x="6" y="6" width="12" height="12" rx="2"/><path d="M9 2v4M15 2v4M9 18v4M15 18v4M2 9h4M2 15h4M18 9h4M18 15h4"/>',
    'chart': '<path d="M4 20V10M10 20V4M16 20v-7M22 20H2"/>',
    'logout': '<path d="M15 4h4v16h-4"/><path d="M10 8l-4 4 4 4"/><path d="M6 12h10"/>',
    'globe': '<circle cx="12" cy="12" r="9"/><path d="M3 12h18M12 3c3 3 3 15 0 18M12 3c-3 3-3 15 0 18"/>',
    'print': '<path d="M6 9V3h12v6"/><rect x="3" y="9" width="18" height="8" rx="2"/><path d="M7 14h10v7H7z"/>',
    'alert': '<path d="M12 3l10 18H2z"/><path d="M12 10v4M12 17.5v.5"/>',
    'check': '<circle cx="12" cy="12" r="9"/><path d="M8 12l3 3 5-6"/>',
    'x': '<circle cx="12" cy="12" r="9"/><path d="M9 9l6 6M15 9l-6 6"/>',
    'receipt': '<path d="M6 2h12v20l-3-2-3 2-3-2-3 2z"/><path d="M9 7h6M9 11h6M9 15h4"/>',
    'calendar': '<rect x="3" y="5" width="18" height="16" rx="2"/><path d="M3 10h18M8 3v4M16 3v4"/>',
    'licence': '<rect x="3" y="4" width="18" height="14" rx="2"/><circle cx="9" cy="11" r="2.5"/><path d="M14 9h4M14 13h4M8 21l1-3M16 21l-1-3"/>',
    'lock': '<rect x="5" y="11" width="14" height="10" rx="2"/><path d="M8 11V7a4 4 0 018 0v4"/>',
}

_RENDERED = {name: Markup(_SVG + body + "</svg>") for name, body in PATHS.items()}
# rendered once: the icons are on every page, and a macro per icon cost a millisecond


def icon(name: str) -> Markup:
    return _RENDERED.get(name, Markup(""))
