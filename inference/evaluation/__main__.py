import sys

from inference.evaluation.cli import main

sys.exit(main())
