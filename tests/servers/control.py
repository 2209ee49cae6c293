"""Start and stop the real mail servers (realmail/start.sh, stop.sh) for test runs that may overlap.

Each process using the servers holds a lease (WORKDIR/leases/<pid>). When a test run
started the servers, WORKDIR/managed says so, and the last lease holder to leave stops
them: no daemons linger after a run, and a run still going is not cut off by one that
ends first. Servers that were already running when no test run had started them (by
hand, by a benchmark) are reused and left running.
"""
from __future__ import annotations

import fcntl
import os
import subprocess
from contextlib import contextmanager
from pathlib import Path

SCRIPTS = Path(__file__).resolve().parent / "realmail"


class RealmailError(RuntimeError):
    """The real servers could not be started (or a doveadm command failed)."""


@contextmanager
def _locked(workdir: Path):
    # Serialises start+lease against release+stop, across processes.
    workdir.mkdir(parents=True, exist_ok=True)
    with open(workdir / ".lease.lock", "w") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        yield


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _run(script: str, workdir: Path, timeout: float) -> subprocess.CompletedProcess:
    # No stdin (CI has none; apt must not prompt) and output captured: the daemons
    # detach from these pipes, so run() returns as soon as the script does.
    try:
        return subprocess.run(["bash", str(SCRIPTS / script), str(workdir)], stdin=subprocess.DEVNULL,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=timeout)
    except subprocess.TimeoutExpired as e:
        raise RealmailError(f"{SCRIPTS / script} {workdir} did not finish within {timeout:.0f} s:\n"
                            f"{e.output or ''}") from None


def acquire(workdir: Path) -> None:
    """Make sure the servers run (installing them if needed) and take a lease on them."""
    with _locked(workdir):
        p = _run("start.sh", workdir, timeout=900)
        if p.returncode != 0:
            raise RealmailError(f"the real mail servers failed to start ({SCRIPTS / 'start.sh'} {workdir}, "
                                f"exit {p.returncode}); it must run as root and reach the Debian mirror:\n"
                                f"{p.stdout}")
        if "already running" not in p.stdout:
            (workdir / "managed").touch()
        (workdir / "leases").mkdir(exist_ok=True)
        (workdir / "leases" / str(os.getpid())).touch()


def release(workdir: Path) -> None:
    """Give the lease back; stop the servers if a test run started them and no one else holds a lease."""
    with _locked(workdir):
        leases = workdir / "leases"
        (leases / str(os.getpid())).unlink(missing_ok=True)
        others = 0
        for lease in leases.iterdir() if leases.is_dir() else ():
            if lease.name.isdigit() and _alive(int(lease.name)):
                others += 1
            else:
                lease.unlink()  # left by a run that died
        if others == 0 and (workdir / "managed").exists():
            _run("stop.sh", workdir, timeout=60)
            (workdir / "managed").unlink()
