"""``wic invites replies``: read the answers from a mailbox and update the ledger."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Annotated, BinaryIO

import typer

from wiccli.cli.commands.invites._common import open_ledger, random_bytes, utc_now
from wiccli.cli.listing import Format, FormatOpt, output
from wiccli.cli.registry import command
from wiccli.cli.state import current
from wiccli.env import Env


@command()
def replies(
    source: Annotated[str, typer.Argument(
        metavar="SOURCE", help="An mbox file, a Maildir folder, one .eml message, - (one "
        "message on stdin), or imaps://user@host/INBOX (password: $WIC_IMAP_PASSWORD or "
        "~/.netrc).")],
    dry_run: Annotated[bool, typer.Option(
        "--dry-run", help="Show what would change; change nothing.")] = False,
    add_delegates: Annotated[bool, typer.Option(
        "--add-delegates", help="Add the guest someone delegated to as a new entry (listed, "
        "same category and country).")] = False,
    mark_seen: Annotated[bool, typer.Option(
        "--mark-seen", help="IMAP: mark the messages that were applied as read.")] = False,
    move_to: Annotated[str, typer.Option(
        "--move-to", metavar="FOLDER", help="IMAP: move the messages that were applied to "
        "FOLDER (created when missing), and those applied on an earlier run.")] = "",
    trust_authserv: Annotated[str, typer.Option(
        "--trust-authserv", metavar="ID", help="Apply only answers that your mail server "
        "(its authserv-id in Authentication-Results) passed with DMARC or aligned DKIM; "
        "default: the event's [invitations] authserv_id.")] = "",
    ca: Annotated[Path | None, typer.Option(
        "--ca", metavar="FILE", help="IMAP: trust only this CA certificate (PEM) for the "
        "server (default: the system's; also $WIC_CA).")] = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Read answers from a mailbox (calendar replies, bounces) and update the ledger."""
    from wiccli.cli.replies_view import replies_listing
    from wiccli.mail.answers import Options, prepare, process

    trusted = _authserv(trust_authserv)
    state = current()
    env, event = state.env, state.event()
    options = Options(dry_run=dry_run, add_delegates=add_delegates, mark_seen=mark_seen,
                      move_to=move_to.strip(), ca=ca,
                      authserv_id=trusted or event.invitations.authserv_id or "")
    # Every option is checked before the ledger is opened (or created) or a message read.
    request = prepare(source, options, environ=env.environ, cwd=env.cwd, home=_home(env))
    with open_ledger(write=not dry_run) as (_, _, store):
        result = process(store, request, event_id=event.id, now=utc_now(state),
                         stdin=_stdin(env) if source == "-" else None,
                         random_bytes=random_bytes)
    for note in result.notes:
        env.warn(note)
    for line in result.filed:
        env.message(line)
    if dry_run:
        env.message("dry run: the ledger was not changed")
    output(env, fmt, replies_listing(env, result))


def _authserv(given: str) -> str:
    from wiccli.errors import UsageError
    from wiccli.event.check import AUTHSERV_RE

    value = given.strip()
    if given and not AUTHSERV_RE.match(value):
        raise UsageError(f"--trust-authserv {given!r} is not an authserv-id (a host name "
                         "such as mail.example.org, as your server writes it)")
    return value


def _stdin(env: Env) -> BinaryIO:
    buffer = getattr(env.stdin, "buffer", None)
    if buffer is not None:
        return buffer  # type: ignore[no-any-return]
    return io.BytesIO(env.stdin.read().encode("utf-8", "surrogateescape"))


def _home(env: Env) -> Path:
    return Path(env.environ.get("HOME") or Path.home())
