"""Allow ``python -m citetool``."""

from citetool.cli.app import main

main()
