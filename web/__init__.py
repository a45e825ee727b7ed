"""The box's web side: the JSON API and the operators' portal."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask

MAX_REQUEST_BYTES = 64 * 1024


def create_app(box, config: dict | None = None) -> Flask:
    """The Flask app of one box; everything it needs is passed in."""
    # Imported here: `web.session_schema` holds the portal's tables, so the assembly
    # imports this package for every `edge` command, and most never serve a page.
    from flask import Flask

    from edge.i18n import MessageCatalogue
    from web import api, errors, portal

    app = Flask(__name__)
    app.config.update(MAX_CONTENT_LENGTH=MAX_REQUEST_BYTES, BOX=box,
                      DEFAULT_LANGUAGE=box.settings["language"])
    app.config.update(config or {})
    app.json.ensure_ascii = False
    app.json.sort_keys = False
    app.extensions["message_catalogue"] = MessageCatalogue()
    errors.init_app(app, html_renderer=portal.render_error)
    app.register_blueprint(api.blueprint)
    portal.init_app(app, box)
    return app
