"""`edge hw modem status|send`: talk to a modem (or the simulator) directly."""

from __future__ import annotations

import json
from contextlib import contextmanager

import click

from appliance.cli.context import CliContext, EdgeCommandError, global_options
from hardware.modem import at
from hardware.modem.driver import Modem, ModemState, state_words
from hardware.modem.outbox import RecipientError, normalize_recipient


@contextmanager
def _modem(obj: CliContext, port: str | None):
    settings = obj.settings()
    url = port or settings["modem.port"]
    if url in ("", "none"):
        raise EdgeCommandError("no modem configured (modem.port = none); give --port URL")
    simulator = None
    if url.startswith("sim://"):
        from hardware.modem import simulator as simulators
        try:
            simulator = simulators.from_url(url).start()
        except ValueError as error:
            raise EdgeCommandError(str(error)) from None
        url = simulator.port
    modem = Modem(url, pin=settings["modem.pin"] or None, baudrate=settings["modem.baudrate"],
                  command_timeout=settings["modem.command_timeout"],
                  send_timeout=settings["modem.send_timeout"])
    try:
        yield modem
    except at.ModemError as error:
        raise EdgeCommandError(error.message) from None
    finally:
        modem.close()
        if simulator is not None:
            simulator.stop()


def describe(modem: Modem) -> dict:
    info = modem.info
    return {"port": modem.url, "state": info.state.value, "ok": info.state == ModemState.READY,
            "words": state_words(info.state),
            "signal": info.signal.as_dict() if info.signal else None, "operator": info.operator,
            "network_time": info.network_time.isoformat() if info.network_time else None,
            "delivery_reports": info.delivery_reports, "manufacturer": info.manufacturer,
            "model": info.model, "baudrate": modem.speed, "configured_baudrate": modem.baudrate}


@click.group("modem")
def modem_group() -> None:
    """The GSM modem."""


@modem_group.command("status")
@click.option("--port", default=None, help="Modem URL (default: setting modem.port); sim:// for the simulator.")
@global_options(with_json=True)
@click.pass_obj
def modem_status(obj: CliContext, port: str | None) -> None:
    """Start the modem and show SIM, network, signal and operator."""
    with _modem(obj, port) as modem:
        state = modem.start()
        if state == ModemState.READY:
            modem.network_time()
        report = describe(modem)
    if obj.as_json:
        click.echo(json.dumps(report, ensure_ascii=False))
        return
    click.echo(f"modem {report['port']}: {report['words']['en']}")
    if report["signal"]:
        click.echo(f"signal: {report['signal']['words']['en']}")
    if report["operator"]:
        click.echo(f"operator: {report['operator']}")
    if report["network_time"]:
        click.echo(f"network time: {report['network_time']}")
    if report["baudrate"] != report["configured_baudrate"]:
        click.echo(f"speed: it answers at {report['baudrate']} baud, not the configured "
                   f"{report['configured_baudrate']}: set modem.baudrate = {report['baudrate']}")


@modem_group.command("send")
@click.option("--port", default=None, help="Modem URL (default: setting modem.port).")
@click.option("--to", "number", required=True, help="Mobile number, e.g. 09121234567.")
@click.option("--text", required=True, help="Text of the SMS (Persian is fine).")
@global_options(with_json=True)
@click.pass_obj
def modem_send(obj: CliContext, port: str | None, number: str, text: str) -> None:
    """Send one SMS now, bypassing the outbox (a technician's test)."""
    try:
        recipient = normalize_recipient(number)
    except RecipientError:
        raise EdgeCommandError(f"not a mobile number: {number}") from None
    with _modem(obj, port) as modem:
        state = modem.start()
        if state != ModemState.READY:
            raise EdgeCommandError(f"cannot send: {state_words(state)['en']}")
        references = modem.send_sms(recipient, text)
    if obj.as_json:
        click.echo(json.dumps({"to": recipient, "parts": len(references), "references": references}))
    else:
        click.echo(f"sent to {recipient} in {len(references)} part(s)")
