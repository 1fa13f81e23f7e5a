"""A reader reruns a chapter in JupyterLab: Run All Cells draws the figures, MyST renders.

JupyterLab runs from the project's environment, offline, on a copy of the chapter (so the
committed notebook is untouched) and with figure files going to a scratch folder.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from cityatlas.build import CHROMIUM, CHROMIUM_FLAGS

ROOT = Path(__file__).resolve().parent.parent
LAUNCH_ARGS = [f for f in CHROMIUM_FLAGS if f not in ("--headless", "--no-pdf-header-footer")]
TOKEN = "cityatlas-test"
CHAPTER = "mosul.ipynb"
SCREENSHOT = ROOT / "_build" / "screenshots" / "jupyterlab-mosul.png"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory) -> Iterator[str]:
    """JupyterLab from the project's environment, serving a copy of one chapter."""
    folder = tmp_path_factory.mktemp("lab")
    config = tmp_path_factory.mktemp("lab-config")
    shutil.copy(ROOT / "chapters" / CHAPTER, folder / CHAPTER)
    port = free_port()
    settings = config / "user-settings" / "@jupyterlab" / "notebook-extension"
    settings.mkdir(parents=True)
    # Every cell in the page (no windowing), so the test sees every prompt and image.
    (settings / "tracker.jupyterlab-settings").write_text('{"windowingMode": "none"}')
    env = dict(
        os.environ,
        CITYATLAS_FIGURES=str(folder / "figures"),
        JUPYTER_CONFIG_DIR=str(config),
        JUPYTERLAB_SETTINGS_DIR=str(config / "user-settings"),
    )
    command = [
        str(Path(sys.executable).parent / "jupyter"),
        "lab",
        "--no-browser",
        f"--port={port}",
        "--ip=127.0.0.1",
        f"--IdentityProvider.token={TOKEN}",
        f"--ServerApp.root_dir={folder}",
        *(["--allow-root"] if os.geteuid() == 0 else []),
        *LAB_OFFLINE_FLAGS,
    ]
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(f"{url}/api/status?token={TOKEN}", timeout=1)
                break
            except OSError:
                if process.poll() is not None:
                    pytest.fail(f"JupyterLab did not start: {process.stderr.read()[-2000:]}")
                time.sleep(0.5)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)


#: The same switches `make lab` passes: no news or update checks over the network.
LAB_OFFLINE_FLAGS = (
    "--LabApp.news_url=None",
    "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
)


@pytest.mark.slow
def test_run_all_cells_in_jupyterlab_draws_the_figures_and_renders_myst(lab: str) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        foreign: list[str] = []
        page.on(
            "request",
            lambda r: (
                r.url.startswith("http") and not r.url.startswith(lab) and foreign.append(r.url)
            ),
        )
        page.goto(f"{lab}/lab/tree/{CHAPTER}?token={TOKEN}")
        page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=120_000)
        page.wait_for_selector(
            ".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=120_000
        )
        # The kernel must be running, not "Initializing", before Run All is chosen.
        page.wait_for_function(
            "() => /\\|\\s*Idle/.test(document.querySelector('#jp-main-statusbar')?.textContent || '')",
            timeout=120_000,
        )
        page.locator(".lm-MenuBar-item", has_text=re.compile(r"^Run$")).click(timeout=30_000)
        page.get_by_role("menuitem", name=re.compile(r"^Run All Cells")).click(timeout=30_000)
        run_all_finished = """() => {
                const cells = [...document.querySelectorAll('.jp-CodeCell')];
                return cells.length > 0 && cells.every(c => {
                    const prompt = c.querySelector('.jp-InputPrompt');
                    return prompt && /\\[\\d+\\]/.test(prompt.textContent);
                });
            }"""
        try:
            page.wait_for_function(run_all_finished, timeout=300_000)
        finally:
            SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SCREENSHOT))
        page.wait_for_timeout(2000)
        notebook = page.locator(".jp-Notebook")
        images = notebook.locator(".jp-OutputArea-output img")
        assert images.count() >= 3
        text = notebook.inner_text()
        for raw in ("{cite:p}", "{numref}", "```{figure}", "{download}"):
            assert raw not in text, f"raw MyST shown in JupyterLab: {raw}"
        assert notebook.locator("[data-mime-type='application/vnd.jupyter.stderr']").count() == 0
        assert notebook.locator(".jp-OutputArea-output .ansi-red-fg").count() == 0
        SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOT))
        browser.close()
    assert not foreign, f"JupyterLab reached outside the machine: {foreign[:3]}"
