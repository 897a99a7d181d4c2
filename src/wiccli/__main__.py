"""Run wic as ``python -m wiccli``."""

import sys

from wiccli.cli.main import main

if __name__ == "__main__":
    sys.exit(main())
