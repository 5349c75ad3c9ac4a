"""`python build.py` builds seeds/ into site/; any `chronique` arguments may follow."""

import sys
from pathlib import Path

# Runs from a plain checkout too, before `pip install -e .`.
sys.path.insert(0, str(Path(__file__).resolve().parent / "src"))

from chronique.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
