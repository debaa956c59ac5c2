"""``python -m cli …`` is the ``kb`` command."""

from cli import main

main()
