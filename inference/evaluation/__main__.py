"""``python -m inference.evaluation``; see ``inference/evaluation/cli.py``."""

import sys

from inference.evaluation.cli import main

if __name__ == "__main__":
    sys.exit(main())
