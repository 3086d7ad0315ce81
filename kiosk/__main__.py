"""Run the core's headless commands as ``python -m kiosk``."""

from kiosk.cli import main

raise SystemExit(main())
