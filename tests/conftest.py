"""Test setup: no network, cartopy pointed at an empty data folder so a download fails loudly,
and the built book served to a real browser (Debian's Chromium driven by Playwright)."""

from __future__ import annotations

import functools
import http.server
import os
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

EMPTY_CARTOPY_DIR = tempfile.mkdtemp(prefix="cityatlas-empty-cartopy-")
os.environ["CARTOPY_DATA_DIR"] = EMPTY_CARTOPY_DIR

import cartopy  # noqa: E402

cartopy.config["data_dir"] = Path(EMPTY_CARTOPY_DIR)
cartopy.config["pre_existing_data_dir"] = Path(EMPTY_CARTOPY_DIR)

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def root() -> Path:
    """The repository root."""
    return ROOT


@pytest.fixture(scope="session")
def data():
    """The clean dataset of the repository."""
    from cityatlas.data import load

    return load()


HTML = ROOT / "_build" / "html"


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:  # keep test output clean
        pass


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    """The built book served on 127.0.0.1, as a reader's browser would load it."""
    if not (HTML / "index.html").exists():
        pytest.fail("the HTML book is missing: run `make html`")
    httpd = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(HTML))
    )
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    """Debian's Chromium, headless, with the flags the PDF build uses."""
    from playwright.sync_api import sync_playwright

    from cityatlas.build import CHROMIUM, CHROMIUM_FLAGS

    args = [f for f in CHROMIUM_FLAGS if f not in ("--headless", "--no-pdf-header-footer")]
    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=args)
        yield instance
        instance.close()
