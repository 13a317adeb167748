"""Allow ``python -m citetool``."""

from citetool.cli import main

main()
