"""`servicekit demo` (placeholder until its implementation lands)."""

from __future__ import annotations

import argparse
from typing import Any, TextIO


def add_parser(subparsers: Any) -> None:
    """Register the `demo` command."""
    parser = subparsers.add_parser("demo", help="(not yet implemented)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Not implemented yet."""
    del args, out, err
    return 1
