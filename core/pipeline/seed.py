"""Re-create the shipped extracts from the transcribed reports (datasets/seed) and the call-center sample."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from core.settings import SEED_DIR, extracts_dir

from .ingest import ingest_files, write_batches
from .sample_callcenter import generate
from .schema import CALL_CENTER_DAILY


def seed_extracts(root: Path | None = None) -> list[Path]:
    """Re-create the shipped extracts from the transcribed reports and the call-center sample.

    Everything is written into a fresh folder first; the old folder is swapped out only when
    every file has passed validation.
    """
    root = Path(root) if root else extracts_dir()
    staging = root.with_name(f"{root.name}.tmp-{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    try:
        ingest_files([SEED_DIR / "source_document.csv"], batch="seed-documents", root=staging)
        for doc in sorted(p for p in SEED_DIR.iterdir() if p.is_dir()):
            for csv_file in sorted(doc.glob("*.csv")):
                # The reports contradict themselves in places; those differences are kept and reported by `check`.
                ingest_files([csv_file], batch=f"seed-{doc.name}", accept_total_differences=True, root=staging)
        write_batches([(CALL_CENTER_DAILY, generate(), "sample-callcenter")], staging)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    old = root.with_name(f"{root.name}.old-{os.getpid()}")
    if root.exists():
        os.replace(root, old)
    os.replace(staging, root)
    shutil.rmtree(old, ignore_errors=True)
    return sorted(root.glob("*/*.parquet"))
