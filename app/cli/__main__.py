"""``python -m app.cli``: the same as the ``helpline`` command."""

from app.cli import main

main()
