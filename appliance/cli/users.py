"""`edge user add`: accounts of operators, supervisors and technicians."""

from __future__ import annotations

import sys

import click

from appliance.cli.context import CliContext, EdgeCommandError, global_options
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
    from edge import users
    password = _read_password(password_stdin)
    with obj.open_box() as box:
        users.add_user(box.store, box.events, username, full_name or username, role, password)
    click.echo(f"added {role} {username}")


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        line = sys.stdin.readline()
        if not line:
            raise EdgeCommandError("no password on standard input")
        return line.rstrip("\r\n")
    if not sys.stdin.isatty():
        raise EdgeCommandError("no terminal to ask for the password; use --password-stdin")
    return click.prompt("Password", hide_input=True, confirmation_prompt=True)
