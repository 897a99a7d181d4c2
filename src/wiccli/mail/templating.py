"""Jinja2 templates for messages and letters: found, checked, rendered; every mistake named.

A template folder of the user's (``[invitations] templates``) is searched first,
wic's defaults (shipped in the package) fill in what it lacks. A category may have
its own versions in a sub-folder named by its id (``government/invitation.txt``).
An HTML body is used only when it sits beside the plain-text body that was chosen,
so a folder of one's own that has no ``invitation.html`` sends plain text alone.

Unknown placeholders are errors, found twice: a name the context does not have is
caught when the template is read (with its line), an unknown attribute when it is
rendered (StrictUndefined, with its line from the traceback Jinja2 rewrites).
"""

from __future__ import annotations

import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from wiccli.errors import DataError
from wiccli.mail.context import NAMES, Scope

if TYPE_CHECKING:
    from jinja2 import Environment, Template

DEFAULTS = Path(__file__).resolve().parent / "templates"
KINDS = ("invitation", "reminder")
LETTERS = ("letter", "visa")


class TemplateError(DataError):
    """A template that does not parse or uses a placeholder that does not exist."""


@dataclass(frozen=True)
class MessageTemplates:
    subject: Template
    text: Template
    html: Template | None


def default_files() -> list[Path]:
    """wic's default templates, as ``templates init`` copies them."""
    return sorted(p for p in DEFAULTS.rglob("*") if p.is_file() and not p.name.startswith("."))


class TemplateSet:
    """The templates of one run: the user's folder (if any) over wic's defaults."""

    def __init__(self, folder: Path | None, names: frozenset[str] = NAMES) -> None:
        if folder is not None and not folder.is_dir():
            raise DataError(f"{folder}: the templates folder ([invitations] templates) "
                            "does not exist; `wic invites templates init` writes one")
        self.roots = [p for p in (folder, DEFAULTS) if p is not None]
        self.names = names  # the top-level names its templates may use (badges have others)
        self.env = _environment(self.roots)
        self._cache: dict[str, Template] = {}
        self._messages: dict[tuple[str, str], MessageTemplates] = {}

    # ---- finding

    def find(self, names: list[str]) -> Template:
        """The first of ``names`` that exists in any folder, read and checked once."""
        for name in names:
            if self._where(name) is not None:
                return self.load(name)
        raise TemplateError(f"no template {names[-1]} in {' or '.join(map(str, self.roots))}")

    def _where(self, name: str) -> Path | None:
        return next((root / name for root in self.roots if (root / name).is_file()), None)

    def load(self, name: str) -> Template:
        if name not in self._cache:
            self._cache[name] = self._read(name)
        return self._cache[name]

    def _read(self, name: str) -> Template:
        from jinja2 import TemplateSyntaxError

        try:
            source, filename, _ = self.env.loader.get_source(self.env, name)  # type: ignore[union-attr]
            where = filename or name
            check_names(self.env, source, name, where, self.label(where), self.names)
            return self.env.get_template(name)
        except TemplateSyntaxError as exc:
            where = self.label(exc.filename or name)
            raise TemplateError(f"{where}:{exc.lineno}: {exc.message}") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise TemplateError(f"{name}: cannot read the template: {exc}") from None

    def label(self, filename: str) -> str:
        """How messages name a template file: its path, or ``wic's default NAME``."""
        path = Path(filename)
        if path.is_relative_to(DEFAULTS):
            return f"wic's default {path.relative_to(DEFAULTS)}"
        return str(path)

    # ---- what a message and a letter use

    def message(self, kind: str, category: str) -> MessageTemplates:
        """The templates of a kind of message for a category (looked up once each)."""
        key = (kind, category)
        if key not in self._messages:
            self._messages[key] = self._message(kind, category)
        return self._messages[key]

    def _message(self, kind: str, category: str) -> MessageTemplates:
        subject = self.find([f"{category}/{kind}.subject.txt", f"{kind}.subject.txt"])
        text = self.find([f"{category}/{kind}.txt", f"{kind}.txt"])
        html_name = str(Path(text.name or "").with_suffix(".html"))
        beside = Path(text.filename or "").with_suffix(".html")
        html = self.load(html_name) if beside.is_file() else None
        return MessageTemplates(subject, text, html)

    def letter(self, variant: str, category: str) -> Template:
        return self.find([f"{category}/{variant}.html", f"{variant}.html"])

    def stylesheet(self, category: str | None, sheet: str = "letter.css") -> str:
        """A letter's CSS, or another ``sheet`` (not a template: CSS braces would fight
        Jinja's); the category's own first, unless ``category`` is None."""
        for name in ([f"{category}/{sheet}"] if category else []) + [sheet]:
            where = self._where(name)
            if where is not None:
                from wiccli.output.files import open_regular

                try:  # a pipe put there after the look is refused, not waited on
                    with open_regular(where, "stylesheet") as handle:
                        return handle.read().decode("utf-8")
                except (OSError, UnicodeDecodeError) as exc:
                    raise TemplateError(f"{where}: cannot read the stylesheet: {exc}") from None
        return ""

    # ---- rendering

    def render(self, template: Template, context: dict[str, Any]) -> str:
        """The template filled in; an unknown placeholder names the template and its line."""
        from jinja2 import TemplateError as JinjaError
        from jinja2 import UndefinedError

        try:
            return template.render(context)
        except UndefinedError as exc:
            line = _template_line(exc, template.filename or "")
            where = self.label(template.filename or template.name or "template")
            raise TemplateError(f"{where}:{line}: unknown placeholder {exc.message}") from None
        except JinjaError as exc:
            line = _template_line(exc, template.filename or "")
            where = self.label(template.filename or template.name or "template")
            raise TemplateError(f"{where}:{line}: {exc.message or exc}") from None


def _environment(roots: list[Path]) -> Environment:
    from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
    from jinja2.utils import missing

    class NamedUndefined(StrictUndefined):
        """Says ``'guest.titel'`` rather than "'dict object' has no attribute 'titel'"."""

        @property
        def _undefined_message(self) -> str:
            owner, name = self._undefined_obj, self._undefined_name
            if self._undefined_hint:
                return str(self._undefined_hint)
            if isinstance(owner, Scope):
                hint = f"; {owner.hint}" if owner.hint else ""
                return repr(f"{owner.scope_name}.{name}") + hint
            if owner is missing:
                return repr(name)
            return f"{name!r} (of a {type(owner).__name__})"

    return Environment(
        loader=FileSystemLoader([str(r) for r in roots], encoding="utf-8"),
        undefined=NamedUndefined,
        autoescape=select_autoescape(["html", "htm", "xml"], default_for_string=False),
        trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
        auto_reload=False,
    )


def check_names(env: Environment, source: str, name: str, filename: str, label: str,
                names: frozenset[str] = NAMES) -> None:
    """Refuse a top-level name the context does not have, naming its first line."""
    from jinja2 import meta, nodes

    tree = env.parse(source, name, filename)
    unknown = sorted(meta.find_undeclared_variables(tree) - names - set(env.globals))
    if not unknown:
        return
    lines = {n.name: n.lineno for n in reversed(list(tree.find_all(nodes.Name)))}
    first = min(unknown, key=lambda name: lines.get(name, 0))
    known = ", ".join(sorted(names))
    raise TemplateError(f"{label}:{lines.get(first, 1)}: unknown placeholder {first!r} "
                        f"(known: {known})")


def _template_line(exc: BaseException, filename: str) -> int:
    """The template line an error was raised at: the last frame Jinja2 mapped to it."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename == filename]
    return frames[-1].lineno or 1 if frames else 1


def copy_defaults(folder: Path, *, force: bool = False) -> list[Path]:
    """wic's default templates written into ``folder``; an existing file is kept unless
    ``force`` (all are checked first, so a refusal writes nothing)."""
    from wiccli.output.files import prepare_folder, write_atomic

    sources = default_files()
    targets = [folder / p.relative_to(DEFAULTS) for p in sources]
    present = [t for t in targets if t.exists()]
    if present and not force:
        shown = ", ".join(str(t) for t in present[:3]) + (" …" if len(present) > 3 else "")
        raise DataError(f"{folder}: {len(present)} template(s) exist already ({shown}); "
                        "--force replaces them")
    for source, target in zip(sources, targets, strict=True):
        prepare_folder(target.parent)
        write_atomic(target, source.read_bytes())
    return targets
