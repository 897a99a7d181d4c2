"""Synthetic but realistic inputs for the benchmarks: event files and invitation ledgers.

    python benchmarks/generate.py event --sessions 1000 --days 3 -o big.toml
    python benchmarks/generate.py ledger --entries 10000 --event big.toml -o ledger.toml
    python benchmarks/generate.py guests --rows 10000 -o guests.csv

Output is deterministic for a given seed, accepted by wic's loader, and looks like
a real programme: long bilingual titles, hosts and speakers, several venues and
themes, a few cancelled, tentative and provisional sessions, sessions that span days.
Pure standard library, so it runs anywhere the benchmarks run.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tomllib
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path

TOPICS = [
    ("artificial-intelligence", "Artificial Intelligence", "人工智能"),
    ("cybersecurity", "Cybersecurity", "网络安全"),
    ("digital-economy", "Digital Economy", "数字经济"),
    ("internet-of-things", "Internet of Things", "物联网"),
    ("5g", "5G Networks", "第五代移动通信"),
    ("big-data", "Big Data", "大数据"),
    ("digital-silk-road", "Digital Silk Road", "数字丝绸之路"),
    ("privacy", "Privacy and Personal Data", "隐私与个人数据保护"),
    ("industrial-internet", "Industrial Internet", "工业互联网"),
    ("e-government", "E-Government", "电子政务"),
    ("cross-border-e-commerce", "Cross-border E-commerce", "跨境电子商务"),
    ("media-convergence", "Media Convergence", "媒体融合"),
]
FORMATS = [
    "Forum on {en}: Cooperation, Governance and a Shared Future in Cyberspace",
    "Round Table on {en} and Sustainable Development",
    "{en} Summit — Building Trust Across Borders",
    "Workshop: Practical {en} for Cities, Companies and Citizens",
    "Dialogue on {en} between Academia and Industry",
]
KINDS = ["sub-forum"] * 6 + ["plenary", "workshop", "release", "dialogue"]
FAMILY = ["Wang", "Li", "Zhang", "Liu", "Chen", "Müller", "García", "Okafor", "Sato", "Nguyen",
          "Ivanova", "Smith", "Kowalski", "Haddad", "Silva", "Dubois"]
GIVEN = ["Wei", "Fang", "Jun", "Lei", "Anna", "Jonas", "María", "Chinedu", "Yuki", "Linh",
         "Olga", "James", "Piotr", "Nour", "João", "Claire"]
CJK_NAMES = ["王伟", "李娜", "张敏", "刘洋", "陈静", "杨磊", "赵军", "黄丽"]
ROLES = ["Chief Executive", "Professor", "Director-General", "Minister", "Chief Scientist",
         "Vice President", "Senior Fellow", "Secretary-General"]
ORGS = ["Zhejiang University", "Tsinghua University", "ITU", "UNESCO", "Alibaba Group",
        "Tencent", "Huawei", "Nokia", "Siemens", "ICANN", "Internet Society",
        "Cyberspace Administration of China", "World Economic Forum", "Kaspersky"]
COUNTRIES = ["CN", "US", "DE", "FR", "GB", "JP", "KR", "RU", "BR", "IN", "NG", "EG", "PK",
             "TH", "VN", "AE", "ZA", "IT", "ES", "PL"]
CATEGORIES = [
    ("government", "Government delegates"),
    ("international-organizations", "International organisation representatives"),
    ("enterprises", "Leading figures of internet enterprises"),
    ("experts", "Renowned experts and scholars"),
]
# (status, the statuses it went through): paths the ledger's status rules allow.
PATHS = [("invited", ())] * 4 + [
    ("tentative", ("tentative",)), ("accepted", ("accepted",)),
    ("accepted", ("tentative", "accepted")), ("declined", ("declined",)),
    ("withdrawn", ("withdrawn",)), ("attended", ("accepted", "attended")),
    ("no-show", ("accepted", "no-show")),
]


def q(text: str) -> str:
    """A TOML basic string (JSON's escapes are a subset TOML accepts)."""
    return json.dumps(text, ensure_ascii=False)


def person(rng: random.Random) -> str:
    if rng.random() < 0.3:
        name = rng.choice(CJK_NAMES)
    else:
        name = f"{rng.choice(GIVEN)} {rng.choice(FAMILY)}"
    return f"{name}, {rng.choice(ROLES)}, {rng.choice(ORGS)}"


# --------------------------------------------------------------------------- events


def event_toml(sessions: int, days: int, venues: int, themes: int, seed: int) -> Iterator[str]:
    """The lines of an event file with ``sessions`` sessions over ``days`` days."""
    rng = random.Random(seed)
    start = date(2018, 11, 7)
    end = start + timedelta(days=days - 1)
    yield from [
        "# Synthetic event for wic's benchmarks (benchmarks/generate.py).", "", "[event]",
        'id = "bench"', f"name = {q(f'Benchmark Internet Conference ({sessions} sessions)')}",
        'short_name = "Bench"', 'timezone = "Asia/Shanghai"',
        f"start = {start.isoformat()}", f"end = {end.isoformat()}",
        f"location = {q('Wuzhen, Zhejiang, China / 浙江乌镇')}",
        'organizers = ["Benchmark Committee", "基准测试委员会"]',
        'url = "https://example.org/bench"', "updated = 2018-10-01T00:00:00Z", "",
    ]
    for i in range(themes):
        topic = TOPICS[i % len(TOPICS)]
        yield from ["[[themes]]", f'id = "theme-{i + 1}"',
                    f"name = {q(f'{topic[1]} · {topic[2]} {i + 1}')}",
                    f"description = {q(f'Sessions on {topic[1].lower()} ({topic[2]}).')}", ""]
    for i in range(venues):
        hall = f"Hall {i + 1}, Wuzhen Internet International Convention Center"
        address = f"{i + 1} Longxiang Road, Tongxiang / 桐乡市龙翔街道 {i + 1} 号"
        yield from ["[[venues]]", f'id = "venue-{i + 1}"', f"name = {q(hall)}",
                    f"address = {q(address)}",
                    f"lat = {30.74 + i / 1000:.4f}", f"lon = {120.49 + i / 1000:.4f}", ""]
    for n in range(sessions):
        yield from session_toml(rng, n, start, days, venues, themes)
    yield from ["[invitations]", f"target = {max(100, sessions * 10)}", ""]
    for cid, name in CATEGORIES:
        yield from ["[[invitations.categories]]", f'id = "{cid}"', f"name = {q(name)}", ""]


def session_toml(
    rng: random.Random, n: int, first: date, days: int, venues: int, themes: int
) -> list[str]:
    slug, en, zh = rng.choice(TOPICS)
    kind = rng.choice(KINDS)
    theme = rng.randrange(themes) + 1
    day = first + timedelta(days=rng.randrange(days))
    begin = datetime(day.year, day.month, day.day, rng.randrange(8, 19), rng.choice((0, 30)))
    finish = begin + timedelta(minutes=rng.choice((45, 60, 90, 120, 180)))
    if n % 97 == 0 and days > 1 and day < first + timedelta(days=days - 1):
        finish = begin + timedelta(days=1)  # an exhibition that runs overnight
    title = f"{rng.choice(FORMATS).format(en=en)} · {zh}论坛 ({n + 1})"
    lines = [
        "[[sessions]]", f'id = "s{n + 1:05d}-{slug}"', f"title = {q(title)}",
        f'kind = "{kind}"', f'theme = "theme-{theme}"',
        f'venue = "venue-{rng.randrange(venues) + 1}"',
        f"start = {begin.isoformat()}", f"end = {finish.isoformat()}",
    ]
    if n % 50 == 7:
        lines += ['status = "cancelled"', "sequence = 1"]
    elif n % 50 == 19:
        lines.append('status = "tentative"')
    if n % 10 == 3:
        lines.append("provisional = true")
    hosts = [person(rng) for _ in range(rng.randrange(1, 3))]
    speakers = [person(rng) for _ in range(rng.randrange(0, 6))]
    lines.append(f"hosts = [{', '.join(map(q, hosts))}]")
    if speakers:
        lines.append(f"speakers = [{', '.join(map(q, speakers))}]")
    about = (f"Leaders from government, industry and research discuss {en.lower()}: "
             f"policy, standards and practice. 与会嘉宾围绕{zh}的政策、标准与实践展开讨论。")
    lines += [f"description = {q(about)}", f'url = "https://example.org/bench/s{n + 1}"', ""]
    return lines


# --------------------------------------------------------------------------- ledgers


def ledger_toml(entries: int, event_id: str, seed: int) -> Iterator[str]:
    """The lines of an invitation ledger (schema 1) with ``entries`` invitations.

    The first entry is always still "invited", so ``invites set inv-00001 accepted``
    is a valid change.
    """
    rng = random.Random(seed)
    yield from ["# Synthetic invitation ledger for wic's benchmarks.", "schema = 1",
                f"event = {q(event_id)}", ""]
    base = datetime(2018, 9, 1, 9, 0)
    taken: set[tuple[str, str]] = set()
    for n in range(entries):
        yield from invitation_toml(rng, n, base, taken)


def invitation_toml(rng: random.Random, n: int, base: datetime,
                    taken: set[tuple[str, str]]) -> list[str]:
    given, family = rng.choice(GIVEN), rng.choice(FAMILY)
    name = rng.choice(CJK_NAMES) if rng.random() < 0.25 else f"{given} {family}"
    organization = rng.choice(ORGS)
    if (name, organization) in taken:  # the ledger holds one guest of a name per organisation
        name = f"{name} ({n + 1})"
    taken.add((name, organization))
    created = base + timedelta(minutes=7 * n)
    status, path = PATHS[0] if n == 0 else rng.choice(PATHS)
    history = [f'{{ at = {created.isoformat()}Z, status = "invited" }}']
    updated = created
    for step in path:
        updated += timedelta(days=rng.randrange(1, 15))
        history.append(f"{{ at = {updated.isoformat()}Z, status = {q(step)} }}")
    user = f"{given}.{family}".lower().encode("ascii", "ignore").decode()
    lines = [
        "[[invitations]]", f'id = "inv-{n + 1:05d}"', f"name = {q(name)}",
        f"organization = {q(organization)}", f'category = "{rng.choice(CATEGORIES)[0]}"',
        f'country = "{rng.choice(COUNTRIES)}"', f'email = "{user}.{n}@example.org"',
        f"quantity = {rng.choice((1, 1, 1, 2, 3))}", f"status = {q(status)}",
    ]
    if n % 9 == 0:
        lines.append(f"note = {q('Seat in the first rows · 前排就座')}")
    return lines + [f"created = {created.isoformat()}Z", f"updated = {updated.isoformat()}Z",
                    f"history = [{', '.join(history)}]", ""]


# --------------------------------------------------------------------------- mailboxes

REPLY_SHAPES = ("alternative", "mixed", "single")
PARTSTATS = ("ACCEPTED", "ACCEPTED", "DECLINED", "TENTATIVE")


def mbox_messages(messages: int, entries: int, event_id: str, seed: int,
                  emails: dict[str, str] | None = None) -> Iterator[str]:
    """An mbox of answers to the invitations of a generated ledger: calendar REPLYs in
    three MIME shapes (most), plain-text answers, delivery failures, unknown UIDs. With
    ``emails`` (entry id -> address, from the ledger), each comes from its guest's address,
    and a bounce returns the invitation ``record_sent.py`` records as sent."""
    rng = random.Random(seed)
    base = datetime(2018, 10, 1, 8, 0)
    for n in range(messages):
        when = base + timedelta(seconds=37 * n)
        entry = f"inv-{n % entries + 1:05d}"
        email = (emails or {}).get(entry, f"guest{n}@example.org")
        roll = rng.random()
        if roll < 0.10:
            body = plain_answer(n, when, email)
        elif roll < 0.15:
            body = bounce(n, when, entry, event_id, email if emails else "")
        else:
            uid = (f"invitation-{entry}@{event_id}.wic" if roll < 0.95
                   else f"{rng.getrandbits(64):016x}@elsewhere.example")
            body = reply(n, when, uid, rng.choice(PARTSTATS), rng.choice(REPLY_SHAPES), email)
        yield f"From {email} {when:%a %b %d %H:%M:%S %Y}"
        yield body.replace("\nFrom ", "\n>From ")
        yield ""


def _head(n: int, when: datetime, subject: str, content_type: str,
          email: str = "") -> str:
    return (f"From: Guest {n} <{email or f'guest{n}@example.org'}>\n"
            "To: invitations@example.org\n"
            f"Subject: {subject}\nDate: {when:%a, %d %b %Y %H:%M:%S} +0000\n"
            f"Message-ID: <answer-{n}@example.org>\nMIME-Version: 1.0\n"
            f"Content-Type: {content_type}\n")


def reply(n: int, when: datetime, uid: str, partstat: str, shape: str, email: str) -> str:
    calendar = "\n".join([
        "BEGIN:VCALENDAR", "PRODID:-//bench//EN", "VERSION:2.0", "METHOD:REPLY",
        "BEGIN:VEVENT", f"UID:{uid}", "SEQUENCE:0", f"DTSTAMP:{when:%Y%m%dT%H%M%S}Z",
        "DTSTART:20181107T010000Z", "SUMMARY:5th World Internet Conference",
        f"ATTENDEE;CN=Guest {n};PARTSTAT={partstat}:mailto:{email}",
        "END:VEVENT", "END:VCALENDAR"])
    part = f"Content-Type: text/calendar; charset=utf-8; method=REPLY\n\n{calendar}\n"
    subject = f"{partstat.title()}: Invitation"
    if shape == "single":
        return _head(n, when, subject, "text/calendar; charset=utf-8; method=REPLY",
                     email) + f"\n{calendar}\n"
    kind = "multipart/alternative" if shape == "alternative" else "multipart/mixed"
    return (_head(n, when, subject, f'{kind}; boundary="b{n}"', email) +
            f"\n--b{n}\nContent-Type: text/plain; charset=utf-8\n\nGuest {n} answered.\n"
            f"--b{n}\n{part}--b{n}--\n")


def plain_answer(n: int, when: datetime, email: str) -> str:
    return (_head(n, when, "Re: Invitation", "text/plain; charset=utf-8", email) +
            "\nThank you, I will come. Where is the hotel?\n")


def bounce(n: int, when: datetime, entry: str, event_id: str, email: str) -> str:
    returned = f"<sent-{entry}@example.org>" if email else f"<sent-{n}@example.org>"
    return (_head(n, when, "Undelivered Mail Returned to Sender",
                  f'multipart/report; report-type=delivery-status; boundary="r{n}"') +
            f"\n--r{n}\nContent-Type: text/plain\n\nCould not deliver.\n"
            f"--r{n}\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx\n\n"
            f"Final-Recipient: rfc822; {email or entry + '@nowhere.example'}\n"
            "Action: failed\n"
            f"Status: 5.1.1\n\n--r{n}\nContent-Type: message/rfc822\n\n"
            f"From: invitations@example.org\nMessage-ID: {returned}\n"
            f"Content-Type: text/calendar; method=REQUEST\n\nBEGIN:VCALENDAR\n"
            f"METHOD:REQUEST\nBEGIN:VEVENT\nUID:invitation-{entry}@{event_id}.wic\n"
            f"END:VEVENT\nEND:VCALENDAR\n\n--r{n}--\n")


def guests_csv(rows: int, seed: int) -> Iterator[str]:
    """The lines of a guest list to import: ``rows`` new guests, every column filled."""
    rng = random.Random(seed)
    yield "name,organization,category,country,email,quantity,status"
    for n in range(rows):
        given, family = rng.choice(GIVEN), rng.choice(FAMILY)
        user = f"{given}.{family}".lower().encode("ascii", "ignore").decode()
        yield ",".join([f"{given} {family} {n}", rng.choice(ORGS).replace(",", ""),
                        rng.choice(CATEGORIES)[0], rng.choice(COUNTRIES),
                        f"{user}.{n}@example.org", str(rng.choice((1, 1, 1, 2))), "invited"])


# --------------------------------------------------------------------------- CLI


def write_lines(lines: Iterator[str], out: Path | None) -> None:
    text = "\n".join(lines) + "\n"
    if out is None:
        sys.stdout.write(text)
        return
    tmp = out.with_name(f".{out.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(out)


def event_id_of(path: Path) -> str:
    with path.open("rb") as handle:
        return str(tomllib.load(handle)["event"]["id"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="what", required=True)
    ev = sub.add_parser("event", help="an event file")
    ev.add_argument("--sessions", type=int, default=1000)
    ev.add_argument("--days", type=int, default=3)
    ev.add_argument("--venues", type=int, default=12)
    ev.add_argument("--themes", type=int, default=5)
    ev.add_argument("--seed", type=int, default=2018)
    ev.add_argument("-o", "--output", type=Path)
    led = sub.add_parser("ledger", help="an invitation ledger")
    led.add_argument("--entries", type=int, default=10000)
    led.add_argument("--event", type=Path, help="the event file (for its id)")
    led.add_argument("--event-id", default="bench", help="the event id, without --event")
    led.add_argument("--seed", type=int, default=2018)
    led.add_argument("-o", "--output", type=Path)
    csv_list = sub.add_parser("guests", help="a guest list (CSV) to import")
    csv_list.add_argument("--rows", type=int, default=10000)
    csv_list.add_argument("--seed", type=int, default=2018)
    csv_list.add_argument("-o", "--output", type=Path)
    box = sub.add_parser("mbox", help="an mbox of answers to a generated ledger")
    box.add_argument("--messages", type=int, default=10000)
    box.add_argument("--entries", type=int, default=10000)
    box.add_argument("--event-id", default="bench")
    box.add_argument("--seed", type=int, default=2018)
    box.add_argument("--ledger", type=Path, help="the ledger TOML: answers come from its "
                     "guests' addresses")
    box.add_argument("-o", "--output", type=Path)
    args = parser.parse_args(argv)
    if args.what == "guests":
        write_lines(guests_csv(args.rows, args.seed), args.output)
        return 0
    if args.what == "mbox":
        emails = None
        if args.ledger:
            with args.ledger.open("rb") as handle:
                emails = {e["id"]: e["email"] for e in tomllib.load(handle)["invitations"]}
        write_lines(mbox_messages(args.messages, max(1, args.entries), args.event_id,
                                  args.seed, emails), args.output)
        return 0
    if args.what == "event":
        if min(args.sessions, args.venues, args.themes) < 0 or min(args.days, args.venues,
                                                                      args.themes) < 1:
            parser.error("--days, --venues and --themes must be at least 1")
        write_lines(event_toml(args.sessions, args.days, args.venues, args.themes, args.seed),
                    args.output)
    else:
        event_id = event_id_of(args.event) if args.event else args.event_id
        write_lines(ledger_toml(args.entries, event_id, args.seed), args.output)
    return 0


if __name__ == "__main__":
    sys.exit(main())
