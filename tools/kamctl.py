#!/usr/bin/env python3
"""Project driver behind `make run`, `make test` and `make bench`.

It installs the project's own dependencies (never Odoo), finds Odoo, finds or
starts PostgreSQL, and runs Odoo with the addon. Standard library only, so it
works before anything is installed.

Odoo is found either because ``import odoo`` works for this Python, or
because ``ODOO_PATH`` points to an Odoo 18.0 source tree.

PostgreSQL: ``PGHOST``/``PGPORT``/``PGUSER``/``PGPASSWORD`` when set, else
127.0.0.1:5432 as the current user; when that server cannot be reached (or
``KAM_PG_PRIVATE=1``), a private cluster is started from Debian's binaries in
``.kam/pg`` on a free port and stopped afterwards.
"""

import argparse
import contextlib
import glob
import hashlib
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
STATE = os.path.join(ROOT, ".kam")
ADDON = "kam_management"
DEPENDS = "crm,sale_management,sale_margin,calendar,mail,contacts"
RUN_DB = os.environ.get("KAM_DB", "kam_demo")


def log(msg):
    print(f"[kam] {msg}", flush=True)


def die(msg, code=2):
    print(f"[kam] ERROR: {msg}", file=sys.stderr, flush=True)
    sys.exit(code)


def run(cmd, check=True, **kw):
    return subprocess.run(cmd, check=check, **kw)


# ---------------------------------------------------------------- dependencies

def _is_root():
    return os.geteuid() == 0


def apt_install(packages):
    missing = [p for p in packages if run(
        ["dpkg-query", "-W", "-f=${Status}", p], check=False,
        capture_output=True, text=True).stdout.find("install ok installed") < 0]
    if not missing:
        return
    if not shutil.which("apt-get"):
        die(f"Debian packages {' '.join(missing)} are needed and apt-get is not available.")
    sudo = [] if _is_root() else ["sudo", "-n"]
    log(f"installing Debian packages: {' '.join(missing)}")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    run(sudo + ["apt-get", "update", "-qq"], env=env)
    run(sudo + ["apt-get", "install", "-y", "-qq", *missing], env=env)


def pip_install():
    req = os.path.join(ROOT, "requirements-dev.txt")
    digest = hashlib.sha256(open(req, "rb").read()).hexdigest()
    stamp = os.path.join(STATE, f"pip-{digest[:16]}-{sys.executable.replace('/', '_')}")
    if os.path.exists(stamp):
        return
    log("installing the project's Python tools (requirements-dev.txt)")
    run([sys.executable, "-m", "pip", "install", "-q", "--disable-pip-version-check",
         "-r", req])
    os.makedirs(STATE, exist_ok=True)
    open(stamp, "w").close()


def find_odoo():
    """Return (python_path_entry or None, odoo_root). Stop when Odoo is absent."""
    odoo_path = os.environ.get("ODOO_PATH")
    if odoo_path:
        if not os.path.isfile(os.path.join(odoo_path, "odoo", "release.py")):
            die(f"ODOO_PATH={odoo_path} is not an Odoo source tree "
                "(no odoo/release.py there).")
        root = os.path.abspath(odoo_path)
        extra = root
    else:
        probe = run([sys.executable, "-c",
                     "import os, odoo; print(os.path.dirname(os.path.dirname(odoo.__file__)))"],
                    check=False, capture_output=True, text=True)
        if probe.returncode != 0:
            die("Odoo 18.0 was not found. This project treats Odoo as an installed "
                "prerequisite: make `import odoo` work for "
                f"{sys.executable} (e.g. pip install an Odoo 18.0 checkout), or set "
                "ODOO_PATH to an Odoo 18.0 source tree. Nothing was run.")
        root = probe.stdout.strip().splitlines()[-1]
        extra = None
    version = run([sys.executable, "-c",
                   "import sys; sys.path.insert(0, sys.argv[1]) if sys.argv[1] else None;"
                   "import odoo.release as r; print(r.serie)", extra or ""],
                  check=False, capture_output=True, text=True)
    if version.returncode != 0:
        die(f"Odoo at {root} cannot be imported:\n{version.stderr.strip()[-2000:]}")
    if version.stdout.strip() != "18.0":
        die(f"Odoo at {root} is {version.stdout.strip()}, this addon needs 18.0.")
    return extra, root


def odoo_env(extra):
    env = dict(os.environ)
    env["TZ"] = "UTC"
    if extra:
        env["PYTHONPATH"] = extra + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    return env


def addons_path(odoo_root):
    paths = [os.path.join(odoo_root, "addons"), os.path.join(odoo_root, "odoo", "addons"), ROOT]
    return ",".join(p for p in paths if os.path.isdir(p))


def ensure_chromium():
    if not (shutil.which("chromium") or shutil.which("chromium-browser")
            or shutil.which("google-chrome")):
        apt_install(["chromium"])


# ---------------------------------------------------------------- PostgreSQL

class Postgres:
    """Connection parameters of a reachable server, or a private cluster."""

    def __init__(self):
        self.host = self.port = self.user = self.password = None
        self.private_dir = None

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

    def drop_db(self, name):
        self.psql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', check=False)
        # Odoo's filestore of the database goes with it.
        for base in glob.glob(os.path.join(STATE, "data", "filestore", name)):
            shutil.rmtree(base, ignore_errors=True)

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

    def _pg_bin(self):
        found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                       key=lambda p: int(p.split("/")[4]))
        if not found:
            apt_install(["postgresql"])
            found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                           key=lambda p: int(p.split("/")[4]))
        if not found:
            die("No PostgreSQL server binaries (initdb) found, even after apt-get.")
        return os.path.dirname(found[-1])

    def _start_private(self):
        if not shutil.which("psql"):
            apt_install(["postgresql-client"])
        bindir = self._pg_bin()
        base = os.path.join(STATE, "pg")
        data = os.path.join(base, "data")
        os.makedirs(base, exist_ok=True)
        # The server refuses to run as root: run it as the 'postgres' system
        # user that Debian's package creates.
        as_user = []
        if _is_root():
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
        self.host = base  # unix socket directory
        port_file = os.path.join(base, "port")
        if not os.path.isdir(data):
            log("initialising a private PostgreSQL cluster in .kam/pg")
            run(as_user + [os.path.join(bindir, "initdb"), "-D", data, "-U", "kam",
                           "--auth=trust", "-E", "UTF8", "--locale=C"],
                capture_output=True)
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        with open(port_file, "w") as f:
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


# ---------------------------------------------------------------- Odoo runs

def odoo_cmd(odoo_root, pg, db, *extra):
    script = os.path.join(odoo_root, "setup", "odoo")
    if not os.path.isfile(script):
        script = os.path.join(odoo_root, "odoo-bin")
    return [sys.executable, script, f"--addons-path={addons_path(odoo_root)}",
            f"--data-dir={os.path.join(STATE, 'data')}", "-d", db, *pg.args(), *extra]


def create_db(pg, name, template=None):
    """Create an empty database (or a copy of ``template``, a developer shortcut)."""
    pg.drop_db(name)
    if template:
        pg.psql(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    else:
        pg.psql(f"CREATE DATABASE \"{name}\" ENCODING 'unicode' LC_COLLATE 'C' TEMPLATE template0")


def cmd_run(args):
    pip_install()
    extra, odoo_root = find_odoo()
    pg = Postgres().start()
    env = odoo_env(extra)
    try:
        installed = pg.db_exists(RUN_DB) and pg.psql(
            f"select state from ir_module_module where name = '{ADDON}'", db=RUN_DB,
            check=False).stdout.strip() == "installed"
        if not installed:
            log(f"creating database {RUN_DB} with {ADDON} and its demo data")
            create_db(pg, RUN_DB)
            run(odoo_cmd(odoo_root, pg, RUN_DB, "-i", ADDON, "--stop-after-init",
                         "--log-level=warn"), env=env)
        else:
            log(f"reusing database {RUN_DB}; updating {ADDON}")
            run(odoo_cmd(odoo_root, pg, RUN_DB, "-u", ADDON, "--stop-after-init",
                         "--log-level=warn"), env=env)
        port = os.environ.get("KAM_HTTP_PORT", "8069")
        log(f"serving on http://localhost:{port} (login admin / password admin); Ctrl-C stops")
        proc = subprocess.Popen(odoo_cmd(odoo_root, pg, RUN_DB, f"--http-port={port}",
                                         "--http-interface=127.0.0.1", "--db-filter",
                                         f"^{RUN_DB}$"), env=env)
        try:
            proc.wait()
        except KeyboardInterrupt:
            proc.send_signal(signal.SIGINT)
            proc.wait()
    finally:
        pg.stop()


RESULT_RE = re.compile(r"(\d+) failed, (\d+) error\(s\) of (\d+) tests")


def run_odoo_tests(odoo_root, pg, env, tags, logfile):
    """Install the addon with demo data on a fresh database and run its tests."""
    db = f"kam_test_{uuid.uuid4().hex[:8]}"
    # KAM_TEMPLATE_DB: a database with the dependencies already installed, to
    # save their install time while developing; CI always starts empty.
    create_db(pg, db, os.environ.get("KAM_TEMPLATE_DB"))
    try:
        cmd = odoo_cmd(odoo_root, pg, db, "-i", ADDON, "--test-enable",
                       f"--test-tags={tags}", "--stop-after-init", "--log-level=test",
                       "--http-port", str(_free_port()), "--max-cron-threads=0")
        log(f"Odoo tests on fresh database {db}: {' '.join(cmd[2:4])} ...")
        with open(logfile, "w") as out:
            proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE,
                                    stderr=subprocess.STDOUT, text=True)
            for line in proc.stdout:
                out.write(line)
                if (" ERROR " in line or " CRITICAL " in line or "FAIL:" in line
                        or "odoo.tests.result" in line or "odoo.tests.stats" in line
                        and "kam_management" in line):
                    sys.stdout.write(line)
            rc = proc.wait()
        text = open(logfile).read()
        failed = errors = total = 0
        for m in RESULT_RE.finditer(text):
            failed, errors, total = (int(x) for x in m.groups())
        bad_log = len(re.findall(r"^\S+ \S+ \d+ (ERROR|CRITICAL) ", text, re.M))
        ok = rc == 0 and failed == 0 and errors == 0 and bad_log == 0 and total > 0
        if bad_log and not failed and not errors:
            errors = bad_log
        return ok, total, failed + errors
    finally:
        pg.drop_db(db)


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cmd_lint(_args=None):
    pip_install()
    ok = True
    log("lint: ruff")
    ok &= run([sys.executable, "-m", "ruff", "check", ROOT], check=False).returncode == 0
    log("lint: pylint-odoo")
    ok &= run([sys.executable, "-m", "pylint", "--rcfile", os.path.join(ROOT, ".pylintrc"),
               os.path.join(ROOT, ADDON)], check=False).returncode == 0
    return ok


def cmd_test(args):
    started = time.time()
    pip_install()
    extra, odoo_root = find_odoo()
    ensure_chromium()
    results = {}
    results["lint"] = (cmd_lint(), 1, 0)
    results["lint"] = (results["lint"][0], 1, 0 if results["lint"][0] else 1)
    pg = Postgres().start()
    env = odoo_env(extra)
    env["KAM_DB_ARGS"] = " ".join(pg.args())
    env["KAM_ODOO_ROOT"] = odoo_root
    os.makedirs(os.path.join(STATE, "logs"), exist_ok=True)
    try:
        ok, total, bad = run_odoo_tests(
            odoo_root, pg, env, args.tags or f"/{ADDON}",
            os.path.join(STATE, "logs", "odoo-tests.log"))
        results["odoo"] = (ok, total, bad)
        if not args.tags:
            log("black-box tests (pytest tests/)")
            junit = os.path.join(STATE, "logs", "pytest.xml")
            res = run([sys.executable, "-m", "pytest", "-q", os.path.join(ROOT, "tests"),
                       f"--junitxml={junit}"], check=False, env=env, cwd=ROOT)
            total, bad = _junit_counts(junit)
            results["blackbox"] = (res.returncode == 0 and total > 0, total, bad)
    finally:
        pg.stop()
    passed = sum(t - b for _, t, b in results.values())
    failed = sum(b for _, _, b in results.values()) + sum(
        1 for ok, _, b in results.values() if not ok and b == 0)
    for name, (ok, total, bad) in results.items():
        log(f"{name}: {'ok' if ok else 'FAILED'} ({total} checks, {bad} failing)")
    log(f"took {time.time() - started:.0f} s")
    print(f"{passed} passed, {failed} failed", flush=True)
    sys.exit(0 if failed == 0 else 1)


def _junit_counts(path):
    if not os.path.exists(path):
        return 0, 1
    text = open(path).read()
    m = re.search(r'<testsuite [^>]*errors="(\d+)" failures="(\d+)" skipped="(\d+)" tests="(\d+)"',
                  text)
    if not m:
        return 0, 1
    errors, failures, _skipped, tests = (int(x) for x in m.groups())
    return tests, errors + failures


@contextlib.contextmanager
def _pg_session():
    pg = Postgres().start()
    try:
        yield pg
    finally:
        pg.stop()


def cmd_shell_env(args):
    """Print what a developer needs to call Odoo by hand (used by bench and tests)."""
    extra, odoo_root = find_odoo()
    print(odoo_root)


def cmd_bench(args):
    """`bench-data`: fresh scratch database + generated data; `bench`: measure."""
    pip_install()
    extra, odoo_root = find_odoo()
    pg = Postgres().start()
    env = odoo_env(extra)
    db = f"kam_bench_{args.scale}"
    bench = [sys.executable, os.path.join(ROOT, "bench", "run.py")]
    common = ["--scale", args.scale, "--db", db, f"--addons-path={addons_path(odoo_root)}",
              "--odoo-args", " ".join(pg.args() + [f"--data-dir={os.path.join(STATE, 'data')}"])]
    try:
        if args.cmd == "bench-data":
            log(f"creating scratch database {db} with {ADDON}")
            create_db(pg, db, os.environ.get("KAM_TEMPLATE_DB"))
            run(odoo_cmd(odoo_root, pg, db, "-i", ADDON, "--stop-after-init",
                         "--log-level=warn", "--max-cron-threads=0"), env=env)
            log(f"generating {args.scale} data")
            run(bench + ["data", *common], env=env)
        else:
            if not pg.db_exists(db):
                die(f"no database {db}: run `make bench-data SCALE={args.scale}` first")
            log(f"updating {ADDON} in {db}")
            run(odoo_cmd(odoo_root, pg, db, "-u", ADDON, "--stop-after-init",
                         "--log-level=warn", "--max-cron-threads=0"), env=env)
            rc = run(bench + ["run", *common], env=env, check=False).returncode
            sys.exit(rc)
    finally:
        pg.stop()


def cmd_i18n(_args):
    """Export the addon's terms to i18n/kam_management.pot and merge them into the .po files.

    Existing translations are kept; new terms are added untranslated, so that
    the translation test points at what is left to translate.
    """
    pip_install()
    extra, odoo_root = find_odoo()
    pg = Postgres().start()
    env = odoo_env(extra)
    db = f"kam_i18n_{uuid.uuid4().hex[:8]}"
    i18n = os.path.join(ROOT, ADDON, "i18n")
    pot = os.path.join(i18n, f"{ADDON}.pot")
    try:
        create_db(pg, db, os.environ.get("KAM_TEMPLATE_DB"))
        run(odoo_cmd(odoo_root, pg, db, "-i", ADDON, "--stop-after-init",
                     "--log-level=warn"), env=env)
        os.makedirs(i18n, exist_ok=True)
        run(odoo_cmd(odoo_root, pg, db, f"--i18n-export={pot}", f"--modules={ADDON}",
                     "--stop-after-init", "--log-level=warn"), env=env)
    finally:
        pg.drop_db(db)
        pg.stop()
    run([sys.executable, "-c", _MERGE_PO, pot, *sorted(glob.glob(os.path.join(i18n, "*.po")))],
        env=env)
    log(f"exported {os.path.relpath(pot, ROOT)} and merged the .po files")


_MERGE_PO = """
import sys, polib
pot = polib.pofile(sys.argv[1])
for path in sys.argv[2:]:
    po = polib.pofile(path)
    po.merge(pot)
    for entry in po.obsolete_entries():
        po.remove(entry)
    po.save(path)
"""


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="cmd", required=True)
    sub.add_parser("run", help="serve Odoo with the addon and demo data")
    test = sub.add_parser("test", help="lint + Odoo tests + black-box tests")
    test.add_argument("--tags", help="Odoo --test-tags (runs only those Odoo tests)")
    sub.add_parser("lint", help="ruff and pylint-odoo")
    sub.add_parser("i18n", help="export the .pot and merge it into the .po files")
    for name in ("bench", "bench-data"):
        bench = sub.add_parser(name, help="benchmark (bench-data fills the scratch database)")
        bench.add_argument("--scale", default=os.environ.get("SCALE", "small"),
                           choices=["small", "medium", "large"])
    sub.add_parser("odoo-root", help="print the Odoo source root that will be used")
    args = parser.parse_args()
    if args.cmd == "run":
        cmd_run(args)
    elif args.cmd == "test":
        cmd_test(args)
    elif args.cmd == "lint":
        sys.exit(0 if cmd_lint() else 1)
    elif args.cmd == "i18n":
        cmd_i18n(args)
    elif args.cmd in ("bench", "bench-data"):
        cmd_bench(args)
    elif args.cmd == "odoo-root":
        cmd_shell_env(args)


if __name__ == "__main__":
    main()
