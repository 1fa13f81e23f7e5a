"""Command line: ``python -m cityatlas data|bib|figures|execute|html|pdf|bench``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from cityatlas import paths


def shorter(path: Path) -> Path:
    """The path relative to the working folder when it lies inside it, for readable messages."""
    try:
        return path.resolve().relative_to(Path.cwd())
    except ValueError:
        return path


def command_data(args: argparse.Namespace) -> int:
    """Validate the raw tables and write the clean dataset."""
    raw, out = shorter(Path(args.raw)), shorter(Path(args.out))
    if not raw.is_dir():
        print(f"cityatlas data: {raw}: no such folder of raw tables", file=sys.stderr)
        return 2
    from cityatlas import fingerprint

    default = raw.resolve() == paths.DATA_RAW and out.resolve() == paths.DATA_CLEAN
    inputs = fingerprint.files_hash(
        fingerprint.tree(paths.DATA_RAW) + fingerprint.modules(fingerprint.DATA_MODULES)
    )
    if default and fingerprint.is_current(
        "data", inputs + fingerprint.files_hash(fingerprint.tree(out))
    ):
        print(f"{out} is up to date")
        return 0
    from cityatlas.data import run_pipeline
    from cityatlas.validate import InvalidData

    try:
        clean = run_pipeline(raw, out)
    except InvalidData as err:
        for problem in err.problems:
            print(problem, file=sys.stderr)
        print(
            f"cityatlas data: {len(err.problems)} problem(s); {out} left unchanged", file=sys.stderr
        )
        return 1
    if default:
        fingerprint.record("data", inputs + fingerprint.files_hash(fingerprint.tree(out)))
    counts = ", ".join(f"{len(df)} {name}" for name, df in clean.items())
    print(f"wrote {out}: {counts}")
    return 0


def command_bib(args: argparse.Namespace) -> int:
    """Write references.bib from the clean sources table."""
    from cityatlas.references import write_bibtex

    write_bibtex(Path(args.clean), Path(args.out))
    print(f"wrote {args.out}")
    return 0


def command_figures(args: argparse.Namespace) -> int:
    """Write figures/index.csv (titles, captions, alt text, citations) and drop stale files.

    The figures themselves are drawn by the chapters' cells (``make chapters``).
    """
    from cityatlas import figure_cache, fingerprint

    inputs = fingerprint.files_hash(fingerprint.figure_index_inputs())
    inputs += figure_cache.drawn_files() + fingerprint.files_hash(
        [paths.DATA_CLEAN / "datapackage.json"]
    )
    index = paths.FIGURE_INDEX
    if fingerprint.is_current("figures", inputs + fingerprint.files_hash([index])):
        print(f"{shorter(index)} is up to date")
        return 0
    from cityatlas.figures import remove_stale, write_index

    path = write_index()
    removed = remove_stale()
    fingerprint.record("figures", inputs + fingerprint.files_hash([index]))
    print(
        f"wrote {shorter(path)}"
        + (f"; removed {len(removed)} stale figure file(s)" if removed else "")
    )
    return 0


def command_execute(args: argparse.Namespace) -> int:
    """Execute the chapters whose inputs changed."""
    from cityatlas.build import execute_stale

    names = execute_stale(force=args.force)
    print(
        f"executed {len(names)} chapter(s)"
        + (f": {', '.join(names)}" if names else " (all up to date)")
    )
    return 0


def command_html(args: argparse.Namespace) -> int:
    """Build the HTML book."""
    from cityatlas.build import build_html

    print(f"built {build_html()}")
    return 0


def command_pdf(args: argparse.Namespace) -> int:
    """Build the PDF book."""
    from cityatlas.build import build_pdf

    print(f"built {build_pdf()}")
    return 0


def command_bench(args: argparse.Namespace) -> int:
    """Measure cold and incremental builds on a scratch copy; write BENCHMARKS.md."""
    from cityatlas.bench import main as bench_main

    return bench_main()


def parser() -> argparse.ArgumentParser:
    """The argument parser."""
    p = argparse.ArgumentParser(prog="cityatlas", description=__doc__)
    sub = p.add_subparsers(dest="command", required=True)
    data = sub.add_parser("data", help=command_data.__doc__)
    data.add_argument(
        "--raw", default=str(paths.DATA_RAW), help="folder of raw tables (default data/raw)"
    )
    data.add_argument(
        "--out", default=str(paths.DATA_CLEAN), help="folder to write (default data/clean)"
    )
    data.set_defaults(run=command_data)
    bib = sub.add_parser("bib", help=command_bib.__doc__)
    bib.add_argument("--clean", default=str(paths.DATA_CLEAN))
    bib.add_argument("--out", default=str(paths.REFERENCES_BIB))
    bib.set_defaults(run=command_bib)
    sub.add_parser("figures", help=command_figures.__doc__).set_defaults(run=command_figures)
    execute = sub.add_parser("execute", help=command_execute.__doc__)
    execute.add_argument("--force", action="store_true", help="execute every chapter")
    execute.set_defaults(run=command_execute)
    sub.add_parser("html", help=command_html.__doc__).set_defaults(run=command_html)
    sub.add_parser("pdf", help=command_pdf.__doc__).set_defaults(run=command_pdf)
    sub.add_parser("bench", help=command_bench.__doc__).set_defaults(run=command_bench)
    return p


def main(argv: list[str] | None = None) -> int:
    """Run a command; user errors print one line and return non-zero, no traceback."""
    from cityatlas.errors import BuildError

    args = parser().parse_args(argv)
    try:
        return args.run(args)
    except BuildError as err:
        print(f"cityatlas {args.command}: {err}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
