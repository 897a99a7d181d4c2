"""Check an event file: every error the loader finds and every warning, with lines.

Pure: text in, :class:`Report` out. The rules are the loader's
(:func:`wiccli.event.check.check_event`) and the linter's (:mod:`wiccli.authoring.lint`); this
module adds line numbers and shapes the result for people and for scripts.
"""

from __future__ import annotations

import textwrap
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from wiccli.authoring import lint
from wiccli.authoring.keys import KeyLocator
from wiccli.errors import at_most
from wiccli.event.check import check
from wiccli.event.load import TomlRefused, loads, syntax_position
from wiccli.text import plural

# Warning classes about one id each: many of them read best as one line listing the ids.
_GROUPED = {
    lint.PROVISIONAL: "sessions have a provisional time (provisional = true)",
    lint.SUB_FORUM_WITHOUT_VENUE: "sub-forums have no venue",
    lint.THEME_WITHOUT_SUB_FORUM: "themes have no sub-forum",
}
GROUP_ABOVE = 3  # a class with more findings than this is listed on one line
MAX_EACH = 10  # at most this many lines per overlap class unless every one is asked for


@dataclass(frozen=True, slots=True)
class Issue:
    path: str
    message: str
    line: int | None = None
    column: int | None = None
    code: str | None = None
    subject: str | None = None


@dataclass(frozen=True, slots=True)
class Report:
    file: str
    errors: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)
    summary: dict[str, Any] | None = None

    def passed(self, strict: bool) -> bool:
        return not self.errors and not (strict and self.warnings)


def check_text(text: str, source: str) -> Report:
    """Parse and check one event file's text."""
    try:
        data = loads(text)
    except tomllib.TOMLDecodeError as exc:
        message, line, column = syntax_position(str(exc))
        return Report(source, errors=[Issue("", message, line, column)])
    except TomlRefused as exc:
        return Report(source, errors=[Issue("", exc.message, exc.line, exc.column)])
    checked = check(data, source=source)
    event, problems = checked.event, checked.problems
    locator = KeyLocator(text)
    if problems or event is None:
        errors = [Issue(p.path, p.message, p.line or locator.line(p.path)) for p in problems]
        # In the file's order, so an editor can walk them top to bottom.
        errors.sort(key=lambda e: e.line or 0)
        return Report(source, errors=errors)
    found = [
        Issue(n.path, n.message, locator.line(n.path), code=lint.CLOCK_CHANGE,
              subject=n.path.split(".")[0])
        for n in checked.notes
    ] + [
        Issue(f.path, f.message, locator.line(f.path), code=f.code, subject=f.subject)
        for f in lint.lint(event)
    ]
    # The event's [checks] say which classes fail validation and which stay quiet.
    levels = [event.checks.level(str(issue.code)) for issue in found]
    errors = [replace(issue, message=f"{issue.message} ({issue.code} is an error here: "
                                     "see [checks])")
              for issue, level in zip(found, levels, strict=True) if level == "error"]
    warnings = [issue for issue, level in zip(found, levels, strict=True) if level == "warn"]
    return Report(source, errors=errors, warnings=warnings, summary=lint.summary(event))


def report_record(report: Report, strict: bool) -> dict[str, Any]:
    """The JSON shape of ``wic validate -f json`` (documented in the README)."""
    return {
        "file": report.file,
        "valid": report.passed(strict),
        "strict": strict,
        "errors": [
            {"path": e.path, "line": e.line, "column": e.column, "message": e.message,
             "code": e.code}
            for e in report.errors
        ],
        "warnings": [
            {"code": w.code, "path": w.path, "line": w.line, "message": w.message}
            for w in report.warnings
        ],
        "summary": report.summary,
    }


def problem_rows(report: Report) -> list[dict[str, Any]]:
    """One row per error, then per warning: the rows of ``wic validate -f csv``."""
    return [{"severity": severity, "code": issue.code, "line": issue.line,
             "column": issue.column, "path": issue.path, "message": issue.message}
            for severity, issues in (("error", report.errors), ("warning", report.warnings))
            for issue in issues]


def _where(report: Report, issue: Issue) -> str:
    place = report.file
    if issue.line:
        place += f":{issue.line}"
        if issue.column:
            place += f":{issue.column}"
    return f"{place}: {issue.path}: " if issue.path else f"{place}: "


def report_lines(report: Report, *, every: bool = False, width: int = 100,
                 strict: bool = False) -> list[str]:
    """The lines for people (stderr): errors, then warnings grouped by class, then a verdict."""
    lines = [f"error: {_where(report, e)}{e.message}" for e in report.errors]
    for code in lint.CODES:
        found = [w for w in report.warnings if w.code == code]
        if code in _GROUPED and len(found) > GROUP_ABOVE and not every:
            head = f"warning: {report.file}: {len(found)} {_GROUPED[code]}: "
            ids = ", ".join(w.subject or w.path for w in found)
            lines.extend(textwrap.wrap(head + ids, width=width, subsequent_indent="  ",
                                       break_on_hyphens=False))
            continue
        each = [f"warning: {_where(report, w)}{w.message}" for w in found]
        lines += each if every else at_most(each, _more(report.file, code), MAX_EACH)
    lines.append(verdict(report, strict))
    return lines


def _more(file: str, code: str) -> Callable[[int], str]:
    return lambda n: f"warning: {file}: … and {n} more ({code}; --all lists every one)"


def verdict(report: Report, strict: bool = False) -> str:
    """The last line: invalid, valid, or (with --strict) failing for its warnings."""
    if report.errors:
        return f"{report.file}: invalid, {plural(len(report.errors), 'error')}"
    if not report.warnings:
        return f"{report.file}: valid, no warnings"
    counts = ", ".join(
        f"{n} {code}" for code in lint.CODES
        if (n := sum(1 for w in report.warnings if w.code == code))
    )
    found = f"{plural(len(report.warnings), 'warning')} ({counts})"
    if strict:
        return f"{report.file}: fails under --strict: {found}"
    return f"{report.file}: valid, {found}"


