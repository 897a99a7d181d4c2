"""``wic invites send``: each selected guest's invitation by e-mail, recorded as it goes."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
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
    selection,
)
from wiccli.cli.registry import command
from wiccli.cli.state import State, current
from wiccli.errors import DataError, UsageError
from wiccli.text import plural

if TYPE_CHECKING:
    from wiccli.invites.model import Invitation
    from wiccli.invites.store import Store
    from wiccli.mail.campaign import DryRun, Report, Request
    from wiccli.mail.sending import Plan

EVERY_DAYS = 7  # as wiccli.mail.sending.EVERY_DAYS (not imported: --help stays light)


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
        "update the invitation they have); with --reminder: whatever --every says.")
    ] = False,
    reminder: Annotated[bool, typer.Option(
        "--reminder", help="Send the reminder to guests still pending (invited, tentative) "
        "who were sent an invitation, at most once per --every days.")] = False,
    every: Annotated[int, typer.Option(
        "--every", metavar="DAYS", help="With --reminder: skip guests reminded in the last "
        "DAYS days.")] = EVERY_DAYS,
    resend_unconfirmed: Annotated[bool, typer.Option(
        "--resend-unconfirmed", help="Send again, with the same Message-ID, the messages a "
        "stopped run handed over but never heard back about (listed as unconfirmed).")
    ] = False,
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
    from wiccli.mail.campaign import Hooks, Request, run
    from wiccli.mail.sending import Rules, parse_rate
    from wiccli.output.render import work_progress

    state = current()
    _check_output(dry_run, out_dir, maildir)
    if ca is not None and smtp_ca is not None:
        raise UsageError("--smtp-ca is the older name of --ca: give one of them")
    rules = Rules(mode=_mode(again, reminder), every=every, remind_again=again and reminder,
                  resend_unconfirmed=resend_unconfirmed, limit=limit)
    request = Request(
        selection(state, state.event(), status, category, country, search, stale),
        tuple(ids or ()), rules, _dry_run(state, out_dir, maildir), smtp, ca or smtp_ca, timeout,
        parse_rate(rate))
    env = state.env
    home = Path(env.environ["HOME"]) if env.environ.get("HOME") else Path.home()
    hooks = Hooks(progress=lambda total, what: work_progress(env, total, what),
                  planned=lambda the_plan: _list_skipped(state, the_plan))
    report = run(request, ledger=lambda: _ledger(write=not dry_run), event=state.event(),
                 now=lambda: utc_now(state), today=state.today(), environ=env.environ,
                 home=home, hooks=hooks)
    _finish(state, request, report)


@contextmanager
def _ledger(write: bool) -> Iterator[Store]:
    with open_ledger(write=write) as (_, _, store):
        yield store


def _mode(again: bool, reminder: bool) -> str:
    return "reminder" if reminder else "again" if again else "new"


def _check_output(dry_run: bool, out_dir: Path | None, maildir: Path | None) -> None:
    if out_dir is not None and maildir is not None:
        raise UsageError("give --out-dir or --maildir, not both")
    if dry_run and out_dir is None and maildir is None:
        raise UsageError("--dry-run writes the messages: give --out-dir DIR or --maildir DIR")
    if not dry_run and (out_dir is not None or maildir is not None):
        raise UsageError("--out-dir and --maildir go with --dry-run (which sends nothing)")


def _dry_run(state: State, out_dir: Path | None, maildir: Path | None) -> DryRun | None:
    from wiccli.cli.files import resolve
    from wiccli.mail.campaign import DryRun

    folder = out_dir if out_dir is not None else maildir
    if folder is None:
        return None
    return DryRun(resolve(folder, state.env), folder, maildir=maildir is not None)


def _list_skipped(state: State, the_plan: Plan) -> None:
    """Each guest skipped for a reason someone must act on, by name, before sending."""
    say = state.env.message
    for entry in the_plan.no_email:
        say(f"no e-mail: {_who(entry)}")
    for entry, problem in the_plan.bad_email:
        say(f"unusable e-mail: {_who(entry)} <{entry.email}>: {problem}")
    for entry in the_plan.bounced:
        say(f"bounced: {_who(entry)} <{entry.email}>: skipped until the address changes")
    for entry, m in the_plan.unconfirmed:
        when = m.at.strftime("%Y-%m-%d %H:%M:%S UTC")
        say(f"unconfirmed: {entry.id} <{m.address or entry.email}> {m.kind} {m.message_id} "
            f"(sent at {when}?): the server never answered; --resend-unconfirmed sends it "
            "again with the same Message-ID")


def _who(entry: Invitation) -> str:
    org = f", {entry.organization}" if entry.organization else ""
    return f"{entry.id} {entry.name}{org} ({entry.category})"


def _finish(state: State, request: Request, report: Report) -> None:
    skipped = _skipped(report.plan)
    for unsafe in report.unsafe:
        state.env.message(f"not sent: {unsafe.message}")
    if request.dry_run is not None:
        state.env.message(f"wrote {plural(report.written, 'message')} to "
                          f"{request.dry_run.shown} (dry run: nothing sent, nothing recorded)"
                          f"{', ' if skipped else ''}{skipped}{_unsafe(report)}")
        _fail_unsafe(report)
        return
    done = report.delivery
    assert done is not None
    for out, detail in done.refused:
        state.env.message(f"refused: {out.entry_id} <{out.recipient}>: {detail}")
    for out in done.unconfirmed:
        state.env.message(f"unconfirmed: {out.entry_id} <{out.recipient}> {out.kind} "
                          f"{out.message_id}: the server may or may not have it")
    for out in done.claimed:
        state.env.message(f"left to another run: {out.entry_id} <{out.recipient}>: another "
                          "wic sending at the same time got to this guest first")
    parts = [f"sent {len(done.sent):,}", skipped, _unsafe(report).lstrip(", ")]
    if done.claimed:
        parts.append(f"{len(done.claimed):,} left to another run at the same time")
    if done.refused:
        parts.append(f"failed {len(done.refused):,}")
    state.env.message(", ".join(p for p in parts if p))
    if done.lost is not None:
        raise DataError(f"{done.lost}; {len(done.sent):,} sent and recorded, "
                        f"{done.unsent:,} not sent: run the same command again to go on")
    if done.refused:
        raise DataError(f"{plural(len(done.refused), 'message')} refused (listed above); "
                        "the rest were sent and recorded")
    _fail_unsafe(report)


def _unsafe(report: Report) -> str:
    count = len(report.unsafe)
    return f", {count:,} not sent: headers would not be as meant" if count else ""


def _fail_unsafe(report: Report) -> None:
    if report.unsafe:
        raise DataError(
            f"{plural(len(report.unsafe), 'message')} not sent (listed above): correct each "
            "guest's entry by importing a CSV row with its id (`wic invites import`), "
            "or withdraw it")


def _skipped(the_plan: Plan) -> str:
    reasons = [
        (len(the_plan.no_email), "without e-mail"),
        (len(the_plan.bad_email), "with an unusable e-mail"),
        (len(the_plan.bounced), "bounced"),
        (len(the_plan.unconfirmed), "unconfirmed (--resend-unconfirmed sends again)"),
        (len(the_plan.already), "sent before (--again sends again)"),
        (len(the_plan.withdrawn), "withdrawn"),
        (len(the_plan.not_pending), "not pending"),
        (len(the_plan.never_sent), "never sent an invitation"),
        (len(the_plan.recent), "reminded in the last --every days (--again reminds again)"),
    ]
    parts = [f"{count:,} {why}" for count, why in reasons if count]
    if the_plan.later:
        parts.append(f"{the_plan.later:,} left by --limit")
    return f"skipped {', '.join(parts)}" if parts else ""
