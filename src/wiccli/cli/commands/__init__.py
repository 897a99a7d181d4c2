"""One module per command of ``wic``, one package per group (see :mod:`wiccli.cli`)."""
