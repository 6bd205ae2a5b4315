# Copyright 2026 kam_management developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""PostgreSQL: reuse a reachable server, or start a private cluster.

``PGHOST``/``PGPORT``/``PGUSER``/``PGPASSWORD`` when set, else 127.0.0.1:5432
as the current user; when that server cannot be reached (or
``KAM_PG_PRIVATE=1``), a private cluster is started from Debian's binaries
in ``.kam/pg`` on a free port and stopped afterwards.

A database and its Odoo filestore (``.kam/data/filestore/<db>``) are created,
copied and dropped together.
"""

import contextlib
import os
import pwd
import shutil

from .common import DATA_DIR, STATE, free_port, is_root, log, run
from .deps import apt_install, pg_server_bindir


def filestore(name):
    return os.path.join(DATA_DIR, "filestore", name)


class Postgres:
    """Connection parameters of a reachable server, or a private cluster."""

    def __init__(self):
        self.host = self.port = self.user = self.password = None
        self.private_dir = None
        self._pg_ctl = None

    def args(self):
        out = [f"--db_host={self.host}", f"--db_port={self.port}", f"--db_user={self.user}"]
        if self.password:
            out.append(f"--db_password={self.password}")
        return out

    def psql(self, sql, db="postgres", check=True):
        env = dict(os.environ, PGPASSWORD=self.password or "")
        return run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", self.host,
                    "-p", str(self.port), "-U", self.user, "-d", db, "-tAc", sql],
                   check=check, capture_output=True, text=True, env=env)

    def can_connect(self):
        if not shutil.which("psql"):
            return False
        res = self.psql("select 1", check=False)
        return res.returncode == 0 and res.stdout.strip() == "1"

    def is_superuser_or_createdb(self):
        res = self.psql("select rolsuper or rolcreatedb from pg_roles where rolname = current_user",
                        check=False)
        return res.stdout.strip() == "t"

    def db_exists(self, name):
        res = self.psql(f"select 1 from pg_database where datname = '{name}'", check=False)
        return res.stdout.strip() == "1"

    def module_state(self, db, module):
        if not self.db_exists(db):
            return None
        res = self.psql(f"select state from ir_module_module where name = '{module}'", db=db,
                        check=False)
        return res.stdout.strip() or None

    # ------------------------------------------------------------ databases

    def drop_db(self, name):
        self.psql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', check=False)
        shutil.rmtree(filestore(name), ignore_errors=True)

    def create_db(self, name, template=None):
        """An empty database, or a copy of ``template`` with its filestore."""
        self.drop_db(name)
        if template:
            self.psql(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
            if os.path.isdir(filestore(template)):
                shutil.copytree(filestore(template), filestore(name))
        else:
            self.psql(f"CREATE DATABASE \"{name}\" ENCODING 'unicode' LC_COLLATE 'C' "
                      "TEMPLATE template0")

    # ------------------------------------------------------------ server

    def start(self):
        force_private = os.environ.get("KAM_PG_PRIVATE") == "1"
        if not force_private:
            self.host = os.environ.get("PGHOST", "127.0.0.1")
            self.port = int(os.environ.get("PGPORT", "5432"))
            self.user = os.environ.get("PGUSER") or pwd.getpwuid(os.getuid()).pw_name
            self.password = os.environ.get("PGPASSWORD")
            if self.user == "postgres":
                log("Odoo refuses the 'postgres' role: using a private cluster instead")
            elif self.can_connect() and self.is_superuser_or_createdb():
                log(f"PostgreSQL: reusing {self.user}@{self.host}:{self.port}")
                return self
            else:
                log(f"PostgreSQL: {self.user}@{self.host}:{self.port} not usable, "
                    "starting a private cluster")
        self._start_private()
        return self

    def _start_private(self):
        if not shutil.which("psql"):
            apt_install(["postgresql-client"])
        bindir = pg_server_bindir()
        base = os.path.join(STATE, "pg")
        data = os.path.join(base, "data")
        os.makedirs(base, exist_ok=True)
        # The server refuses to run as root: run it as the 'postgres' system
        # user that Debian's package creates.
        as_user = []
        if is_root():
            try:
                pw = pwd.getpwnam("postgres")
            except KeyError:
                apt_install(["postgresql"])
                pw = pwd.getpwnam("postgres")
            for path in (STATE, base):
                os.chown(path, pw.pw_uid, pw.pw_gid)
            # The folders above the state dir must be traversable by 'postgres'.
            as_user = ["runuser", "-u", "postgres", "--"]
        self.private_dir = base
        self.user = "kam"
        self.password = None
        if not os.path.isdir(data):
            log("initialising a private PostgreSQL cluster in .kam/pg")
            run(as_user + [os.path.join(bindir, "initdb"), "-D", data, "-U", "kam",
                           "--auth=trust", "-E", "UTF8", "--locale=C"],
                capture_output=True)
        self.port = free_port()
        with open(os.path.join(base, "port"), "w") as f:
            f.write(str(self.port))
        run(as_user + [os.path.join(bindir, "pg_ctl"), "-D", data, "-w", "-l",
                       os.path.join(base, "server.log"), "-o",
                       f"-p {self.port} -k {base} -c listen_addresses=127.0.0.1 "
                       "-c fsync=off -c synchronous_commit=off -c full_page_writes=off",
                       "start"], capture_output=True)
        self.host = "127.0.0.1"
        log(f"PostgreSQL: private cluster on 127.0.0.1:{self.port} (role kam)")
        self._pg_ctl = as_user + [os.path.join(bindir, "pg_ctl"), "-D", data, "-m", "fast", "stop"]

    def stop(self):
        if self.private_dir:
            run(self._pg_ctl, check=False, capture_output=True)
            log("PostgreSQL: private cluster stopped")


@contextlib.contextmanager
def session():
    pg = Postgres().start()
    try:
        yield pg
    finally:
        pg.stop()
