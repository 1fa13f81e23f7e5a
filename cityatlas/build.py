"""Building the book: execute the chapters whose inputs changed, then HTML and PDF.

Jupyter Book's own execution cache keys on code cells only, so it would keep stale outputs
when the data or the package change. Here each chapter records a hash of everything it
depends on; a chapter is re-executed exactly when that hash changes, and Jupyter Book is
told never to execute anything itself.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import yaml

from cityatlas import cite, fingerprint, paths
from cityatlas.errors import BuildError

NOTEBOOK_INPUTS_KEY = "cityatlas"
CHROMIUM = os.environ.get("CITYATLAS_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
    "--disable-quic",
    "--no-pdf-header-footer",
    "--run-all-compositor-stages-before-draw",
    "--generate-pdf-document-outline",
)


#: Package modules a chapter's kernel never imports: changing them re-executes nothing.
NOT_IN_KERNEL = (
    "__main__",
    "bench",
    "build",
    "fingerprint",
    "jupyterbook",
    "landing",
    "printed",
    "sphinxext",
)


def code_files(root: Path) -> list[Path]:
    """The package sources and templates a chapter's outputs may depend on."""
    modules = [p for p in (root / "cityatlas").glob("*.py") if p.stem not in NOT_IN_KERNEL]
    return sorted(modules)


def rows(path: Path, keep=None, columns: list[str] | None = None) -> list[list[str]]:
    """The rows of a CSV file (those for which ``keep(row)`` is true), header first.

    With ``columns``, only those columns are kept, so edits to other columns do not count.
    """
    if not path.exists():
        return []
    with open(path, encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        names = columns or list(reader.fieldnames or [])
        return [names] + [[r[c] for c in names] for r in reader if keep is None or keep(r)]


def place_fingerprint(root: Path, place: str) -> list:
    """Only the data one place's chapter shows: its rows, the sources they cite, the places."""
    clean = root / "data" / "clean"
    parts: list[list[list[str]]] = [
        rows(clean / "places.csv"),
        rows(clean / "events.csv", lambda r: r["place"] == place),
        rows(clean / "control_periods.csv", lambda r: r["place"] == place),
        rows(clean / "claims.csv", lambda r: r["place"] == place),
        rows(clean / "distances.csv", lambda r: r["place"] == place),
        rows(clean / "measures.csv", lambda r: r["place"] == place),
    ]
    cited = {s for table in parts[1:] for row in table[1:] for s in source_ids(table[0], row)}
    parts.append(rows(clean / "sources.csv", lambda r: r["id"] in cited))
    return parts


def reads_fingerprint(root: Path, reads: list[str]) -> list:
    """The data a chapter declares it reads (notebook metadata ``cityatlas.reads``).

    Each entry is a clean table (``"claims"``), a table with only some columns
    (``"events:id,place,date_start"``), a raw file (``"raw:source-article.ar.txt"``), or
    ``"files"`` for the names of the clean files.
    """
    clean = root / "data" / "clean"
    parts: list = []
    for entry in reads:
        kind, _, detail = entry.partition(":")
        if kind == "raw":
            parts.append((root / "data" / "raw" / detail).read_text(encoding="utf-8"))
        elif kind == "files":
            parts.append(sorted(p.name for p in clean.iterdir() if p.is_file()))
        else:
            parts.append(rows(clean / f"{kind}.csv", columns=detail.split(",") if detail else None))
    return parts


def source_ids(header: list[str], row: list[str]) -> list[str]:
    """The source ids a row of events, claims or measures cites."""
    return [s for s in row[header.index("sources")].split(";") if s] if "sources" in header else []


def cell_source(cell: dict) -> str:
    """A cell's source as one string (notebook files may store it as a list of lines)."""
    source = cell["source"]
    return source if isinstance(source, str) else "".join(source)


def code_of(notebook: dict) -> str:
    """The code cells of a notebook, joined: what its outputs depend on inside it."""
    return "\n\x00\n".join(cell_source(c) for c in notebook["cells"] if c["cell_type"] == "code")


def dataset_version(root: Path) -> str:
    """The version of the clean dataset."""
    package = root / "data" / "clean" / "datapackage.json"
    return json.loads(package.read_text(encoding="utf-8"))["version"] if package.exists() else ""


def file_metadata_inputs(root: Path) -> list:
    """What the metadata inside figure files depends on besides code and data: the book's
    record (CITATION.cff, _config.yml) and the title templates (captions and alt text are
    not written into files, so editing them re-executes nothing)."""
    captions = root / "cityatlas" / "templates" / "captions.yml"
    templates = yaml.safe_load(captions.read_text(encoding="utf-8")) if captions.exists() else {}
    return [cite.record_inputs(root), {kind: t.get("title") for kind, t in templates.items()}]


def inputs_hash(notebook: dict, root: Path) -> str:
    """A hash of a chapter's code and of everything its outputs may depend on.

    A city chapter (metadata ``cityatlas.place``) depends on its own place's rows only; any
    other chapter on the data it declares in ``cityatlas.reads``. So changing one event's
    summary re-executes only the chapter of its place.
    """
    meta = notebook["metadata"].get(NOTEBOOK_INPUTS_KEY, {})
    if meta.get("place"):
        data = place_fingerprint(root, meta["place"])
    else:
        data = reads_fingerprint(root, list(meta.get("reads", [])))
    return fingerprint.combine(
        code_of(notebook),
        fingerprint.files_hash(code_files(root), root),
        json.dumps([dataset_version(root), data], ensure_ascii=False),
        json.dumps(file_metadata_inputs(root), ensure_ascii=False),
    )


def is_stale(path: Path, root: Path) -> bool:
    """Whether a chapter's stored outputs were produced from other inputs than today's."""
    notebook = json.loads(
        path.read_text(encoding="utf-8")
    )  # plain JSON: nbformat is slow to import
    stored = notebook["metadata"].get(NOTEBOOK_INPUTS_KEY, {}).get("inputs")
    return stored != inputs_hash(notebook, root)


def execute_notebook(path: Path, root: Path) -> str:
    """Execute one notebook in place, recording its inputs hash; returns its name."""
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(
        notebook,
        timeout=900,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
        record_timing=False,
    )
    try:
        client.execute()
    except CellExecutionError as err:
        lines = [ln for ln in str(err).strip().splitlines() if ln.strip()]
        raise BuildError(f"{path}: a cell raised: {lines[-1] if lines else err}") from None
    for cell in notebook.cells:
        cell.metadata.pop("execution", None)
    notebook.metadata.setdefault(NOTEBOOK_INPUTS_KEY, {})["inputs"] = inputs_hash(notebook, root)
    notebook.metadata.pop("widgets", None)
    tmp = path.with_suffix(".ipynb.tmp")
    nbformat.write(notebook, tmp)
    tmp.replace(path)
    return path.name


def chapter_notebooks(root: Path) -> list[Path]:
    """Every chapter notebook of the book."""
    return sorted((root / "chapters").glob("*.ipynb"))


def execute_stale(
    root: Path = paths.ROOT, force: bool = False, jobs: int | None = None
) -> list[str]:
    """Execute the chapters whose inputs changed, in parallel; returns their names.

    ``force`` executes every chapter and empties the figure cache, so every figure is drawn.
    """
    if force:
        from cityatlas import figure_cache

        figure_cache.clear(root)
    stale = [p for p in chapter_notebooks(root) if force or is_stale(p, root)]
    if not stale:
        return []
    jobs = jobs or min(len(stale), os.cpu_count() or 1)
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        return list(pool.map(execute_notebook, stale, [root] * len(stale)))


def jupyter_book(root: Path, builder: str, every_page: bool = False) -> None:
    """Run a strict Jupyter Book build: any warning, broken reference or error fails it.

    ``every_page`` rewrites every page, not only the changed ones (``--all``).
    """
    command = [
        sys.executable,
        "-m",
        "cityatlas.jupyterbook",
        "build",
        str(root),
        "--builder",
        builder,
        "-n",
        "-W",
        "--keep-going",
        "--quiet",
        *(["--all"] if every_page else []),
    ]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        output = (result.stdout + result.stderr).strip().splitlines()
        problems = [ln for ln in output if "WARNING" in ln or "ERROR" in ln or "Error" in ln]
        detail = "\n".join(problems[-20:] or output[-20:])
        raise BuildError(f"jupyter-book {builder} build failed:\n{detail}")


def build_if_changed(root: Path, builder: str, target: Path) -> bool:
    """Run a Jupyter Book build unless its sources and its output are as last built; True if built."""
    digest = fingerprint.files_hash(fingerprint.book_sources(root), root)
    if target.exists() and fingerprint.is_current(builder, digest, root):
        return False
    # The reference list numbers its entries when it is written; if the bibliography changed,
    # pages that cite it but did not change themselves would keep links to the old numbers.
    bibliography = fingerprint.files_hash([root / "references.bib"], root)
    references_stamp = f"{builder}-references"
    every_page = not fingerprint.is_current(references_stamp, bibliography, root)
    jupyter_book(root, builder, every_page)
    fingerprint.record(builder, digest, root)
    fingerprint.record(references_stamp, bibliography, root)
    return True


def build_html(root: Path = paths.ROOT) -> Path:
    """Build the HTML book into _build/html (unless nothing changed); returns the index page."""
    index = root / "_build" / "html" / "index.html"
    build_if_changed(root, "html", index)
    return index


def toc_root(root: Path) -> str:
    """The root page of the book, as named in _toc.yml."""
    return str(yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8"))["root"])


def build_pdf(root: Path = paths.ROOT) -> Path:
    """Build the single-page HTML and lay it out with WeasyPrint: ``_build/pdf/book.pdf`` and
    one PDF per chapter (``_build/pdf/<chapter>.pdf``), also copied to ``_build/html/pdf/``
    where each chapter page links to its own (unless nothing changed)."""
    from cityatlas import printed

    out = root / "_build" / "pdf"
    pdf = out / "book.pdf"
    page = root / "_build" / "singlehtml" / f"{toc_root(root)}.html"
    inputs = [printed.STYLESHEET, Path(printed.__file__)]
    digest = fingerprint.files_hash([*fingerprint.book_sources(root), *inputs], root)
    built = build_if_changed(root, "singlehtml", page)
    if built or not pdf.exists() or not fingerprint.is_current("pdf", digest, root):
        written = printed.write_pdfs(page, root, out)
        site = root / "_build" / "html" / "pdf"
        site.mkdir(parents=True, exist_ok=True)
        for path in written.values():
            shutil.copyfile(path, site / path.name)
        fingerprint.record("pdf", digest, root)
    return pdf
