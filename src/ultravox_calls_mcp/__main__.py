"""``python -m ultravox_calls_mcp``: the same as the ``ultravox-calls-mcp`` command."""

import sys

from ultravox_calls_mcp.cli import main

sys.exit(main())
