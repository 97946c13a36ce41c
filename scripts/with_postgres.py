#!/usr/bin/env python3
"""Run a command against a real PostgreSQL.

With DATABASE_URL set, the command runs as it is. Otherwise a throwaway cluster is created with initdb in a
temporary folder, started with pg_ctl on a free loopback port, handed to the command as DATABASE_URL, and
stopped and deleted afterwards, whatever the command's result.

Usage: scripts/with_postgres.py COMMAND [ARG ...]
"""

import glob
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile

INSTALL_HINT = (
    "PostgreSQL is needed for the database tests' second pass but initdb was not found.\n"
    "Install it with:  sudo apt-get install postgresql   (Debian/Ubuntu)\n"
    "or point DATABASE_URL at a PostgreSQL server you can create databases on."
)


def _bindir() -> str | None:
    for candidate in [shutil.which("pg_config")]:
        if candidate:
            out = subprocess.run([candidate, "--bindir"], capture_output=True, text=True).stdout.strip()
            if os.path.exists(os.path.join(out, "initdb")) and os.path.exists(os.path.join(out, "pg_ctl")):
                return out
    for initdb in sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), reverse=True):
        return os.path.dirname(initdb)
    initdb = shutil.which("initdb")
    return os.path.dirname(initdb) if initdb and shutil.which("pg_ctl") else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    if os.environ.get("DATABASE_URL"):
        return subprocess.call(argv)
    bindir = _bindir()
    if bindir is None:
        print(INSTALL_HINT, file=sys.stderr)
        return 1

    # PostgreSQL refuses to run as root; run the server as the 'postgres' account in that case.
    run_as = None
    if os.geteuid() == 0:
        try:
            account = pwd.getpwnam("postgres")
        except KeyError:
            print("Running as root needs a 'postgres' account to run the server: " + INSTALL_HINT,
                  file=sys.stderr)
            return 1
        run_as = account.pw_name

    folder = tempfile.mkdtemp(prefix="sendreform-pg-")
    data = os.path.join(folder, "data")
    if run_as:
        shutil.chown(folder, user=run_as)
    port = _free_port()
    log = os.path.join(folder, "server.log")
    started = False
    try:
        subprocess.run(
            [os.path.join(bindir, "initdb"), "-D", data, "-U", "sendreform", "--auth=trust",
             "--encoding=UTF8", "--locale=C.UTF-8"],
            check=True, stdout=subprocess.DEVNULL, user=run_as,
        )
        subprocess.run(
            [os.path.join(bindir, "pg_ctl"), "-D", data, "-l", log, "-w", "start",
             "-o", f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off "
                   "-c synchronous_commit=off -c full_page_writes=off"],
            check=True, stdout=subprocess.DEVNULL, user=run_as,
        )
        started = True
        env = dict(os.environ, DATABASE_URL=f"postgres://sendreform@127.0.0.1:{port}/postgres")
        print(f"PostgreSQL ({bindir}) running on 127.0.0.1:{port} for: {' '.join(argv)}", flush=True)
        return subprocess.call(argv, env=env)
    except subprocess.CalledProcessError as exc:
        print(f"Could not start a throwaway PostgreSQL: {exc}", file=sys.stderr)
        if os.path.exists(log):
            print(open(log).read(), file=sys.stderr)
        return 1
    finally:
        if started:
            subprocess.run([os.path.join(bindir, "pg_ctl"), "-D", data, "-m", "fast", "-w", "stop"],
                           stdout=subprocess.DEVNULL, user=run_as)
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
