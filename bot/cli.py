"""The `routeboek` command: one entry point for the bot, the console chat and content tools."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from typing import Any

from bot.content import ContentError, load_content
from bot.knowledge import Knowledge


def _print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False) + "\n")


def _load(args: argparse.Namespace) -> Knowledge | None:
    """Load content or print every problem (path:line: message) to stderr."""
    try:
        return load_content(args.content)
    except ContentError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        print(f"{len(exc.problems)} probleem/problemen in de inhoud; niets geladen.", file=sys.stderr)
        return None


def cmd_check(args: argparse.Namespace) -> int:
    try:
        kb = load_content(args.content)
    except ContentError as exc:
        for problem in exc.problems:
            print(problem)
        return 1
    print(
        f"ok: {len(kb.documents)} documents, {len(kb.sections)} sections, "
        f"{len(kb.escalation)} escalation tables, {len({r.role.id for r in kb.roles})} roles, "
        f"{len(kb.terms)} terms, {len(kb.flows)} flows, {len(kb.gemeenten)} gemeenten"
    )
    return 0


def cmd_knowledge(args: argparse.Namespace) -> int:
    kb = _load(args)
    if kb is None:
        return 1
    data = kb.to_json()
    if args.json:
        _print_json(data)
    else:
        for region in data["regions"]:
            print(f"{region['name']}: {', '.join(region['gemeenten'])} ({'/'.join(region['sectors'])})")
        print(f"{len(data['sections'])} secties, {len(data['escalation'])} opschalingstabellen, {len(data['flows'])} routes")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="routeboek",
        description="Routeboek-bot: de routeboeken verzuim en thuiszitters in een chat.",
    )
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--content",
        metavar="DIR",
        help="folder with knowledge/ and flows/ (default: $ROUTEBOEK_CONTENT_DIR or the shipped content)",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("check", parents=[common], help="validate knowledge/ and flows/")
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("knowledge", parents=[common], help="print the knowledge base")
    p.add_argument("--json", action="store_true", help="one JSON object on stdout")
    p.set_defaults(func=cmd_knowledge)

    for register in _EXTRA_COMMANDS:
        register(sub, common)
    return parser


# Later modules (ask, timeline, chat, run) register their subcommands here, so this file stays
# free of their imports until they are used.
_EXTRA_COMMANDS: list[Callable[[Any, argparse.ArgumentParser], None]] = []


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    result: int = args.func(args)
    return result
