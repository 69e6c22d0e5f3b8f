"""Command line: argument parsing only; each command calls one pipeline function."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from generator.errors import ContentErrors


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if not hasattr(args, "run"):
        parser.print_help()
        return 2
    try:
        return args.run(args)
    except ContentErrors as failure:
        print(failure.report(), file=sys.stderr)
        print(f"{len(failure.errors)} error(s).", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m generator",
                                     description="Build and check the 履职事项清单 site.")
    commands = parser.add_subparsers(metavar="COMMAND")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--content", type=Path, default=Path("content"), metavar="DIR",
                        help="content folder (default: content/)")

    check = commands.add_parser("check", parents=[common], help="validate the content and report every problem")
    check.set_defaults(run=_check)

    imp = commands.add_parser("import", parents=[common], help="import the official table into the content folder")
    imp.add_argument("table", type=Path, metavar="FILE", help="the official table (tab-separated text)")
    imp.set_defaults(run=_import)
    return parser


def _check(args: argparse.Namespace) -> int:
    from generator.check import check_content

    print(check_content(args.content))
    return 0


def _import(args: argparse.Namespace) -> int:
    from generator.importer import import_table

    report = import_table(args.table, args.content)
    for warning in report.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    for title, names in (("added", report.added), ("removed", report.removed), ("changed", report.changed)):
        for name in names:
            print(f"{title}: {name}")
    print(f"Imported {args.table}: {report.summary()}.")
    return 0
