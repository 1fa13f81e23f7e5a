"""Test setup: no network, and cartopy pointed at an empty data folder so a download fails loudly."""

from __future__ import annotations

import os
import tempfile
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
