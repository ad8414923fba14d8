"""Command line of the data pipeline: python -m core {ingest,build,check,seed}."""

import sys

from core.pipeline.cli import main

if __name__ == "__main__":
    sys.exit(main())
