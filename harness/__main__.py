"""`python -m harness` runs the golive command line."""

from harness.cli import main

raise SystemExit(main())
