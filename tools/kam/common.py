# Copyright 2026 kam_management developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""Paths, logging and subprocess helpers shared by the driver's modules."""

import os
import socket
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
STATE = os.path.join(ROOT, ".kam")
LOGS = os.path.join(STATE, "logs")
DATA_DIR = os.path.join(STATE, "data")
ADDON = "kam_management"
# The addon's dependencies (its manifest's "depends").
DEPENDS = "crm,sale_management,sale_margin,calendar,mail,contacts"


def log(msg):
    print(f"[kam] {msg}", flush=True)


def die(msg, code=2):
    print(f"[kam] ERROR: {msg}", file=sys.stderr, flush=True)
    sys.exit(code)


def run(cmd, check=True, **kw):
    return subprocess.run(cmd, check=check, **kw)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def is_root():
    return os.geteuid() == 0
