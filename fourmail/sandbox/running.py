"""A running `fourmail sandbox`, as other fourmail processes find it: the small state file it
keeps in its store folder while it serves (STORE/running.json: its pid, endpoints, CA file, web
inbox), removed when it stops. `fourmail run --sandbox` on the same store then sends the script's
mail to that sandbox instead of starting its own, so that its web inbox shows the mail as it
arrives. A file whose process is gone, or whose listeners do not answer, is stale: the run starts
a sandbox of its own, as it would with no file.

The file holds no secret: the CA's private key stays in tls/, the accounts in their own file.
"""
from __future__ import annotations

import json
import os
import socket
import urllib.request
from dataclasses import asdict, dataclass
from pathlib import Path

from .server import Endpoint

STATE_FILE = "running.json"
ANSWER_SECONDS = 1.0           # a listener that does not accept within this is not there


@dataclass
class Running:
    """What a run needs of a sandbox another process runs (routing.apply reads `endpoints`,
    `web` and `ca_file`, as of a Sandbox)."""
    store_dir: Path
    pid: int
    endpoints: list[Endpoint]
    web: Endpoint
    inbox: Endpoint
    ca_file: Path
    accounts: str | None
    token_lifetime: float | None

    @property
    def inbox_url(self) -> str:
        return f"http://{self.inbox.host}:{self.inbox.port}/"

    def stop(self) -> None:
        """Nothing to stop: the sandbox is its own process's."""


def state_path(store_dir: str | Path) -> Path:
    return Path(store_dir) / STATE_FILE


def _accounts_path(accounts) -> str | None:
    return str(Path(accounts).resolve()) if accounts else None


def advertise(sandbox, accounts=None, token_lifetime: float | None = None) -> Path:
    """Write the state file of a started sandbox (replaced whole: a reader never sees half)."""
    path = state_path(sandbox.store_dir)
    state = {"pid": os.getpid(), "store": str(Path(sandbox.store_dir).resolve()),
             "endpoints": [asdict(e) for e in sandbox.endpoints], "web": asdict(sandbox.web),
             "inbox": asdict(sandbox.inbox), "ca_file": str(sandbox.ca_file),
             "accounts": _accounts_path(accounts), "token_lifetime": token_lifetime}
    tmp = path.with_name(f".{STATE_FILE}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump(state, f, indent=1)
    os.replace(tmp, path)
    return path


def withdraw(store_dir: str | Path) -> None:
    """Remove the state file, if it is this process's."""
    path = state_path(store_dir)
    try:
        if json.loads(path.read_text("utf-8")).get("pid") == os.getpid():
            path.unlink()
    except (OSError, ValueError, AttributeError):
        pass


def find(store_dir: str | Path) -> Running | None:
    """The sandbox serving this store in another process, if one answers; else None."""
    path = state_path(store_dir)
    try:
        state = json.loads(path.read_text("utf-8"))
        running = Running(store_dir=Path(state["store"]), pid=int(state["pid"]),
                          endpoints=[Endpoint(**e) for e in state["endpoints"]], web=Endpoint(**state["web"]),
                          inbox=Endpoint(**state["inbox"]), ca_file=Path(state["ca_file"]),
                          accounts=state.get("accounts"), token_lifetime=state.get("token_lifetime"))
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
    if running.store_dir != Path(store_dir).resolve() or running.pid == os.getpid() or not _alive(running.pid):
        return None
    if not all(_answers(e) for e in running.endpoints + [running.web]) or not _is_ours(running):
        return None
    return running


def compatible(running: Running, accounts=None, token_lifetime: float | None = None) -> bool:
    """Whether a run asking for these settings can use that sandbox (None: whatever it has)."""
    return ((accounts is None or _accounts_path(accounts) == running.accounts)
            and (token_lifetime is None or token_lifetime == running.token_lifetime))


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:            # someone else's process: not a sandbox of this user's
        return False
    return True


def _answers(e: Endpoint) -> bool:
    try:
        socket.create_connection((e.host, e.port), timeout=ANSWER_SECONDS).close()
        return True
    except OSError:
        return False


def _is_ours(running: Running) -> bool:
    """The inbox on that port is the sandbox of this store (not some later program on the port)."""
    try:
        direct = urllib.request.build_opener(urllib.request.ProxyHandler({}))     # loopback: never a proxy
        with direct.open(running.inbox_url + "api/v1/info", timeout=ANSWER_SECONDS * 3) as r:
            return Path(json.loads(r.read())["Database"]).resolve() == running.store_dir
    except (OSError, ValueError, KeyError, TypeError):
        return False
