"""Secrets in a WLanguage REPL session: the history file masks a password however WLanguage
writes it (an assignment with `=`, a declaration with a value), and a property the object itself
calls secret (AuthToken.Value) is shown masked though its name says nothing."""
from __future__ import annotations

import io

from fourmail import lang
from fourmail.repl.session import ReplSession, ScrubbedFileHistory

WL = lang.get("wlanguage")


def test_the_history_file_masks_wlanguage_passwords(tmp_path):
    for text in ('s.Password = "hunter2"', 's.MotDePasse = "hunter2"', 'sPassword is string = "hunter2"',
                 'MotDePasse est une chaîne = "hunter2"', 'Params.ClientSecret = "hunter2"'):
        path = tmp_path / f"h{abs(hash(text))}"
        ScrubbedFileHistory(str(path), WL).store_string(text)
        kept = path.read_text()
        assert "hunter2" not in kept and '"********"' in kept, (text, kept)
    # what is not a secret stays as typed
    path = tmp_path / "plain"
    ScrubbedFileHistory(str(path), WL).store_string('s.ServerAddress = "smtp.gmail.com"')
    assert "smtp.gmail.com" in path.read_text()


def test_a_property_its_object_calls_secret_is_shown_masked(tmp_path):
    out, err = io.StringIO(), io.StringIO()
    repl = ReplSession(project_dir=tmp_path, out=out, err=err, language=WL)
    for line in ("t is AuthToken", 't.Value = "ya29.canary-token"', "t.Value", "t.Valeur", "t.Valid"):
        repl.execute(line)
    shown = out.getvalue().splitlines()
    assert shown == ['"********"', '"********"', "True"], (shown, err.getvalue())
    variables = repl.variables()
    assert "canary-token" not in variables and "t = AuthToken {" in variables, variables
    repl.close()


def test_a_4d_property_is_still_shown(tmp_path):
    out, err = io.StringIO(), io.StringIO()
    repl = ReplSession(project_dir=tmp_path, out=out, err=err)
    repl.execute('$o:=New object("host"; "smtp.gmail.com")')
    repl.execute("$o.host")
    assert out.getvalue().splitlines() == ['"smtp.gmail.com"'], err.getvalue()
    assert "shown owner" not in repl.variables()
    repl.close()
