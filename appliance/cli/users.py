"""`edge user add|passwd|pin|disable|enable|list`: accounts of operators,
supervisors and technicians. A new password or a disable ends every portal
session and API token of the user at once, in the running box too."""

from __future__ import annotations

import json
import sys

import click

from appliance.cli.context import CliContext, EdgeCommandError, global_options
from edge import users
from edge.roles import ROLES


@click.group()
def user() -> None:
    """Accounts of operators, supervisors and technicians."""


@user.command("add")
@click.argument("username")
@click.option("--role", type=click.Choice(ROLES), required=True)
@click.option("--full-name", default="", help="Name shown in the portal and on receipts.")
@click.option("--password-stdin", is_flag=True, help="Read the password as one line of stdin.")
@global_options()
@click.pass_obj
def user_add(obj: CliContext, username: str, role: str, full_name: str,
             password_stdin: bool) -> None:
    """Add an account; asks for its password at the terminal."""
    password = _read_password(password_stdin)
    with obj.open_box() as box:
        users.add_user(box.store, box.events, username, full_name or username, role, password)
    click.echo(f"added {role} {username}")


@user.command("passwd")
@click.argument("username")
@click.option("--password-stdin", is_flag=True, help="Read the password as one line of stdin.")
@global_options()
@click.pass_obj
def user_passwd(obj: CliContext, username: str, password_stdin: bool) -> None:
    """Set a new password; the user's logins and API tokens end."""
    with obj.open_box() as box:
        person = users.existing(box.store, username)
        users.set_password(box.store, box.events, person, _read_password(password_stdin))
    click.echo(f"new password for {username}; their logins have ended")


@user.command("pin")
@click.argument("username")
@click.option("--pin-stdin", is_flag=True, help="Read the PIN as one line of stdin.")
@global_options()
@click.pass_obj
def user_pin(obj: CliContext, username: str, pin_stdin: bool) -> None:
    """Set the 4-6 digit PIN that goes with the user's card at login."""
    with obj.open_box() as box:
        person = users.existing(box.store, username)
        users.set_pin(box.store, box.events, person, _read_secret(pin_stdin, "PIN"))
    click.echo(f"new card PIN for {username}")


@user.command("disable")
@click.argument("username")
@global_options()
@click.pass_obj
def user_disable(obj: CliContext, username: str) -> None:
    """Stop a user logging in; their logins and API tokens end at once."""
    _set_active(obj, username, False)
    click.echo(f"disabled {username}; their logins have ended")


@user.command("enable")
@click.argument("username")
@global_options()
@click.pass_obj
def user_enable(obj: CliContext, username: str) -> None:
    """Let a disabled user log in again (with a new login: old ones stay ended)."""
    _set_active(obj, username, True)
    click.echo(f"enabled {username}")


def _set_active(obj: CliContext, username: str, active: bool) -> None:
    with obj.open_box() as box:
        users.set_active(box.store, box.events, users.existing(box.store, username), active)


@user.command("list")
@global_options(with_json=True)
@click.pass_obj
def user_list(obj: CliContext) -> None:
    """Every account: name, role, whether it may log in, full name."""
    with obj.open_box() as box:
        people = [{"username": person.username, "role": person.role, "active": person.active,
                   "full_name": person.full_name, "card": person.card_uid is not None}
                  for person in users.everyone(box.store)]
    if obj.as_json:
        click.echo(json.dumps({"users": people}, ensure_ascii=False))
        return
    for person in people:
        state = "active" if person["active"] else "disabled"
        click.echo(f"{person['username']:<32} {person['role']:<10} {state:<8} "
                   f"{person['full_name']}")


def _read_password(from_stdin: bool) -> str:
    return _read_secret(from_stdin, "password")


def _read_secret(from_stdin: bool, what: str) -> str:
    if from_stdin:
        line = sys.stdin.readline()
        if not line:
            raise EdgeCommandError(f"no {what} on standard input")
        return line.rstrip("\r\n")
    if not sys.stdin.isatty():
        raise EdgeCommandError(f"no terminal to ask for the {what}; use --{what.lower()}-stdin")
    return click.prompt(what[0].upper() + what[1:], hide_input=True, confirmation_prompt=True)
