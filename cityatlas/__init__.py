"""cityatlas: the cities the Islamic State group held in Iraq and Syria, 2014-2017.

The package behind the book: the dataset (:mod:`cityatlas.data`), its schema
(:mod:`cityatlas.schema`), maps and timelines, figure files, and the book build.
"""

from cityatlas.data import load
from cityatlas.schema import DATASET_VERSION

__all__ = ["DATASET_VERSION", "load"]
