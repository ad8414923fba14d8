"""Re-create the shipped extracts from the transcribed reports (datasets/seed) and the call-center sample."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from core.settings import SEED_DIR, extracts_dir

from .extracts import write_batches
from .ingest import ingest_files
from .safety import replace_extracts
from .sample_callcenter import generate
from .schema import CALL_CENTER_DAILY


def seed_extracts(root: Path | None = None, build: Callable[[Path], object] | None = None) -> list[Path]:
    """Re-create the shipped extracts from the transcribed reports and the call-center sample.

    Everything is written into a fresh staging folder and, with ``build``, built from there; the extracts
    folder is swapped for it only when every file passed validation and the build passed (safety.replace_extracts).
    """
    root = Path(root) if root else extracts_dir()

    def write(staging: Path) -> list[Path]:
        ingest_files([SEED_DIR / "source_document.csv"], batch="seed-documents", root=staging, replace_official=True)
        for doc in sorted(p for p in SEED_DIR.iterdir() if p.is_dir()):
            for csv_file in sorted(doc.glob("*.csv")):
                # The reports contradict themselves in places; those differences are kept and reported by `check`.
                ingest_files(
                    [csv_file],
                    batch=f"seed-{doc.name}",
                    accept_total_differences=True,
                    root=staging,
                    replace_official=True,
                )
        write_batches([(CALL_CENTER_DAILY, generate(), "sample-callcenter")], staging)
        return sorted(staging.glob("*/*.parquet"))

    return replace_extracts(root, write, build, from_scratch=True)
