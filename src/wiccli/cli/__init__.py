"""The command-line layer: options in, one core call, output through :mod:`wiccli.output.render`.

Adding a command is one new module under ``cli/commands/`` (a sub-command of
``wic invites``: one under ``cli/commands/invites/``); nothing else lists it::

    \"\"\"``wic grid``: the day as a grid of rooms and hours.\"\"\"

    from wiccli.cli.options import DayOpt
    from wiccli.cli.registry import command
    from wiccli.cli.state import current


    @command()
    def grid(day: DayOpt = None) -> None:
        \"\"\"The day as a grid of rooms and hours.\"\"\"  # the help `wic --help` shows
        state = current()  # the environment (streams, clock) and the event
        ...  # one core call, then render

- The module's name is the command's: ``now.py`` is ``wic now``, ``export_ics.py``
  ``wic export-ics``, ``import_.py`` ``wic import``; a module starting with ``_`` holds
  helpers. A new group is a package whose ``__init__`` marks its callback with ``@group()``.
- ``wic NAME`` imports only that module, so import the core (and anything heavy:
  jinja2, weasyprint, a database driver) inside the function, never at the top.
- ``wic --help`` lists the first paragraph of the function's docstring, read from the file
  without importing it: keep ``@command()`` right above the ``def`` (a test checks).
- Options are ``Annotated`` parameters; shared ones live in :mod:`wiccli.cli.options`; a
  listing takes ``fmt: FormatOpt`` and shows a ``Listing`` (:mod:`wiccli.cli.listing`).
- Raise a :class:`wiccli.errors.WicError` for anything the user got wrong; never print an
  error, call ``sys.exit`` or ``raise typer.Exit`` for one: :func:`wiccli.cli.main.main`
  turns it into one ``error:`` line and the exit status it returns.
- Add an example of the command to its page in docs/ (tests/test_docs.py checks it).
"""
