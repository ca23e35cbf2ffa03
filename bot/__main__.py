"""Allow `python -m bot ...` as an alias of the `routeboek` command."""

from bot.cli import main

raise SystemExit(main())
