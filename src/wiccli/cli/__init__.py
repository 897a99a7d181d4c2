"""The command-line layer: options in, one core call, output through :mod:`wiccli.output.render`."""
