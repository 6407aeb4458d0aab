"""`distributor sendouts`: schedule a release to lists and segments, follow it, steer it, test it."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import typer
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from distributor.addresses import InvalidAddress, parse_address
from distributor.audit import Actor
from distributor.cli.context import database_session
from distributor.cli.findings import show_findings
from distributor.cli.output import JSON_OPTION, console, emit_json
from distributor.config import get_settings
from distributor.errors import ConfigError, InvalidInput
from distributor.models import ProcessRole, utcnow

# Releases, the checks, the sending pipeline and the broker's client are imported by the
# commands that use them, so that reading a send-out's status starts without them.
from distributor.sending import (
    CAVEATS,
    Audience,
    OutcomeKind,
    Schedule,
    SendOutStatus,
    Tracking,
    cancel_sendout,
    checked_subjects,
    create_follow_up,
    create_sendout,
    dkim_records,
    get_sendout,
    is_due,
    list_sendouts,
    parse_subjects,
    pause_sendout,
    resume_sendout,
    sendout_as_dict,
    sendout_status,
    with_subjects,
)

app = typer.Typer(
    help=(
        "Send-outs: a release to lists and segments, now or on a schedule; follow, pause, "
        "resume, cancel, report, and test sends.\n\n"
        "Examples:\n\n"
        "  distributor sendouts create --release film-grants-2027 --list culture-desk --now\n\n"
        "  distributor sendouts create --release 3 --list culture-desk --at 2027-02-03T09:00+01:00\n\n"
        "  distributor sendouts status 12 --follow\n\n"
        '  distributor sendouts follow-up 12 --subject "Reminder: applications close Friday"\n\n'
        "  distributor sendouts test film-grants-2027 --to me@press.example.org"
    ),
    no_args_is_help=True,
)

ID_ARGUMENT = typer.Argument(..., help="The send-out's id (see `distributor sendouts list`).")
REASON_OPTION = typer.Option(None, "--reason", help="Why; kept in the send-out's history.")
LISTS_OPTION = typer.Option([], "--list", help="Send to this list (repeatable).")
SEGMENTS_OPTION = typer.Option([], "--segment", help="Send to this segment (repeatable).")
EXCLUDE_LISTS_OPTION = typer.Option(
    [], "--exclude-list", help="Leave out members of this list (repeatable)."
)
EXCLUDE_SEGMENTS_OPTION = typer.Option(
    [], "--exclude-segment", help="Leave out members of this segment (repeatable)."
)
AT_OPTION = typer.Option(
    None,
    "--at",
    help="When, with its offset: 2027-02-03T09:00+01:00 or …Z; a time that has passed is "
    "refused (use --now). Default: now.",
)
NOW_OPTION = typer.Option(False, "--now", help="Send it now (as leaving out every time does).")
LOCAL_TIME_OPTION = typer.Option(
    None, "--local-time", help="HH:MM in each journalist's own time zone, e.g. 09:00."
)
TIME_ZONE_OPTION = typer.Option(
    None, "--time-zone", help="--local-time's zone for journalists without one (default UTC)."
)
SUBJECT_IN_OPTION = typer.Option(
    [],
    "--subject-in",
    metavar="LANG=TEXT",
    help="The subject for the journalists reading the release's version in LANG "
    "(repeatable); other languages get --subject.",
)
CONFIRM_OPTION = typer.Option(
    False,
    "--confirm",
    help="Schedule it despite the checks' warnings (never their errors), such as journalists "
    "who already received the release.",
)
# How often `status --follow` reads the send-out again.
FOLLOW_INTERVAL = 0.5


def _status(sendout_id: int) -> SendOutStatus:
    with database_session() as session:
        return sendout_status(session, sendout_id, utcnow())


def _dispatch_now(quiet: bool) -> bool:
    """Ask the workers to start a due send-out at once; say what happens if they cannot be asked."""
    from distributor.tasks import request_dispatch

    requested = request_dispatch()
    if not quiet:
        if requested:
            console.print("Asked the workers to start it now.", highlight=False)
        else:
            console.print(
                "The broker could not be reached; `distributor beat` will start it on its next tick.",
                highlight=False,
            )
    return requested


@app.command("create")
def create(
    release_id: str = typer.Option(..., "--release", help="The release's id or slug."),
    lists: list[str] = LISTS_OPTION,
    segments: list[str] = SEGMENTS_OPTION,
    exclude_lists: list[str] = EXCLUDE_LISTS_OPTION,
    exclude_segments: list[str] = EXCLUDE_SEGMENTS_OPTION,
    at: str | None = AT_OPTION,
    now: bool = NOW_OPTION,
    at_embargo: bool = typer.Option(
        False, "--at-embargo", help="When the release's embargo lifts."
    ),
    local_time: str | None = LOCAL_TIME_OPTION,
    time_zone: str | None = TIME_ZONE_OPTION,
    subject: str | None = typer.Option(
        None, "--subject", help="The email's subject. Default: the release's title."
    ),
    subject_in: list[str] = SUBJECT_IN_OPTION,
    track_clicks: bool | None = typer.Option(
        None,
        "--track-clicks/--no-track-clicks",
        help="Lead links through the web app to count clicks. Default: DISTRIBUTOR_TRACK_CLICKS.",
    ),
    track_opens: bool | None = typer.Option(
        None,
        "--track-opens/--no-track-opens",
        help="Add an image that counts opens (unreliable). Default: DISTRIBUTOR_TRACK_OPENS.",
    ),
    attach_documents: bool = typer.Option(
        False,
        "--attach-documents",
        help="Attach the release's documents to each email (they are always linked); "
        "refused over DISTRIBUTOR_ATTACHMENT_MAX_BYTES.",
    ),
    confirm: bool = CONFIRM_OPTION,
    as_json: bool = JSON_OPTION,
) -> None:
    """Schedule a release to lists and segments; without a time (or with --now) it goes out now.

    Suppressed addresses are left out when the send-out starts, and again right
    before each message is sent. Refused: a time that has passed (use --now), an
    audience that reaches nobody, and, unless --confirm, journalists who already
    received the release (or are due to from another send-out), with how many.

    Examples:

      distributor sendouts create --release film-grants-2027 --list culture-desk --now

      distributor sendouts create --release 3 --list culture-desk --exclude-list embargo-breakers --at 2027-02-03T09:00+01:00

      distributor sendouts create --release 3 --segment film-critics --at-embargo

      distributor sendouts create --release 3 --list europe --local-time 09:00 --time-zone Europe/Paris

      distributor sendouts create --release 3 --list europe --subject "Film grants" --subject-in "ru=Гранты на кино"
    """
    from distributor.releases import get_release
    from distributor.sending import attachment_options

    schedule = Schedule.parse(
        at, at_embargo=at_embargo, local_time=local_time, time_zone=time_zone, now=now
    )
    audience = Audience(lists, segments, exclude_lists, exclude_segments)
    subjects = parse_subjects(subject_in)
    with database_session() as session:
        release = get_release(session, release_id)
        options = attachment_options(release, get_settings()) if attach_documents else {}
        sendout = create_sendout(
            session,
            release,
            audience,
            schedule,
            actor=Actor.command_line(),
            subject=subject,
            tracking=Tracking.choose(get_settings(), track_clicks, track_opens),
            options=with_subjects(options, checked_subjects(release, subjects)),
            settings=get_settings(),
            confirm=confirm,
        )
        summary = sendout_as_dict(sendout)
        due = is_due(sendout, utcnow())
    _announce(summary, due, as_json)


def _announce(summary: dict[str, Any], due: bool, as_json: bool) -> None:
    """Say what was created and, when it is due, ask the workers to start it."""
    if not as_json:
        of = summary["follow_up_of"]
        follows = f", a follow-up of send-out {of}" if of else ""
        console.print(
            f"Created send-out {summary['id']} of release {summary['release_id']}{follows}, "
            f"{summary['state']} for {summary['scheduled_at'] or 'local time'}.",
            highlight=False,
        )
    summary["dispatch_requested"] = _dispatch_now(as_json) if due else False
    if as_json:
        emit_json(summary)


@app.command("follow-up")
def follow_up(
    sendout_id: int = ID_ARGUMENT,
    subject: str = typer.Option(..., "--subject", help="The follow-up's own subject line."),
    subject_in: list[str] = SUBJECT_IN_OPTION,
    release_id: str | None = typer.Option(
        None, "--release", help="Another release's id or slug. Default: the send-out's own."
    ),
    at: str | None = AT_OPTION,
    now: bool = NOW_OPTION,
    local_time: str | None = LOCAL_TIME_OPTION,
    time_zone: str | None = TIME_ZONE_OPTION,
    confirm: bool = CONFIRM_OPTION,
    as_json: bool = JSON_OPTION,
) -> None:
    """Follow up a completed send-out: its release again, under a new subject, to the
    journalists who did not click, reply or (when it counted opens) open it.

    Who that is gets decided when the follow-up starts, so a click in between still
    counts. A send-out is followed up at most once.

    Examples:

      distributor sendouts follow-up 12 --subject "Reminder: film grants open until 3 March"

      distributor sendouts follow-up 12 --subject "Last call" --local-time 09:00 --time-zone Europe/Paris

      distributor sendouts follow-up 12 --subject "Reminder: film grants" --subject-in "ru=Напоминание: гранты"
    """
    from distributor.releases import get_release

    schedule = Schedule.parse(at, local_time=local_time, time_zone=time_zone, now=now)
    subjects = parse_subjects(subject_in)
    with database_session() as session:
        sendout = create_follow_up(
            session,
            get_sendout(session, sendout_id),
            subject,
            schedule,
            actor=Actor.command_line(),
            subjects=subjects,
            release=get_release(session, release_id) if release_id else None,
            confirm=confirm,
        )
        summary = sendout_as_dict(sendout)
        due = is_due(sendout, utcnow())
    _announce(summary, due, as_json)


@app.command("list")
def list_command(as_json: bool = JSON_OPTION) -> None:
    """Show the latest send-outs, newest first."""
    with database_session() as session:
        summaries = [sendout_as_dict(s) for s in list_sendouts(session)]
    if as_json:
        emit_json({"sendouts": summaries})
        return
    if not summaries:
        console.print(
            "No send-outs yet; create one with "
            "`distributor sendouts create --release ID --list SLUG`."
        )
        return
    table = Table(box=None, pad_edge=False)
    for column in ("id", "release", "state", "schedule", "when"):
        table.add_column(column, justify="right" if column in ("id", "release") else "left")
    for s in summaries:
        when = s["scheduled_at"] or ""
        if s["local_time"]:
            when = f"{s['local_time']} local ({s['time_zone']})"
        table.add_row(str(s["id"]), str(s["release_id"]), s["state"], s["schedule"], when)
    console.print(table)


@app.command("status")
def status(
    sendout_id: int = ID_ARGUMENT,
    as_json: bool = JSON_OPTION,
    follow: bool = typer.Option(
        False,
        "--follow",
        "-f",
        help="Keep watching until it is completed, cancelled or failed (Ctrl-C stops watching).",
    ),
) -> None:
    """Show a send-out's state, its deliveries by state, the send rate and the estimated finish.

    States: scheduled, sending, paused, completed, cancelled, failed.

    Examples:

      distributor sendouts status 12

      distributor sendouts status 12 --follow

      distributor sendouts status 12 --follow --json   # one JSON line per update
    """
    if not follow:
        current = _status(sendout_id)
        if as_json:
            emit_json(current.as_dict())
        else:
            _show_status(current)
        return
    try:
        if as_json:
            _follow_json(sendout_id)
        else:
            final = follow_with_progress(sendout_id, _status)
            _show_status(final)
    except KeyboardInterrupt:
        raise typer.Exit(130) from None


def _follow_json(sendout_id: int) -> None:
    while True:
        current = _status(sendout_id)
        emit_json(current.as_dict())
        if current.finished:
            return
        time.sleep(FOLLOW_INTERVAL)


def follow_with_progress(
    sendout_id: int,
    read: Callable[[int], SendOutStatus],
    deadline: float | None = None,
    on_wait: Callable[[], None] | None = None,
) -> SendOutStatus:
    """Show a progress bar until the send-out is finished; returns its last status.

    `deadline` (a `time.monotonic()` value) stops the wait early; `on_wait` runs
    between reads, for a caller that has to nudge something along.
    """
    columns = (
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[detail]}"),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console, transient=False) as progress:
        task = progress.add_task(f"send-out {sendout_id}", total=None, detail="")
        while True:
            current = read(sendout_id)
            progress.update(
                task,
                total=current.total or None,
                completed=current.total - current.open,
                detail=_progress_detail(current),
            )
            if current.finished or (deadline is not None and time.monotonic() > deadline):
                return current
            if on_wait is not None:
                on_wait()
            time.sleep(FOLLOW_INTERVAL)


def _progress_detail(current: SendOutStatus) -> str:
    counts = current.counts
    parts = [current.state.value, f"{counts['sent']} sent"]
    for state in ("deferred", "failed", "bounced", "skipped"):
        if counts[state]:
            parts.append(f"{counts[state]} {state}")
    if current.rate:
        parts.append(f"{current.rate:.1f}/s")
    parts.extend(f"no {role.value} running" for role in current.waiting_on)
    return ", ".join(parts)


# What a send-out waiting on a missing kind of process needs, in an operator's words.
WAITING_ON = {
    ProcessRole.WORKER: "no worker is running, so nothing sends it: start `distributor worker`",
    ProcessRole.BEAT: "beat is not running, so nothing starts it when it falls due: "
    "start `distributor beat` (exactly one)",
}


def _show_status(current: SendOutStatus) -> None:
    table = Table(box=None, show_header=False, pad_edge=False)
    table.add_column(justify="right", style="bold")
    table.add_column(overflow="fold")
    table.add_row("send-out", str(current.id))
    table.add_row("release", Text(f"{current.release_id}: {current.release_title}"))
    table.add_row("state", current.state.value)
    if current.follow_up_of is not None:
        table.add_row("follow-up of", f"send-out {current.follow_up_of}")
    if current.follow_up is not None:
        table.add_row("followed up by", f"send-out {current.follow_up}")
    table.add_row("schedule", current.schedule.value)
    moments = {
        "scheduled at": current.scheduled_at,
        "started at": current.started_at,
        "finished at": current.finished_at,
    }
    for label, moment in moments.items():
        if moment is not None:
            table.add_row(label, moment.isoformat(timespec="seconds"))
    shown = ", ".join(f"{n} {state}" for state, n in current.counts.items() if n) or "none yet"
    table.add_row("deliveries", f"{current.total}: {shown}")
    if current.rate:
        table.add_row("rate", f"{current.rate:.1f} messages/s over the last minute")
    if current.estimated_finish:
        table.add_row("estimated finish", current.estimated_finish.isoformat(timespec="seconds"))
    console.print(table)
    for role in current.waiting_on:
        console.print(f"[yellow]warning:[/yellow] {WAITING_ON[role]}")


@app.command("preflight")
def preflight(sendout_id: int = ID_ARGUMENT, as_json: bool = JSON_OPTION) -> None:
    """Run the checks before sending again on a send-out and keep the result with it.

    Exits with 1 when they found errors: the dispatcher will not start it then.

    Example:

      distributor sendouts preflight 12 --json
    """
    from distributor.sending import recheck_sendout

    with database_session() as session:
        sendout = get_sendout(session, sendout_id)
        result = recheck_sendout(session, sendout, get_settings(), utcnow())
    if as_json:
        emit_json({"id": sendout_id, "preflight": result.as_dict()})
    else:
        show_findings(sendout_id, result)
    if result.errors:
        raise typer.Exit(1)


@app.command("dkim-records")
def dkim_records_command(as_json: bool = JSON_OPTION) -> None:
    """Print the DNS TXT records that publish the DKIM keys the emails are signed with.

    One line per selector (DISTRIBUTOR_DKIM_SELECTOR, then DISTRIBUTOR_DKIM_SECOND_SELECTOR):
    the record's name and its text, to publish before the key signs.

    Example:

      distributor sendouts dkim-records
    """
    records = dkim_records(get_settings())
    if not records:
        raise ConfigError(
            "no DKIM key is set: set DISTRIBUTOR_DKIM_SELECTOR and DISTRIBUTOR_DKIM_KEY_FILE"
        )
    if as_json:
        emit_json({"records": [{"name": r.name, "type": "TXT", "value": r.value} for r in records]})
        return
    for record in records:
        typer.echo(f'{record.name} TXT "{record.value}"')


@app.command("report")
def report(sendout_id: int = ID_ARGUMENT, as_json: bool = JSON_OPTION) -> None:
    """How a send-out was received: sent, deferred, bounced, failed, skipped, unsubscribed, clicked, opened.

    Each figure counts deliveries (a message deferred twice or clicked three times counts
    once). Opens are unreliable: many clients do not load images, and privacy proxies load
    them for every message.
    """
    current = _status(sendout_id)
    figures = dict(vars(current.report))
    if as_json:
        emit_json({"id": current.id, "state": current.state.value, **figures, "caveats": CAVEATS})
        return
    table = Table(box=None, show_header=False, pad_edge=False)
    table.add_column(justify="right", style="bold")
    table.add_column(justify="right")
    for key, value in figures.items():
        caveat = f" ({CAVEATS[key]})" if key in CAVEATS else ""
        table.add_row(key.replace("_", " ") + caveat, str(value))
    console.print(
        Text(f"Send-out {current.id} ({current.state.value}): {current.release_title}"),
        highlight=False,
    )
    console.print(table)


def _move(
    sendout_id: int,
    move: Callable[..., Any],
    reason: str | None,
    as_json: bool,
) -> dict[str, Any]:
    with database_session() as session:
        sendout = get_sendout(session, sendout_id)
        result = move(session, sendout, actor=Actor.command_line(), reason=reason)
        summary = {"id": sendout.id, "state": sendout.state.value}
    if not as_json:
        console.print(f"Send-out {sendout_id} is now {summary['state']}.", highlight=False)
    if isinstance(result, int):
        summary["skipped"] = result
    return summary


@app.command("pause")
def pause(
    sendout_id: int = ID_ARGUMENT, reason: str | None = REASON_OPTION, as_json: bool = JSON_OPTION
) -> None:
    """Stop taking new batches; messages already handed to the relay are not recalled."""
    summary = _move(sendout_id, pause_sendout, reason, as_json)
    if as_json:
        emit_json(summary)


@app.command("resume")
def resume(
    sendout_id: int = ID_ARGUMENT, reason: str | None = REASON_OPTION, as_json: bool = JSON_OPTION
) -> None:
    """Carry on a paused send-out where it stopped (or wait for its time if it had not started)."""
    summary = _move(sendout_id, resume_sendout, reason, as_json)
    summary["dispatch_requested"] = _dispatch_now(as_json)
    if as_json:
        emit_json(summary)


@app.command("cancel")
def cancel(
    sendout_id: int = ID_ARGUMENT, reason: str | None = REASON_OPTION, as_json: bool = JSON_OPTION
) -> None:
    """Cancel for good: deliveries not yet handed to the relay are skipped."""
    summary = _move(sendout_id, cancel_sendout, reason, as_json)
    if as_json:
        emit_json(summary)
    else:
        console.print(f"{summary['skipped']} deliveries skipped.", highlight=False)


def _addresses(text: str) -> list[str]:
    addresses = []
    for part in text.split(","):
        if not part.strip():
            continue
        try:
            addresses.append(parse_address(part.strip()).email)
        except InvalidAddress as exc:
            raise InvalidInput(f"--to {part.strip()!r}: {exc}") from None
    if not addresses:
        raise InvalidInput("--to needs at least one address, e.g. --to me@press.example.org")
    return addresses


@app.command("test")
def send_test_copies(
    release_id: str = typer.Argument(..., help="The release's id or slug."),
    to: str = typer.Option(..., "--to", help="Comma-separated addresses: a@x.example,b@y.example"),
    language: str | None = typer.Option(
        None, "--language", help="Which version (default: the release's default language)."
    ),
    as_json: bool = JSON_OPTION,
) -> None:
    """Send a copy marked [TEST] to a few addresses now; exit 1 if any was not sent.

    Test copies go through the configured transport but leave no delivery and
    count in no statistics.

    Example:

      distributor sendouts test film-grants-2027 --to me@press.example.org,desk@press.example.org
    """
    from distributor.releases import get_release
    from distributor.sending import send_test

    addresses = _addresses(to)
    with database_session() as session:
        release = get_release(session, release_id)
        outcomes = send_test(release, addresses, get_settings(), language)
    results = {
        address: {"outcome": outcome.kind.value, "reply": outcome.reply}
        for address, outcome in outcomes.items()
    }
    all_sent = all(outcome.kind is OutcomeKind.SENT for outcome in outcomes.values())
    if as_json:
        emit_json({"release_id": release.id, "sent": all_sent, "addresses": results})
    else:
        for address, result in results.items():
            colour = "green" if result["outcome"] == OutcomeKind.SENT.value else "red"
            console.print(
                f"[{colour}]{result['outcome']}[/{colour}] {escape(address)}: "
                f"{escape(result['reply'])}",
                highlight=False,
            )
    if not all_sent:
        raise typer.Exit(1)
