"""`python -m sendreform.cli ...` is `sendreform ...` (how `sendreform serve` starts its worker)."""

import sys

from sendreform.cli.main import main

sys.exit(main())
