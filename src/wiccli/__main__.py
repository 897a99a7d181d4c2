"""Run wic as ``python -m wiccli``."""

from wiccli.cli.main import main

if __name__ == "__main__":
    main()
