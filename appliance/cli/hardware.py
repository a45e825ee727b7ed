"""`edge hw ...`: status of and tools for the attached devices."""

from __future__ import annotations

import json

import click

from appliance.cli.context import CliContext, EdgeCommandError, global_options
from edge.i18n import MessageCatalogue, Translator, is_phrase, phrase
from hardware.status import DEVICE_NAMES, device_statuses


@click.group("hw")
def hw() -> None:
    """Hardware: printer, modem, card reader, GPIO."""


@hw.command("status")
@global_options(with_json=True)
@click.pass_obj
def status_command(obj: CliContext) -> None:
    """Each device's state in words."""
    with obj.open_box() as box:
        parts = device_statuses(box)
        said = MessageCatalogue().translator(box.settings["language"])
    if obj.as_json:
        click.echo(json.dumps(parts, ensure_ascii=False, sort_keys=True))
        return
    for name, part in parts.items():
        device = said.gettext(DEVICE_NAMES[name]) if name in DEVICE_NAMES else name
        click.echo(f"{device}: {_state(part, said)}{_extra(part, said)}")


def _state(part: dict, said: Translator) -> str:
    """The device's state in the reader's words: the modem, card and gpio say
    it in "words", the printer in "state_words"; "state" is the English fallback."""
    words = part.get("words") or part.get("state_words")
    if is_phrase(words):
        return said.say(words)
    # the modem's and the device errors' {"en", "fa"}, until they move to the catalogue
    if isinstance(words, dict) and words.get(said.lang):
        return words[said.lang]
    return part.get("state", "unknown")


def _extra(part: dict, said: Translator) -> str:
    bits = []
    if part.get("url"):
        bits.append(part["url"])
    queue = part.get("queue")
    if isinstance(queue, dict):
        bits.append(said.say(phrase("%(queued)s waiting, %(failed)s failed, %(done)s printed",
                                    queued=queue.get("queued", 0),
                                    failed=queue.get("failed-will-retry", 0),
                                    done=queue.get("done", 0))))
    return f" ({'; '.join(bits)})" if bits else ""


def _printer_url(obj, url: str | None) -> str:
    from hardware.printer.transport import PrinterUrlError, validate_url
    url = url or obj.settings()["printer.url"]
    try:
        return validate_url(url)
    except PrinterUrlError as error:
        raise EdgeCommandError(str(error)) from None


def _intake(box, tracking_code: str):
    """The intake of a typed tracking code, or a one-line error."""
    from edge.errors import InvalidInput, NotFound
    try:
        return box.intakes.get(tracking_code)
    except NotFound:
        raise EdgeCommandError(f"no intake has tracking code {tracking_code}") from None
    except InvalidInput as error:
        raise EdgeCommandError(f"{tracking_code}: {error}") from None


@hw.command("print-test")
@click.option("--printer", "url", default=None, metavar="URL",
              help="Printer URL (default: the printer.url setting).")
@global_options()
@click.pass_obj
def print_test(obj: CliContext, url: str | None) -> None:
    """Print a sample receipt (Persian text, a QR code) straight to the printer."""
    from hardware.printer.transport import PrinterError
    from hardware.printer.worker import print_test_page
    url = _printer_url(obj, url)
    try:
        answer, sent = print_test_page(url, obj.settings(), obj.home)
    except PrinterError as error:
        raise EdgeCommandError(f"test receipt not printed: {error}") from None
    click.echo(f"test receipt sent to {url} ({sent} bytes; printer: {answer.state})")
    _show_preview(obj, url)


def _show_preview(obj: CliContext, url: str) -> None:
    from hardware.printer.transport import sim_dir
    if url.startswith("sim:"):
        click.echo(f"preview: {sim_dir(obj.home) / 'latest.png'}")


@hw.command("print-receipt")
@click.argument("tracking_code")
@click.option("--printer", "url", default=None, metavar="URL",
              help="Printer URL (default: the printer.url setting).")
@global_options()
@click.pass_obj
def print_receipt(obj: CliContext, tracking_code: str, url: str | None) -> None:
    """Print (again) the receipt of an intake. The print is a queued job: if it
    fails here, the box's print worker retries it."""
    from hardware.printer.part import make_worker
    url = _printer_url(obj, url)
    with obj.open_box() as box:
        intake = _intake(box, tracking_code)
        worker = make_worker(box, url)
        with box.store.write():   # one transaction: the box's own worker cannot take it first
            job = worker.queue.enqueue_intake_receipt(intake, box)
            job = worker.queue.claim(job.id)
        if not worker.print_job(job):
            reason = worker.queue.get(job.id).last_error
            raise EdgeCommandError(f"receipt {intake.tracking_code} not printed: {reason}; "
                                   f"print job {job.id} is kept and will be retried")
    click.echo(f"receipt {intake.tracking_code} printed on {url} (print job {job.id})")
    _show_preview(obj, url)


@hw.command("print-form")
@click.argument("tracking_code")
@click.option("--queue", default=None, help="CUPS queue (default: the printer.cups_queue setting).")
@global_options()
@click.pass_obj
def print_form(obj: CliContext, tracking_code: str, queue: str | None) -> None:
    """Print an intake's A4 form through CUPS (lp)."""
    from hardware.printer.cups import CupsError, print_intake_form
    with obj.open_box() as box:
        intake = _intake(box, tracking_code)
        settings = box.settings.replace(printer_cups_queue=queue) if queue else box.settings
        try:
            request = print_intake_form(intake, settings, box.office().name, box.home / "forms")
        except CupsError as error:
            raise EdgeCommandError(f"form {intake.tracking_code} not printed: {error}") from None
    click.echo(f"form {intake.tracking_code} sent to CUPS as {request}")

