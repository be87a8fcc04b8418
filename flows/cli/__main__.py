"""`python -m flows.cli`, as the `corpus` command (what tests run in processes of their own)."""

import sys

from flows.cli.entry import main

sys.exit(main())
