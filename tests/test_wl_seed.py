"""The example of the page this project started from (PC SOFT's emailSMTPSession page, French
keywords), run verbatim on the sandbox: it signs in with OAuth 2.0 (AuthIdentifie against the
sandbox's provider), opens an SMTP session that signs in over XOAUTH2 with the token it got, sends
a message it never filled, and closes the session."""
from __future__ import annotations

import os
import subprocess
import sys

from fourmail.lang import ast as A
from sandbox_util import sandbox  # noqa: F401  (a fixture)
from wl_run import EXAMPLES, needs_examples, run_wl

SEED = EXAMPLES / "01_emailsmtpsession_oauth_fr.wl"
pytestmark = needs_examples


def _watch_send(program) -> None:
    """After the seed's own `EmailEnvoieMessage(MaSessionSMTP, MonEmail)` (its result is thrown
    away), keep what it returned and what ErrorInfo() then says, in variables no program can name."""
    def visit(body):
        for i, s in enumerate(body):
            if isinstance(s, A.ExprStatement) and isinstance(s.expr, A.CommandCall) \
                    and s.expr.name == "EmailSendMessage":
                body[i] = A.Assign(s.line, s.col, A.LocalVar(s.line, s.col, "seed sent"), s.expr)
                body.insert(i + 1, A.Assign(s.line, s.col, A.LocalVar(s.line, s.col, "seed error"),
                                            A.CommandCall(s.line, s.col, "ErrorInfo", [])))
                return True
            if any(visit(b) for b in s.bodies()):
                return True
        return False
    assert visit(program.body), "the seed's EmailEnvoieMessage call was not found"


def test_the_seed_runs_verbatim_and_signs_in_with_a_token_the_sandbox_issued(sandbox, tmp_path):
    seen_before = len(sandbox.sign_ins)
    ends_before = len(sandbox.session_ends)
    run = run_wl(SEED.read_text(encoding="utf-8"), sandbox, tmp_path, SEED.name, edit=_watch_send,
                 keep_variables=True)
    assert (run.kind, run.err) == ("ok", "")
    values = run.variables

    # the sandbox saw an XOAUTH2 sign-in of the seed's user with a token its provider issued
    sign_ins = sandbox.sign_ins[seen_before:]
    assert [(s.protocol, s.user, s.mechanism, s.ok, s.issued_token) for s in sign_ins] == \
        [("SMTP", "utilisateur@gmail.com", "XOAUTH2", True, True)]

    # the never-filled MonEmail: EmailEnvoieMessage returned False, and ErrorInfo() says why
    assert values["seed sent"] is False
    assert "recipient" in values["seed error"]

    # EmailFermeSession ended the session with QUIT
    assert [(e.protocol, e.user, e.command) for e in sandbox.session_ends[ends_before:]] == \
        [("SMTP", "utilisateur@gmail.com", "QUIT")]

    # nothing secret was printed: not the client secret, the password or the token
    assert "secret" not in run.out


def test_fourmail_run_sandbox_runs_the_seed_verbatim(tmp_path):
    env = dict(os.environ, HOME=str(tmp_path), BROWSER="")
    r = subprocess.run([sys.executable, "-m", "fourmail", "run", "--sandbox", "--sandbox-dir", str(tmp_path / "sb"),
                        str(SEED)], capture_output=True, text=True, timeout=120, env=env, stdin=subprocess.DEVNULL)
    assert r.returncode == 0, r.stderr
    assert r.stderr == ""
    assert "secret" not in r.stdout
