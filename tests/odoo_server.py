# Copyright 2026 kam_management developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""Drive a real Odoo for the black-box tests: command line, server, XML-RPC.

`make test` (tools/kamctl.py) exports KAM_ODOO_ROOT and KAM_DB_ARGS (the
PostgreSQL connection it found or started); these helpers use them to run
the real `odoo` command line and a real HTTP server on a free port.

KAM_BASE_DB, when set (by `make test`), names a database made fresh in the
same run with the addon's dependencies and demo data installed: create_db()
starts from a copy of it (and of its filestore) instead of an empty database,
which saves installing the dependencies again. The addon itself is never in it.
"""

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
import xmlrpc.client

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA_DIR = os.path.join(ROOT, ".kam", "data")


def odoo_root():
    root = os.environ.get("KAM_ODOO_ROOT")
    if not root:
        pytest.skip("KAM_ODOO_ROOT is not set: run the black-box tests through `make test`")
    return root


def db_args():
    return os.environ.get("KAM_DB_ARGS", "").split()


def filestore(db):
    return os.path.join(DATA_DIR, "filestore", db)


def odoo_command(db, *extra):
    root = odoo_root()
    script = os.path.join(root, "setup", "odoo")
    if not os.path.isfile(script):
        script = os.path.join(root, "odoo-bin")
    head = [sys.executable, script] if os.path.isfile(script) else [
        sys.executable, "-c", "import sys, odoo; sys.argv[0] = 'odoo'; odoo.cli.main()"]
    addons = ",".join(
        p for p in (os.path.join(root, "addons"), os.path.join(root, "odoo", "addons"), ROOT)
        if os.path.isdir(p)
    )
    return [
        *head, f"--addons-path={addons}", f"--data-dir={DATA_DIR}", "-d", db, *db_args(),
        "--max-cron-threads=0", "--log-level=warn", *extra,
    ]


def run_odoo(db, *extra, timeout=1200):
    env = dict(os.environ, TZ="UTC")
    res = subprocess.run(odoo_command(db, *extra), env=env, capture_output=True, text=True,
                         timeout=timeout, check=False)
    errors = [line for line in res.stderr.splitlines() + res.stdout.splitlines()
              if " ERROR " in line or " CRITICAL " in line or "Traceback" in line]
    assert res.returncode == 0 and not errors, (
        f"odoo {' '.join(extra)} failed (rc={res.returncode}):\n" + "\n".join(errors[:40])
        + "\n" + res.stderr[-3000:]
    )
    return res


def psql(db, sql):
    """Run SQL with the same connection parameters as Odoo (via psycopg2)."""
    import psycopg2  # Odoo's own requirement

    params = {}
    for arg in db_args():
        key, _, value = arg.partition("=")
        params[{"--db_host": "host", "--db_port": "port", "--db_user": "user",
                "--db_password": "password"}[key]] = value
    with contextlib.closing(psycopg2.connect(dbname=db, **params)) as conn:
        conn.autocommit = True
        with conn.cursor() as cr:
            cr.execute(sql)
            return cr.fetchall() if cr.description else None


def create_db(prefix="kam_bb"):
    """A new database without the addon: a copy of KAM_BASE_DB, or an empty one.

    Named after KAM_RUN_PREFIX when set, so that `make test` drops whatever a
    crashed test left behind."""
    run = os.environ.get("KAM_RUN_PREFIX")
    name = f"{run}_{prefix}_{uuid.uuid4().hex[:8]}" if run else f"{prefix}_{uuid.uuid4().hex[:8]}"
    base = os.environ.get("KAM_BASE_DB")
    if base:
        psql("postgres", f'CREATE DATABASE "{name}" TEMPLATE "{base}"')
        if os.path.isdir(filestore(base)):
            shutil.copytree(filestore(base), filestore(name))
    else:
        psql("postgres", f"CREATE DATABASE \"{name}\" ENCODING 'unicode' LC_COLLATE 'C' "
             "TEMPLATE template0")
    return name


def drop_db(name):
    """Drop the database and its filestore."""
    psql("postgres", f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    shutil.rmtree(filestore(name), ignore_errors=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def server(db, log_path=None, extra=()):
    """A real Odoo HTTP server on a free loopback port; yields an XML-RPC client.

    Its log goes to ``log_path`` (a temporary file by default), never to a
    pipe: nobody reads a pipe while the tests run, and a server logging many
    refused calls would block on a full one. ``extra``: more command-line
    options (``--workers=2``...), after the defaults so that they win."""
    port = free_port()
    env = dict(os.environ, TZ="UTC")
    with contextlib.ExitStack() as stack:
        if log_path:
            log = stack.enter_context(open(log_path, "w", encoding="utf-8"))
        else:
            log = stack.enter_context(tempfile.TemporaryFile("w+", encoding="utf-8"))
        proc = subprocess.Popen(
            odoo_command(db, f"--http-port={port}", "--http-interface=127.0.0.1",
                         "--db-filter", f"^{db}$", *extra),
            env=env, stdout=subprocess.DEVNULL, stderr=log, text=True,
        )
        try:
            url = f"http://127.0.0.1:{port}"
            deadline = time.time() + 120
            while True:
                try:
                    xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/common").version()
                    break
                except OSError:
                    if time.time() > deadline or proc.poll() is not None:
                        raise RuntimeError("Odoo server did not start") from None
                    time.sleep(0.5)
            yield Client(url, db)
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()


class Client:
    """Minimal XML-RPC client, as an external integration would use it."""

    def __init__(self, url, db, login="admin", password="admin"):
        self.url, self.db, self.password = url, db, password
        common = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/common", allow_none=True)
        self.uid = common.authenticate(db, login, password, {})
        assert self.uid, f"cannot log in as {login}"
        self.models = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/object", allow_none=True)

    def as_user(self, login, password):
        return Client(self.url, self.db, login, password)

    def call(self, model, method, *args, **kwargs):
        return self.models.execute_kw(self.db, self.uid, self.password, model, method,
                                      list(args), kwargs)
