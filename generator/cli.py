"""Command line: argument parsing only; each command calls one pipeline function."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from generator import i18n
from generator.errors import ContentErrors
from generator.i18n import N_, _, ngettext
from generator.engine.parallel import WorkerError

# argparse's own words (usage, errors), translated through our catalogue; see _translate_argparse.
ARGPARSE_MESSAGES = (
    N_("usage: "), N_("positional arguments"), N_("options"), N_("show this help message and exit"),
    N_("%(prog)s: error: %(message)s\n"), N_("the following arguments are required: %s"),
    N_("unrecognized arguments: %s"), N_("invalid choice: %(value)r (choose from %(choices)s)"),
    N_("argument %(argument_name)s: %(message)s"), N_("invalid %(type)s value: %(value)r"),
    N_("expected one argument"), N_("ambiguous option: %(option)s could match %(matches)s"),
)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    i18n.use_language(_language_option(argv))
    _translate_argparse()
    parser = _parser()
    args = parser.parse_args(argv)
    if not hasattr(args, "run"):
        parser.print_help()
        return 2
    try:
        return args.run(args)
    except ContentErrors as failure:
        print(failure.report(), file=sys.stderr)
        count = len(failure.errors)
        print(ngettext("{count} error.", "{count} errors.", count).format(count=count), file=sys.stderr)
        return 1
    except WorkerError as failure:  # a worker died (killed, out of memory): nothing was written
        print(_("error: {problem}").format(problem=failure), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


def _command(commands, name: str, common: argparse.ArgumentParser, text: str) -> argparse.ArgumentParser:
    """A subcommand whose one-line help is also the description of its own ``--help``."""
    return commands.add_parser(name, parents=[common], help=text, description=text)


def _language_option(argv: list[str]) -> str | None:
    """The value of ``--lang`` wherever it stands, read before the parser is made in that language."""
    for index, word in enumerate(argv):
        if word.startswith("--lang="):
            return word.split("=", 1)[1]
        if word == "--lang" and index + 1 < len(argv):
            return argv[index + 1]
    return None


def _translate_argparse() -> None:
    """Make argparse's usage and error words follow the chosen language.

    argparse looks its words up through the module-level names ``_`` and
    ``ngettext`` it imported from ``gettext``; pointing them at ours is the
    documented way its messages are localised (it has no hook of its own).
    """
    argparse._ = _  # type: ignore[attr-defined]
    argparse.ngettext = ngettext  # type: ignore[attr-defined]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m generator",
                                     description=_("Build and check the 履职事项清单 site."))
    commands = parser.add_subparsers(metavar="COMMAND")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--content", type=Path, default=Path("content"), metavar="DIR",
                        help=_("content folder (default: content/)"))
    for where, default in ((parser, None), (common, argparse.SUPPRESS)):  # before or after COMMAND
        where.add_argument("--lang", choices=i18n.LANGUAGES, default=default,
                           help=_("language of messages: zh (default) or en; also the LVZHI_LANG variable"))

    check = _command(commands, "check", common, _("validate the content and report every problem"))
    check.set_defaults(run=_check)

    imp = _command(commands, "import", common, _("import the official table into the content folder"))
    imp.description = _("Read the official table (an Excel workbook, a Word document with a table, a saved web "
                        "page or tab-separated text) and write one matter file per row. Nothing is written "
                        "unless the whole new list passes check.")
    imp.add_argument("table", type=Path, metavar="FILE",
                     help=_("the official table: .xlsx, .docx, a web page or text (the format is read from "
                            "the file, not its name)"))
    imp.add_argument("--dry-run", action="store_true",
                     help=_("show what would change in the list, write nothing"))
    imp.add_argument("--allow-removals", action="store_true",
                     help=_("let the import remove matters that are not in the table"))
    imp.add_argument("--list", dest="list_key", metavar="TOWN/TYPE",
                     help=_("in a content folder of several lists (lists/): the list to import into, e.g. "
                            "xingsheng/peihe; the type is jiben (基本), peihe (配合) or shouhui (收回)"))
    imp.add_argument("--title", metavar="TITLE",
                     help=_("with --list, for a list that does not exist yet: its title, written to its list.yml "
                            "(default: the town's name and the type's name, e.g. 兴胜镇基本履职事项清单)"))
    imp.epilog = _("In a content folder of several lists, --list names the list. The town must exist "
                   "(lists/<town>/town.yml); a list that does not exist yet is created with a list.yml holding "
                   "its type and title and, for a list with categories, a categories.yml made of the table's "
                   "category rows. A 配合 table has the 配合 list's columns, a 基本 or 收回 table its type's "
                   "(序号, 事项名称, … as docs/keepers-guide.md shows).")
    imp.set_defaults(run=_import)

    diff = _command(commands, "diff", common, _("summarise the content changes between two git revisions"))
    diff.epilog = _("A matter that cannot be read at one of the revisions (broken YAML, a link leading out of the "
                    "content folder) is named in a warning and left out of the summary: it is reported neither as "
                    "removed nor as added, and the exit status stays 0. Settings that cannot be read are an error "
                    "(exit status 1).")
    diff.add_argument("base", nargs="?", metavar="BASE",
                      help=_("the older revision (default: where this branch left main, or HEAD)"))
    diff.add_argument("head", nargs="?", metavar="HEAD", help=_("the newer revision (default: the working tree)"))
    diff.add_argument("--format", choices=("text", "markdown", "json"), default="text",
                      help=_("text for the terminal, markdown for a pull-request comment, json for tools"))
    diff.set_defaults(run=_diff)

    comment = _command(commands, "comment", common,
                       _("in a pull-request pipeline: check, summarise the change since the target branch, "
                         "and post the summary on the pull request"))
    comment.add_argument("--out", type=Path, default=Path("change-summary.md"), metavar="FILE",
                         help=_("where to write the summary (default: change-summary.md)"))
    comment.add_argument("--target", metavar="REV",
                         help=_("compare with where HEAD left this branch or revision "
                                "(default: the pull request's target branch, else main)"))
    comment.add_argument("--changes-page", action="store_true",
                         help=_("link the summary page of the built site (changes/index.html) from the comment"))
    comment.set_defaults(run=_comment)

    build = _command(commands, "build", common, _("build the site into the output folder"))
    build.add_argument("--out", type=Path, default=Path("site"), metavar="DIR",
                       help=_("output folder, replaced only when the build succeeds (default: site/)"))
    build.add_argument("--cache-dir", type=Path, default=Path(".cache"), metavar="DIR",
                       help=_("where the build keeps what the next build can reuse (default: .cache/)"))
    build.add_argument("--no-cache", action="store_true", help=_("neither read nor write a cache"))
    build.add_argument("--jobs", type=_positive, default=None, metavar="N",
                       help=_("worker processes (default: one per CPU core; 1 builds in this process)"))
    build.add_argument("--changes-base", metavar="REV",
                       help=_("also write changes/index.html: what changed in the list since the git revision "
                              "REV, as 'diff REV' shows it (for a pull request's preview site)"))
    build.set_defaults(run=_build)

    migrate = _command(commands, "migrate", common,
                       _("move a single-list content folder into the layout of several lists"))
    migrate.description = _("Move categories.yml and matters/ into lists/<town>/peihe/ (with git mv when git "
                            "tracks them) and split site.yml into the publisher's site.yml, the town's town.yml "
                            "and the list's list.yml. No matter file changes; nothing is written unless the "
                            "result is the same list, valid.")
    migrate.add_argument("folder", nargs="?", type=Path, metavar="CONTENT_DIR",
                         help=_("the single-list content folder (default: --content, content/)"))
    migrate.add_argument("--town", required=True, metavar="SLUG",
                         help=_("the town's folder name, lower-case ASCII (e.g. xingsheng): it becomes part of "
                                "the pages' addresses"))
    migrate.set_defaults(run=_migrate)

    serve = _command(commands, "serve", common, _("preview the site, rebuilt and reloaded in the browser as you edit"))
    serve.add_argument("--host", default="127.0.0.1",
                       help=_("address to listen on (default: 127.0.0.1, this computer only)"))
    serve.add_argument("--port", type=int, default=8000, help=_("port to listen on (default: 8000)"))
    serve.add_argument("--open", action="store_true", help=_("open the site in the default browser"))
    serve.set_defaults(run=_serve)
    return parser


def _check(args: argparse.Namespace) -> int:
    from generator.content.check import check_content
    from generator.content.lists import check_library, is_multi_list

    print(check_library(args.content) if is_multi_list(args.content) else check_content(args.content))
    return 0


def _several_lists(folder: Path, command: str) -> bool:
    """Whether ``folder`` has several lists, which ``command`` cannot handle yet (said on stderr)."""
    from generator.content.lists import is_multi_list

    if not is_multi_list(folder):
        return False
    print(_("error: {folder} holds several lists (lists/); '{command}' does not support that yet: only check, "
            "build, import, migrate, diff and comment do").format(folder=folder, command=command), file=sys.stderr)
    return True


def _import(args: argparse.Namespace) -> int:
    from generator.review.diff_format import render, use_colour
    from generator.content.lists import is_multi_list
    from generator.importing.importer import import_table
    from generator.importing.list_import import ListImportError, find_list, import_into_list, several_lists

    try:
        if is_multi_list(args.content):
            if args.list_key is None:
                found = several_lists(args.content)
                raise ListImportError(_("{folder} holds several lists (lists/): say which one to import into with "
                                        "--list <town>/<type>, e.g. --list {example}").format(
                    folder=args.content, example=found[0] if found else "xingsheng/peihe"))
            target = find_list(args.content, args.list_key)
            report = import_into_list(args.table, target, dry_run=args.dry_run,
                                      allow_removals=args.allow_removals, title=args.title)
        else:
            if args.list_key is not None or args.title is not None:
                raise ListImportError(_("{folder} holds a single list (it has no lists/ folder): import without "
                                        "--list and --title").format(folder=args.content))
            report = import_table(args.table, args.content, dry_run=args.dry_run,
                                  allow_removals=args.allow_removals)
    except ListImportError as refused:
        print(_("error: {problem}").format(problem=refused), file=sys.stderr)
        return 1
    for warning in report.warnings:
        print(_("warning: {message}").format(message=warning), file=sys.stderr)
    if args.dry_run:
        if report.change is not None:
            sys.stdout.write(render(report.change, "text", colour=use_colour(sys.stdout)))
        else:  # a list of a type that diff does not read yet: its files
            _print_files(report)
        if report.removed and not args.allow_removals:
            print(ngettext("This import removes {count} matter: it needs --allow-removals.",
                           "This import removes {count} matters: it needs --allow-removals.",
                           len(report.removed)).format(count=len(report.removed)))
        print(_("Dry run of {file}: {summary}. Nothing was written.").format(
            file=args.table, summary=report.summary()))
        return 0
    _print_files(report)
    print(_("Imported {file}: {summary}.").format(file=args.table, summary=report.summary()))
    if report.created:
        print(_("A new list: check the title in its list.yml and add what the list has (issuer, edition, "
                "document_number, published …); see docs/design-many-lists.md."))
    return 0


def _print_files(report) -> None:
    for label, names in ((_("created: {file}"), report.created), (_("added: {file}"), report.added),
                         (_("removed: {file}"), report.removed), (_("changed: {file}"), report.changed)):
        for name in names:
            print(label.format(file=name))


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(_("must be 1 or more, not {value}").format(value=value))
    return value


def _build(args: argparse.Namespace) -> int:
    from generator.engine.build import build
    from generator.review.gitrev import GitError
    from generator.engine.parallel import cpu_count
    from generator.engine.writer import OutputError

    try:
        report = build(args.content, args.out, cache_dir=None if args.no_cache else args.cache_dir,
                       jobs=args.jobs or cpu_count(), changes_base=args.changes_base)
    except OutputError as refused:
        print(_("error: {problem}").format(problem=refused), file=sys.stderr)
        return 1
    except GitError as failure:
        print(_("error: {problem}").format(problem=failure), file=sys.stderr)
        return 1
    for warning in report.warnings:
        print(_("warning: {problem}").format(problem=warning), file=sys.stderr)
    print(report.summary())
    return 0


def _migrate(args: argparse.Namespace) -> int:
    from generator.content.migrate import MigrateError, migrate

    folder = args.folder or args.content
    if not folder.is_dir():
        print(_("error: {folder}: no such content folder").format(folder=folder), file=sys.stderr)
        return 1
    try:
        done = migrate(folder, args.town)
    except MigrateError as refused:
        print(_("error: {problem}").format(problem=refused), file=sys.stderr)
        return 1
    for moved in done.moved:
        print(_("moved: {path}").format(path=moved))
    print(_("Migrated {folder} into {list_dir} (site.yml split into site.yml, town.yml and list.yml; no matter "
            "file changed). Check it with 'python -m generator check'.").format(folder=folder, list_dir=done.list_dir))
    if done.with_git:
        print(_("The moves and the new settings files are staged in git: review them and commit."))
    return 0


def _serve(args: argparse.Namespace) -> int:
    from generator.engine.server import serve

    if _several_lists(args.content, "serve"):
        return 1
    if not args.content.is_dir():
        print(_("error: {folder}: no such content folder").format(folder=args.content), file=sys.stderr)
        return 1
    return serve(args.content, args.host, args.port, open_browser=args.open)


def _diff(args: argparse.Namespace) -> int:
    from generator.review.diff_format import use_colour
    from generator.review.gitrev import GitError
    from generator.review.library_format import render_change
    from generator.review.library_sides import compare_content

    try:
        change, warnings = compare_content(args.content, args.base, args.head)
    except GitError as error:
        print(_("error: {problem}").format(problem=error), file=sys.stderr)
        return 1
    for warning in warnings:
        print(_("warning: {problem}").format(problem=warning), file=sys.stderr)
    sys.stdout.write(render_change(change, args.format, colour=use_colour(sys.stdout)))
    return 0


def _comment(args: argparse.Namespace) -> int:
    import os

    from generator.review.comment import Streams, run

    return run(args.content, args.out, os.environ, Streams(sys.stdout, sys.stderr), args.target,
               args.changes_page)
