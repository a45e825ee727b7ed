"""`edge enroll`, `edge sync now|status`, and the USB stick's `edge export-outbox` and `edge import-bundle`."""

from __future__ import annotations

import json
from pathlib import Path

import click

from appliance.cli.context import CliContext, EdgeCommandError, global_options


@click.command("enroll")
@click.option("--gateway", "gateway_url", required=True, help="Gateway URL, http://HOST:8800")
@click.option("--token", required=True, help="One-time enrolment token from the centre.")
@global_options()
@click.pass_obj
def enroll(obj: CliContext, gateway_url: str, token: str) -> None:
    """Enrol this box with the central gateway."""
    from sync_agent.client import SyncError
    from sync_agent.enroll import EnrollError
    from sync_agent.enroll import enroll as do_enroll
    with obj.open_box() as box:
        try:
            row = do_enroll(box, gateway_url, token)
        except (EnrollError, SyncError) as error:
            raise EdgeCommandError(f"enrolment failed: {error}") from None
    click.echo(f"enrolled with {row.gateway_url} for office {row.office} (device tag {row.tag})")


@click.group("sync")
def sync() -> None:
    """Forwarding to the central gateway."""


@sync.command("now")
@global_options(with_json=True)
@click.pass_obj
def sync_now(obj: CliContext) -> None:
    """Send everything waiting now and check for a bundle."""
    from sync_agent.agent import SyncAgent
    with obj.open_box() as box:
        result = SyncAgent(box).sync_once(force_bundle=True)
    if obj.as_json:
        click.echo(json.dumps({"ok": result.ok, "sent": result.sent, "acked_seq": result.acked_seq,
                               "batches": result.batches, "bundle": result.bundle,
                               "error": result.error}, ensure_ascii=False))
    elif result.ok:
        click.echo(f"sent {result.sent} record(s) in {result.batches} batch(es); "
                   f"gateway holds up to {result.acked_seq}" + (f"; {result.bundle}" if result.bundle else ""))
    if not result.ok:
        raise EdgeCommandError(f"sync failed: {result.error}")


@sync.command("status")
@global_options(with_json=True)
@click.pass_obj
def sync_status(obj: CliContext) -> None:
    """Queue depth, oldest unsent record, last success and last error."""
    from sync_agent.report import status
    with obj.open_box() as box:
        report = status(box)
    if obj.as_json:
        click.echo(json.dumps(report, ensure_ascii=False))
        return
    click.echo(report["summary"])
    for key in ("state", "gateway", "office", "queue_depth", "oldest_unsent_at", "acked_seq",
                "kept_records", "pulled_seq", "dropped_unpulled_total", "last_success_at", "last_error", "clock_skew_ms", "bundle_version", "bundle_error"):
        click.echo(f"  {key}: {report[key] if report[key] not in (None, '') else '-'}")


@click.command("export-outbox")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@global_options(with_json=True)
@click.pass_obj
def export_outbox(obj: CliContext, folder: Path) -> None:
    """Write the waiting records to FOLDER (a USB stick) as signed batches,
    for `edge-gateway import FOLDER` at the centre."""
    from sync_agent.stick import NotEnrolled
    from sync_agent.stick import export_outbox as export
    with obj.open_box() as box:
        try:
            written = export(box, folder, box.settings["sync.batch_max"])
        except NotEnrolled as error:
            raise EdgeCommandError(str(error)) from None
        except OSError as error:
            raise EdgeCommandError(f"cannot write to {folder}: {error.strerror}") from None
    if obj.as_json:
        click.echo(json.dumps({"folder": str(folder), "batches": [path.name for path in written]}))
    else:
        click.echo(f"{len(written)} batch file(s) written to {folder}")


@click.command("import-bundle")
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@global_options()
@click.pass_obj
def import_bundle(obj: CliContext, source: Path) -> None:
    """Apply the signed bundle in SOURCE (from `edge-gateway export-bundle`),
    checked like a downloaded one."""
    from sync_agent import state
    from sync_agent.bundle import apply_envelope
    with obj.open_box() as box:
        enrolment = state.enrolment(box.store)
        if enrolment is None:
            raise EdgeCommandError("this box is not enrolled with a gateway: enrol it first")
        try:
            envelope = json.loads(source.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValueError) as error:
            raise EdgeCommandError(f"cannot read the bundle in {source}: {error}") from None
        outcome = apply_envelope(box, envelope, enrolment.centre_key, box.clock.now())
    if outcome.startswith("bundle refused"):
        raise EdgeCommandError(outcome)
    click.echo(outcome)
