# Copyright 2026 kam_management developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""Odoo discovery, the Python that runs the tools, pip and apt-get.

Order matters: Odoo is looked for first, before anything is installed, so
that a machine without Odoo is told so and left untouched. Then the project's
tools (requirements-dev.txt) are installed with pip into the Python that sees
Odoo, or, when that Python refuses pip installs (PEP 668's EXTERNALLY-MANAGED
marker, e.g. Odoo from Debian's own package) or has no pip, into a virtual
environment ``.kam/venv`` created with ``--system-site-packages`` so that it
still imports that Odoo.
"""

import glob
import hashlib
import json
import os
import shutil
import sys

from .common import ROOT, STATE, die, is_root, log, run

VENV = os.path.join(STATE, "venv")

# What a Python says about itself, for decide_python().
_PROBE = (
    "import importlib.util, json, os, sys, sysconfig; print(json.dumps({"
    "'in_venv': sys.prefix != sys.base_prefix, "
    "'marker': os.path.isfile(os.path.join(sysconfig.get_path('stdlib'), 'EXTERNALLY-MANAGED')), "
    "'has_pip': importlib.util.find_spec('pip') is not None, "
    "'version': '%d.%d' % sys.version_info[:2]}))"
)


class Toolchain:
    """The Python that runs Odoo and the tools, and where Odoo is."""

    def __init__(self, python, odoo_root, extra_path):
        self.python = python
        self.odoo_root = odoo_root
        self.extra_path = extra_path  # ODOO_PATH, to put on PYTHONPATH (or None)

    def env(self, **more):
        env = dict(os.environ)
        env["TZ"] = "UTC"
        if self.extra_path:
            env["PYTHONPATH"] = self.extra_path + (
                os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
        env.update(more)
        return env


# ---------------------------------------------------------------- Odoo

def find_odoo(python):
    """Return (odoo_root, extra_path) for ``python``; stop when Odoo is absent."""
    odoo_path = os.environ.get("ODOO_PATH")
    if odoo_path:
        if not os.path.isfile(os.path.join(odoo_path, "odoo", "release.py")):
            die(f"ODOO_PATH={odoo_path} is not an Odoo source tree "
                "(no odoo/release.py there). Nothing was run.")
        root = extra = os.path.abspath(odoo_path)
    else:
        probe = run([python, "-c",
                     "import os, odoo; print(os.path.dirname(os.path.dirname(odoo.__file__)))"],
                    check=False, capture_output=True, text=True)
        if probe.returncode != 0:
            die("Odoo 18.0 was not found. This project treats Odoo as an installed "
                "prerequisite: make `import odoo` work for "
                f"{python} (e.g. pip install an Odoo 18.0 checkout), or set "
                "ODOO_PATH to an Odoo 18.0 source tree. Nothing was run.")
        root = probe.stdout.strip().splitlines()[-1]
        extra = None
    version = run([python, "-c",
                   "import sys; sys.path.insert(0, sys.argv[1]) if sys.argv[1] else None;"
                   "import odoo.release as r; print(r.serie)", extra or ""],
                  check=False, capture_output=True, text=True)
    if version.returncode != 0:
        die(f"Odoo at {root} cannot be imported by {python}:\n{version.stderr.strip()[-2000:]}")
    if version.stdout.strip() != "18.0":
        die(f"Odoo at {root} is {version.stdout.strip()}, this addon needs 18.0. Nothing was run.")
    return root, extra


def odoo_script(odoo_root):
    script = os.path.join(odoo_root, "setup", "odoo")
    if not os.path.isfile(script):
        script = os.path.join(odoo_root, "odoo-bin")
    if not os.path.isfile(script):
        # Odoo installed as a package (e.g. Debian's): run its CLI module.
        return None
    return script


def addons_path(odoo_root):
    paths = [os.path.join(odoo_root, "addons"), os.path.join(odoo_root, "odoo", "addons"), ROOT]
    return ",".join(p for p in paths if os.path.isdir(p))


# ---------------------------------------------------------------- the tools' Python

def probe_python(python):
    res = run([python, "-c", _PROBE], check=False, capture_output=True, text=True)
    if res.returncode != 0:
        die(f"{python} does not run: {res.stderr.strip()[-500:]}")
    return json.loads(res.stdout)


def decide_python(probe, environ):
    """Where the project's tools go: ("system", why) or ("venv", why).

    ``probe`` is what the Python that sees Odoo says about itself (in_venv,
    marker: PEP 668's EXTERNALLY-MANAGED file, has_pip); ``environ`` the
    environment (KAM_VENV=1/0 forces the choice; PIP_BREAK_SYSTEM_PACKAGES is
    the user's consent to install into an externally managed Python).
    """
    forced = environ.get("KAM_VENV")
    if forced == "1":
        return "venv", "KAM_VENV=1"
    if forced == "0":
        return "system", "KAM_VENV=0"
    if probe.get("in_venv") and probe.get("has_pip"):
        return "system", "already a virtual environment"
    if not probe.get("has_pip"):
        return "venv", "this Python has no pip"
    if probe.get("marker") and environ.get("PIP_BREAK_SYSTEM_PACKAGES", "").lower() not in (
            "1", "true", "yes", "on"):
        return "venv", "this Python is externally managed (PEP 668)"
    return "system", "pip installs into this Python"


def tool_python(base):
    """The Python for Odoo and the tools: ``base`` itself, or .kam/venv on top of it."""
    probe = probe_python(base)
    where, why = decide_python(probe, os.environ)
    if where == "system":
        return base
    python = os.path.join(VENV, "bin", "python")
    if not (os.path.exists(python) and run([python, "-c", "import pip"], check=False,
                                           capture_output=True).returncode == 0):
        log(f"{why}: the project's tools go into a virtual environment .kam/venv "
            "(--system-site-packages, so that it sees this Odoo)")
        shutil.rmtree(VENV, ignore_errors=True)
        os.makedirs(STATE, exist_ok=True)
        cmd = [base, "-m", "venv", "--system-site-packages", VENV]
        if run(cmd, check=False, capture_output=True).returncode != 0:
            # Debian splits venv/ensurepip out of the interpreter package.
            shutil.rmtree(VENV, ignore_errors=True)
            apt_install(["python3-venv", f"python{probe['version']}-venv"], optional=True)
            res = run(cmd, check=False, capture_output=True, text=True)
            if res.returncode != 0:
                die(f"cannot create the virtual environment .kam/venv with {base}:\n"
                    f"{res.stderr.strip()[-1500:]}")
    return python


def pip_install(python):
    req = os.path.join(ROOT, "requirements-dev.txt")
    with open(req, "rb") as handle:
        digest = hashlib.sha256(handle.read()).hexdigest()
    stamp = os.path.join(STATE, f"pip-{digest[:16]}-{python.replace('/', '_')}")
    if os.path.exists(stamp):
        return
    log(f"installing the project's Python tools (requirements-dev.txt) for {python}")
    res = run([python, "-m", "pip", "install", "-q", "--disable-pip-version-check",
               "-r", req], check=False)
    if res.returncode != 0:
        die(f"pip could not install requirements-dev.txt into {python} (see above).")
    os.makedirs(STATE, exist_ok=True)
    open(stamp, "w").close()


def prepare(install=True, debian=()):
    """Find Odoo, then install what is missing; return the Toolchain.

    ``debian``: names of the Debian-packaged programs needed (keys of
    DEBIAN_PROGRAMS).
    """
    base = sys.executable
    odoo_root, extra = find_odoo(base)
    python = tool_python(base) if install else base
    if python != base:
        odoo_root, extra = find_odoo(python)
    if install:
        pip_install(python)
        ensure_programs(debian)
    return Toolchain(python, odoo_root, extra)


# ---------------------------------------------------------------- Debian packages

# program -> (names that satisfy it, Debian package)
DEBIAN_PROGRAMS = {
    "chromium": (("chromium", "chromium-browser", "google-chrome"), "chromium"),
    "wkhtmltopdf": (("wkhtmltopdf",), "wkhtmltopdf"),
    "pdftotext": (("pdftotext",), "poppler-utils"),
}


def ensure_programs(names):
    missing = [DEBIAN_PROGRAMS[n][1] for n in names
               if not any(shutil.which(b) for b in DEBIAN_PROGRAMS[n][0])]
    if missing:
        apt_install(missing)


def apt_install(packages, optional=False):
    missing = [p for p in packages if run(
        ["dpkg-query", "-W", "-f=${Status}", p], check=False,
        capture_output=True, text=True).stdout.find("install ok installed") < 0] \
        if shutil.which("dpkg-query") else list(packages)
    if not missing:
        return True
    if not shutil.which("apt-get"):
        if optional:
            return False
        die(f"Debian packages {' '.join(missing)} are needed and apt-get is not available: "
            "install them with the system's package manager.")
    sudo = [] if is_root() else ["sudo", "-n"]
    log(f"installing Debian packages: {' '.join(missing)}")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    run(sudo + ["apt-get", "update", "-qq"], env=env, check=False)
    res = run(sudo + ["apt-get", "install", "-y", "-qq", *missing], env=env, check=False)
    if res.returncode != 0 and not optional:
        die(f"apt-get could not install {' '.join(missing)}.")
    return res.returncode == 0


def pg_server_bindir():
    """Newest Debian PostgreSQL server binaries, installed when absent."""
    def found():
        return sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                      key=lambda p: int(p.split("/")[4]))
    if not found():
        apt_install(["postgresql"])
    if not found():
        die("No PostgreSQL server binaries (initdb) found, even after apt-get.")
    return os.path.dirname(found()[-1])

