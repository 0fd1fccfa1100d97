"""`python -m streamkit` runs the CLI."""

import sys

from streamkit.cli import main

sys.exit(main())
