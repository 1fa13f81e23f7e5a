"""cityatlas: the cities the Islamic State group held in Iraq and Syria, 2014-2017.

The package behind the book: the dataset (:mod:`cityatlas.data`), its schema
(:mod:`cityatlas.schema`), maps and timelines, figure files, and the book build.
``cityatlas.load()`` returns the clean dataset; heavy modules load only when used, so the
build commands start fast.
"""

from cityatlas.schema import DATASET_VERSION

__all__ = ["DATASET_VERSION", "load"]


def __getattr__(name: str):
    """Import ``load`` (and with it pandas) only when it is first asked for."""
    if name == "load":
        from cityatlas.data import load

        return load
    raise AttributeError(f"module 'cityatlas' has no attribute {name!r}")
