"""``python -m ultravox_calls_mcp.sandbox [--port N] [--seed N]``: poke at the fake API."""

from __future__ import annotations

import argparse
import sys

import uvicorn

from . import SANDBOX_API_KEY, create_app, generate_dataset


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m ultravox_calls_mcp.sandbox")
    parser.add_argument("--port", type=int, default=8765, help="port on 127.0.0.1")
    parser.add_argument("--seed", type=int, default=7, help="dataset seed")
    args = parser.parse_args(argv)
    app = create_app(generate_dataset(args.seed))
    # stdout stays clean for anyone piping; humans read stderr.
    print(f"Sandbox Ultravox API: http://127.0.0.1:{args.port}", file=sys.stderr)
    print(f"X-API-Key: {SANDBOX_API_KEY}", file=sys.stderr)
    uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="info")


if __name__ == "__main__":
    main()
