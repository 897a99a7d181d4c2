"""``wic invites send``: each selected guest's invitation by e-mail, recorded as it goes."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from wiccli.cli.commands.invites._common import open_ledger, utc_now
from wiccli.cli.commands.invites._select import (
    CategoryOpt,
    CountryOpt,
    IdsArg,
    SearchOpt,
    StaleOpt,
    StatusOpt,
    chosen,
    selection,
)
from wiccli.cli.registry import command
from wiccli.cli.state import State, current
from wiccli.errors import DataError, UsageError
from wiccli.text import plural

if TYPE_CHECKING:
    from wiccli.invites.model import Invitation
    from wiccli.invites.store import Store
    from wiccli.mail.message import Composer, Outgoing
    from wiccli.mail.sending import Plan, Report
    from wiccli.mail.smtp import Server


@command()
def send(
    ids: IdsArg = None,
    status: StatusOpt = None,
    category: CategoryOpt = None,
    country: CountryOpt = None,
    search: SearchOpt = "",
    stale: StaleOpt = None,
    again: Annotated[bool, typer.Option(
        "--again", help="Send again to guests sent to before (SEQUENCE + 1: calendars "
        "update the invitation they have).")] = False,
    reminder: Annotated[bool, typer.Option(
        "--reminder", help="Send the reminder to guests still pending (invited, tentative) "
        "who were sent an invitation.")] = False,
    smtp: Annotated[str | None, typer.Option(
        "--smtp", metavar="URL", help="smtp://user@host:587 (STARTTLS) or smtps://user@host:465 "
        "(default: $WIC_SMTP_URL). The password: $WIC_SMTP_PASSWORD or ~/.netrc.")] = None,
    ca: Annotated[Path | None, typer.Option(
        "--ca", metavar="FILE", help="Trust only this CA certificate (PEM) for the server "
        "(default: the system's; also $WIC_CA).")] = None,
    smtp_ca: Annotated[Path | None, typer.Option(
        "--smtp-ca", metavar="FILE", hidden=True,
        help="The older name of --ca.")] = None,
    timeout: Annotated[float, typer.Option(
        "--timeout", metavar="SECONDS", help="Give up on a server silent this long.")] = 60.0,
    dry_run: Annotated[bool, typer.Option(
        "--dry-run", help="Send nothing: write each message into --out-dir or --maildir.")
    ] = False,
    out_dir: Annotated[Path | None, typer.Option(
        "--out-dir", metavar="DIR", help="With --dry-run: one .eml file per message.")] = None,
    maildir: Annotated[Path | None, typer.Option(
        "--maildir", metavar="DIR", help="With --dry-run: deliver into this Maildir.")] = None,
    limit: Annotated[int | None, typer.Option(
        "--limit", metavar="N", help="At most N messages this run (the rest next time).")
    ] = None,
    rate: Annotated[str | None, typer.Option(
        "--rate", metavar="N/min", help="At most N messages a minute.")] = None,
) -> None:
    """Send invitations by e-mail, each with a calendar invitation; resumable, never twice."""
    from wiccli.mail.outbox import composer, last_sequences
    from wiccli.mail.sending import parse_rate, plan
    from wiccli.mail.smtp import server_from

    state = current()
    mode = _mode(again, reminder)
    _check_output(dry_run, out_dir, maildir)
    per_minute = parse_rate(rate)
    if ca is not None and smtp_ca is not None:
        raise UsageError("--smtp-ca is the older name of --ca: give one of them")
    env = state.env
    home = Path(env.environ["HOME"]) if env.environ.get("HOME") else Path.home()
    server = None if dry_run else server_from(smtp, ca or smtp_ca, timeout, env.environ, home)
    event = state.event()
    make = composer(event, state.today())
    sel = selection(state, event, status, category, country, search, stale)
    with open_ledger(write=not dry_run) as (_, _, store):
        with store.transaction(write=False) as tx:
            entries = chosen(tx, sel, ids)
            sent = tx.messages()
            the_plan = plan(entries, last_sequences(sent), mode, limit)
            make.keep_uids(sent)
        _list_skipped(state, the_plan)
        messages = _render(state, make, the_plan)
        if dry_run:
            _write(state, messages, out_dir, maildir, the_plan)
            return
        assert server is not None
        report = _deliver(state, store, server, messages, per_minute)
    _finish(state, the_plan, report)


def _mode(again: bool, reminder: bool) -> str:
    if again and reminder:
        raise UsageError("--again and --reminder do not go together")
    return "again" if again else "reminder" if reminder else "new"


def _check_output(dry_run: bool, out_dir: Path | None, maildir: Path | None) -> None:
    if out_dir is not None and maildir is not None:
        raise UsageError("give --out-dir or --maildir, not both")
    if dry_run and out_dir is None and maildir is None:
        raise UsageError("--dry-run writes the messages: give --out-dir DIR or --maildir DIR")
    if not dry_run and (out_dir is not None or maildir is not None):
        raise UsageError("--out-dir and --maildir go with --dry-run (which sends nothing)")


def _render(state: State, make: Composer, the_plan: Plan) -> list[Outgoing]:
    from wiccli.mail.outbox import render_all
    from wiccli.output.render import work_progress

    with work_progress(state.env, len(the_plan.jobs), "preparing") as progress:
        return render_all(make, the_plan.jobs, utc_now(state), progress)


def _list_skipped(state: State, the_plan: Plan) -> None:
    """Each guest without an e-mail address, by name: someone has to find the address."""
    for entry in the_plan.no_email:
        state.env.message(f"no e-mail: {_who(entry)}")
    for entry, problem in the_plan.bad_email:
        state.env.message(f"unusable e-mail: {_who(entry)} <{entry.email}>: {problem}")


def _who(entry: Invitation) -> str:
    org = f", {entry.organization}" if entry.organization else ""
    return f"{entry.id} {entry.name}{org} ({entry.category})"


def _write(state: State, messages: list[Outgoing], out_dir: Path | None,
           maildir: Path | None, the_plan: Plan) -> None:
    from wiccli.cli.files import resolve
    from wiccli.mail.sending import write_eml, write_maildir
    from wiccli.output.render import work_progress

    folder = out_dir if out_dir is not None else maildir
    assert folder is not None
    with work_progress(state.env, len(messages), "writing") as progress:
        if out_dir is not None:
            write_eml(messages, resolve(out_dir, state.env), progress)
        else:
            write_maildir(messages, resolve(folder, state.env), progress)
    skipped = _skipped(the_plan)
    state.env.message(f"wrote {plural(len(messages), 'message')} to {folder} (dry run: "
                      f"nothing sent, nothing recorded){', ' if skipped else ''}{skipped}")


def _deliver(state: State, store: Store, server: Server, messages: list[Outgoing],
             per_minute: float | None) -> Report:
    import time

    from wiccli.mail.outbox import StoreRecorder
    from wiccli.mail.sending import Pace, Report, deliver
    from wiccli.output.render import work_progress

    if not messages:
        return Report()
    pace = Pace(per_minute, time.sleep, time.monotonic)
    with server.connect() as conn, \
            work_progress(state.env, len(messages), "sending") as progress:
        return deliver(messages, conn, StoreRecorder(store), now=lambda: utc_now(state),
                       pace=pace, progress=progress)


def _finish(state: State, the_plan: Plan, report: Report) -> None:
    for out, detail in report.refused:
        state.env.message(f"refused: {out.entry_id} <{out.recipient}>: {detail}")
    parts = [f"sent {len(report.sent):,}", _skipped(the_plan)]
    if report.refused:
        parts.append(f"failed {len(report.refused):,}")
    state.env.message(", ".join(p for p in parts if p))
    if report.lost is not None:
        raise DataError(f"{report.lost}; {len(report.sent):,} sent and recorded, "
                        f"{report.unsent:,} not sent: run the same command again to go on")


def _skipped(the_plan: Plan) -> str:
    reasons = [
        (len(the_plan.no_email), "without e-mail"),
        (len(the_plan.bad_email), "with an unusable e-mail"),
        (len(the_plan.already), "sent before (--again sends again)"),
        (len(the_plan.withdrawn), "withdrawn"),
        (len(the_plan.not_pending), "not pending"),
        (len(the_plan.never_sent), "never sent an invitation"),
    ]
    parts = [f"{count:,} {why}" for count, why in reasons if count]
    if the_plan.later:
        parts.append(f"{the_plan.later:,} left by --limit")
    return f"skipped {', '.join(parts)}" if parts else ""

