"""Command line: ``dupeviewer [FOLDER...]`` opens the window; ``dupeviewer scan`` is headless."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from dupeviewer import __version__
from dupeviewer.core.cancel import CancelToken, ProgressEvent
from dupeviewer.core.model import DEFAULT_THRESHOLD, Options
from dupeviewer.logs import setup_logging

if TYPE_CHECKING:
    from collections.abc import Sequence

log = logging.getLogger(__name__)

EXIT_OK, EXIT_ERROR, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130

EXAMPLES = """\
examples:
  dupeviewer                          open the window
  dupeviewer ~/Pictures               open the window and scan ~/Pictures
  dupeviewer --demo                   scan a generated demo library
  dupeviewer scan ~/Pictures          print duplicate groups as text
  dupeviewer scan ~/Pictures --json > groups.json
  dupeviewer scan a b --threshold 6 --rotations --exclude '*/Backup/*'
  dupeviewer scan ~/Pictures --move-to ~/Duplicates
  dupeviewer undo                     restore the files of the last trash action (or move)
  dupeviewer decisions list           your 'not duplicates' and 'reviewed' decisions

exit codes: 0 success (whether or not duplicates were found), 1 unexpected error,
            2 bad option or missing folder, 130 interrupted (Ctrl+C)
"""


class UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(message)


def parse_size(text: str) -> int:
    units = {"": 1, "b": 1, "k": 1000, "kb": 1000, "m": 1000**2, "mb": 1000**2,
             "g": 1000**3, "gb": 1000**3, "kib": 1024, "mib": 1024**2, "gib": 1024**3}
    number = text.strip().lower()
    suffix = number.lstrip("0123456789.")
    value = number[: len(number) - len(suffix)]
    if not value or suffix.strip() not in units:
        raise argparse.ArgumentTypeError(f"not a size: {text!r} (try 100KB or 2MB)")
    return int(float(value) * units[suffix.strip()])


def threshold(text: str) -> int:
    value = int(text)
    if not 0 <= value <= 32:
        raise argparse.ArgumentTypeError("threshold must be between 0 and 32")
    return value


def gui_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="dupeviewer",
        description="Find duplicate and near-duplicate photos, review them side by side, "
                    "and move the redundant copies to the trash.",
        epilog=EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"dupeviewer {__version__}")
    parser.add_argument("folders", nargs="*", metavar="FOLDER", help="folders to scan at once")
    parser.add_argument("--demo", action="store_true",
                        help="create a demo photo library in a temporary folder and scan it")
    scheme = parser.add_mutually_exclusive_group()
    scheme.add_argument("--dark", action="store_const", const="dark", dest="scheme",
                        default="", help="dark colours, whatever the system's scheme")
    scheme.add_argument("--light", action="store_const", const="light", dest="scheme",
                        help="light colours, whatever the system's scheme")
    parser.add_argument("commands", nargs=0, metavar="{scan,undo,decisions}",
                        action=_NoOp,
                        help="headless commands: 'dupeviewer scan --help', "
                             "'dupeviewer undo --help', 'dupeviewer decisions --help'")
    return parser


class _NoOp(argparse.Action):
    def __call__(self, *args: object, **kwargs: object) -> None:
        return None


def scan_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="dupeviewer scan", description="Scan folders without a window and "
                     "print the duplicate groups. Never deletes anything; --move-to moves "
                     "the suggested copies into a folder ('dupeviewer undo' moves them "
                     "back).",
                     epilog=EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folders", nargs="+", metavar="FOLDER")
    parser.add_argument("--format", choices=("text", "json", "csv"), default="text",
                        help="output format (default: text)")
    parser.add_argument("--json", action="store_const", const="json", dest="format",
                        help="same as --format json")
    parser.add_argument("--output", "-o", metavar="FILE", help="write the output to FILE")
    parser.add_argument("--threshold", type=threshold, default=DEFAULT_THRESHOLD,
                        help=f"near-duplicate distance, 0 strict ... 32 loose "
                             f"(default {DEFAULT_THRESHOLD})")
    parser.add_argument("--rotations", action="store_true",
                        help="also match copies rotated by 90/180/270 degrees or mirrored")
    parser.add_argument("--workers", type=int, default=None, metavar="N",
                        help="processes for decoding (default: all cores; 0: none)")
    parser.add_argument("--cache", type=Path, metavar="FILE", help="fingerprint cache file")
    parser.add_argument("--no-cache", action="store_true", help="do not read or write a cache")
    parser.add_argument("--exclude", action="append", default=[], metavar="GLOB",
                        help="skip files and folders matching GLOB (repeatable)")
    parser.add_argument("--min-size", type=parse_size, default=0, metavar="SIZE",
                        help="ignore files smaller than SIZE (e.g. 50KB)")
    parser.add_argument("--reference", action="append", default=[], metavar="FOLDER",
                        help="a folder whose files are always kept (repeatable)")
    parser.add_argument("--timeout", type=float, default=60.0, metavar="SECONDS",
                        help="skip a file whose decoding takes longer (default 60)")
    parser.add_argument("--quiet", "-q", action="store_true", help="no progress on stderr")
    parser.add_argument("--ignore-decisions", action="store_true",
                        help="show every group, also those your decisions hide or split "
                             "(see 'dupeviewer decisions --help')")
    parser.add_argument("--decisions", type=Path, metavar="FILE", help=argparse.SUPPRESS)
    parser.add_argument("--move-to", metavar="FOLDER",
                        help="after the scan, move the suggested copies (all but the keeper "
                             "in exact and same-pixel groups) into FOLDER, which must not be "
                             "inside a scanned folder; each file is checked first, nothing "
                             "is overwritten; one line per file on stderr")
    parser.add_argument("--journal", type=Path, help=argparse.SUPPRESS)
    return parser


def undo_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="dupeviewer undo",
                     description="Restore the files moved to the trash by the last trash "
                                 "action (freedesktop trash on Linux).")
    parser.add_argument("--journal", type=Path, help=argparse.SUPPRESS)
    return parser


PHASES = {"discover": "Finding files", "fingerprint": "Fingerprinting",
          "compare": "Comparing bytes", "confirm": "Comparing pixels", "group": "Grouping"}


class StderrProgress:
    """A tqdm progress bar per phase on stderr, only when stderr is a terminal."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled and sys.stderr.isatty()
        self.bar: Any = None
        self.phase = ""

    def __call__(self, event: ProgressEvent) -> None:
        if not self.enabled:
            return
        from tqdm import tqdm

        if event.phase != self.phase:
            self.close()
            self.phase = event.phase
            self.bar = tqdm(total=event.total or None, desc=PHASES.get(event.phase, event.phase),
                            unit=" files", file=sys.stderr, leave=False, dynamic_ncols=True)
        if self.bar is not None:
            if event.total and self.bar.total != event.total:
                self.bar.total = event.total
            self.bar.n = event.done
            if event.bytes_total:  # big files read in full: the bytes move between files
                self.bar.set_postfix_str(
                    f"{_size(event.bytes_done)} of {_size(event.bytes_total)} read",
                    refresh=False)
            self.bar.refresh()

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None


def _size(count: int) -> str:
    from dupeviewer import report

    return report.human_size(count)


def run_scan(argv: Sequence[str]) -> int:
    from dupeviewer import report
    from dupeviewer.core.bulk import no_cyclic_gc
    from dupeviewer.core.scan import ScanError, scan

    args = scan_parser().parse_args(argv)
    missing = [f for f in args.folders if not os.path.isdir(f)]
    if missing:
        raise UsageError(f"not a folder: {missing[0]}")
    if args.cache is not None and not args.no_cache:
        _check_cache(args.cache)
    if args.move_to is not None:
        from dupeviewer.core.moveto import refusal

        problem = refusal(os.path.abspath(args.move_to), args.folders)
        if problem:
            raise UsageError(f"--move-to: {problem}")
    options = Options(threshold=args.threshold, rotations=args.rotations, workers=args.workers,
                      cache_path=args.cache, use_cache=not args.no_cache,
                      excludes=tuple(args.exclude), min_size=args.min_size,
                      references=tuple(args.reference), file_timeout=args.timeout,
                      decisions=not args.ignore_decisions, decisions_path=args.decisions)
    progress = StderrProgress(not args.quiet)
    cancel = CancelToken()
    try:
        result = scan(args.folders, options, progress, cancel)
    except ScanError as exc:
        raise UsageError(str(exc)) from exc
    finally:
        progress.close()
    if result.stats.hidden_by_decisions and not args.quiet:
        sys.stderr.write(f"{result.stats.hidden_by_decisions} groups hidden by your "
                         "decisions (--ignore-decisions shows them)\n")
    render = {"json": report.to_json, "csv": report.to_csv, "text": report.to_text}
    with no_cyclic_gc():  # a document of a million small objects: nothing to collect
        text = render[args.format](result)
    if args.output:
        Path(args.output).write_text(text if text.endswith("\n") else text + "\n",
                                     encoding="utf-8", errors="surrogateescape")
    else:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
    if args.move_to is not None and not result.cancelled:
        return _move_suggested(result.groups, args.move_to, args.folders, args.journal)
    return EXIT_OK


def _move_suggested(groups: Sequence[Any], folder: str, roots: Sequence[str],
                    journal: Path | None) -> int:
    """Move the suggested copies into ``folder``; one line per file on stderr."""
    from dupeviewer.core import moveto, trash
    from dupeviewer.core.journal import Journal, JournalError, default_journal_path
    from dupeviewer.core.policy import Selection

    requests = trash.plan(groups, Selection(groups).marked)
    try:
        report = moveto.move(requests, os.path.abspath(folder), roots,
                             Journal(journal or default_journal_path()))
    except (moveto.MoveError, JournalError) as exc:
        raise UsageError(f"--move-to: {exc}") from exc
    for outcome in report.outcomes:
        line = (f"moved: {outcome.path} -> {outcome.trashed_to}" if outcome.ok
                else f"not moved: {outcome.path}: {outcome.reason}")
        sys.stderr.write(line + "\n")
    return EXIT_OK if not report.failed else EXIT_ERROR


def _check_cache(path: Path) -> None:
    """Refuse, before scanning, a --cache file that is not a dupeviewer cache (a photo, a
    text file, another program's database): it is left byte-identical."""
    from dupeviewer.core.cachefile import NotOurCache, check

    try:
        check(path)
    except NotOurCache as exc:
        raise UsageError(f"--cache {path}: not a dupeviewer cache ({exc.reason}); "
                         "choose another file") from exc


def decisions_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="dupeviewer decisions",
                     description="Your decisions ('not duplicates', 'reviewed, keep all'), "
                                 "which every scan honours; kept by the pictures' content, "
                                 "so they survive renames, moves and a new disk.")
    parser.add_argument("--file", type=Path, help=argparse.SUPPRESS)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND",
                                     parser_class=_Parser)
    commands.add_parser("list", help="list them, newest first")
    export = commands.add_parser("export", help="write them to FILE as JSON")
    export.add_argument("target", type=Path, metavar="FILE")
    imported = commands.add_parser("import", help="add those of an exported FILE")
    imported.add_argument("source", type=Path, metavar="FILE")
    forget = commands.add_parser("forget", help="remove the decision ID")
    forget.add_argument("id", type=int, metavar="ID")
    return parser


def run_decisions(argv: Sequence[str]) -> int:
    import time

    from dupeviewer.core.decisions import DecisionError, DecisionStore

    args = decisions_parser().parse_args(argv)
    store = DecisionStore(args.file)
    code = EXIT_OK
    try:
        if args.command == "list":
            decisions = store.all()
            for d in decisions:
                when = time.strftime("%Y-%m-%d %H:%M", time.localtime(d.created))
                print(f"{d.id:>6}  {when}  {_printable(d.describe())}")
                for picture in d.pictures:
                    print(f"        {_printable(picture.path)}")
            print(f"{len(decisions)} decisions in {store.path}")
        elif args.command == "export":
            print(f"exported {store.export(args.target)} decisions to {args.target}")
        elif args.command == "import":
            print(f"imported {store.import_(args.source)} new decisions from {args.source}")
        elif store.forget(args.id) is None:
            print(f"no decision {args.id}", file=sys.stderr)
            code = EXIT_ERROR
        else:
            print(f"forgot decision {args.id}")
    except DecisionError as exc:
        print(f"dupeviewer: error: {exc}", file=sys.stderr)
        code = EXIT_ERROR
    for warning in store.warnings:
        print(f"warning: {_printable(warning)}", file=sys.stderr)
    return code


def _printable(text: str) -> str:
    from dupeviewer.report import printable

    return printable(text)


def run_undo(argv: Sequence[str]) -> int:
    from dupeviewer.core import trash

    args = undo_parser().parse_args(argv)
    outcome = trash.undo_last(args.journal)
    for line in outcome.lines():
        print(line)
    return EXIT_OK if outcome.ok else EXIT_ERROR


def run_gui(argv: Sequence[str]) -> int:
    args = gui_parser().parse_args(argv)
    missing = [f for f in args.folders if not os.path.isdir(f)]
    if missing:
        raise UsageError(f"not a folder: {missing[0]}")
    if not _has_display():
        raise UsageError("no display to open the window on (DISPLAY and WAYLAND_DISPLAY are "
                         "unset); use 'dupeviewer scan FOLDER' to scan without a window")
    from dupeviewer.gui.app import run

    return run(list(args.folders), demo=args.demo, scheme=args.scheme)


def _has_display() -> bool:
    """Qt aborts the process when it cannot reach a display; say so in words instead."""
    if not sys.platform.startswith("linux") or os.environ.get("QT_QPA_PLATFORM"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def entry() -> NoReturn:
    """The ``dupeviewer`` command (and ``python -m dupeviewer``): :func:`main`, then, after a
    scan, :func:`hard_exit`."""
    code = main()
    if sys.argv[1:2] == ["scan"]:
        hard_exit(code)
    sys.exit(code)


def hard_exit(code: int) -> NoReturn:
    """Leave at once, once the logs and the output are flushed, without freeing every object
    one by one (as mypy does): a scan of 100,000 photos holds millions of them, and the
    interpreter's tear-down took 1.2 s of a 6 s rescan. Nothing is left to clean up: the
    workers have been joined and the cache and the journal closed by then. Exit status 120
    when the output cannot be flushed, as Python's own exit gives."""
    logging.shutdown()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except OSError:
        code = code or 120
    os._exit(code)


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    setup_logging()
    commands = {"scan": run_scan, "undo": run_undo, "decisions": run_decisions}
    try:
        if argv and argv[0] in commands:
            return commands[argv[0]](argv[1:])
        return run_gui(argv)
    except UsageError as exc:
        print(f"dupeviewer: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("dupeviewer: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
