"""The WLanguage e-mail snippets of ../shared/reference/wlanguage/examples/ (PC SOFT's pages,
verbatim): each parses, or stops with a syntax error at a defect its MANIFEST.md names (a name
the page never declares, a window control, a lost END...); each that parses then runs on the
sandbox, to its end or to the function fourmail does not provide that it calls. Prints
`wlanguage examples: N passed, M failed` — passed: parsed and ran to its end; failed: stopped at
its known defect or at a function fourmail does not provide (any other outcome fails the test).

The names come from the language's own table (commands/wl_table.py), which knows by name the
functions outside the e-mail API that the snippets call."""
from __future__ import annotations

from pathlib import Path


from fourmail.lang.errors import SourceSyntaxError
from fourmail.lang.wlanguage import parse
from sandbox_util import sandbox  # noqa: F401  (a fixture)
from wl_run import EXAMPLES, needs_examples, run_wl


# file -> (line of the error, a word of its message, the MANIFEST's reason)
KNOWN_DEFECTS = {
    "04_emailstartsmtpsession_nonsecure_en.wl": (5, "sUserName", "undeclared sUserName/sPassword; declares "
                                                 "`sSMTPServers` but uses `sSMTPServer`"),
    "05_emailstartsmtpsession_tls_en.wl": (12, "END expected for the IF of line 12", "flattened: END/ELSE lines lost"),
    "06_smtpsession_startsession_method_en.wl": (4, "MySMTPSession", "uses `MySMTPSession` but only declares "
                                                 "`MyEmailSMTPSession`: a doc error (UserName is not declared either)"),
    "07_emailstartsession_pop3_smtp_en.wl": (2, "USER", "USER/PASSWORD/UserName undeclared"),
    "08_emailouvresession_pop3_smtp_fr.wl": (2, "USER", "USER/PASSWORD/NomUser undeclared"),
    "09_emailstatus_async_en.wl": (2, "USER", "not self-contained: USER/PASSWORD undeclared (and ELSE/END lines lost)"),
    "10_emailsend_buildsource_structure_en.wl": (21, "END", "has one END too many (doc error)"),
    "11_emailbuildsource_email_variable_en.wl": (7, "END expected for the IF of line 7", "flattened: final END missing"),
    "12_emailbuildsource_email_structure_en.wl": (7, "END expected for the IF of line 7", "flattened: END missing"),
    "13_email_buildsource_method_en.wl": (7, "END expected for the IF of line 7", "flattened: END missing"),
    "14_emailsendmessage_notes_en.wl": (6, "EDT_EmailSubject", "EDT_ control (a window's)"),
    "15_emailstartimapsession_en.wl": (2, "SAI_USER", "SAI_ controls (a window's)"),
    "16_emailstartpop3session_en.wl": (2, "USER", "not self-contained: USER/PASSWORD undeclared (ELSE/END lost)"),
    "17_emailstartpop3session_ports_en.wl": (3, "EDT_SESSION", "EDT_ controls (a window's)"),
    "21_email_type_send_fr_wd.wl": (7, "sExpediteur", "needs sExpediteur, sServeur, sNote declared; SAI_Sujet control"),
    "23_emailgetall_imap_en.wl": (13, "LOOP_EMAIL", "LooperAddLine control: LOOP_EMAIL is a window's"),
    "28_github_tutorial_envoie_mail_fr.wl": (2, "SAI_Utilisateur", "SAI_/COMBO_/EDHTML_ controls (a window's)"),
    "40_lang_if_statement_en.wl": (1, "Customer", "language sample: Customer (a record) and the counters are "
                                   "never declared"),
    "44_lang_logical_operators_en.wl": (1, "Customer", "language sample: Customer and the counters are never declared"),
}


# file -> (line of the error, the message's end): the examples that parse but call what fourmail
# does not provide (MANIFEST.md: 18 queries Dropbox's HTTP API, 20 signs in with OpenID)
STOPS_AT_RUN = {
    "18_authidentify_dropbox_en.wl": (17, "httpRequest is not provided by fourmail yet"),
    "20_openid_authidentify_erroroccurred_en.wl": (1, "OpenIDParameters is not provided by fourmail yet"),
}


def outcome(path: Path) -> tuple[str, SourceSyntaxError | None]:
    try:
        parse(path.read_text(encoding="utf-8"), path.name)
        return "parsed", None
    except SourceSyntaxError as e:
        return "error", e


def run_on_sandbox(path: Path, sandbox, project_dir: Path) -> tuple[str, str, str]:
    kind, out, err, _ = run_wl(path.read_text(encoding="utf-8"), sandbox, project_dir, path.name)
    return kind, out, err


@needs_examples
def test_every_example_parses_and_runs_or_stops_at_its_known_defect(sandbox, tmp_path, capsys):
    files = sorted(EXAMPLES.glob("*.wl"))
    assert len(files) == 28
    passed, failed, unexpected = 0, 0, {}
    for path in files:
        kind, e = outcome(path)
        known = KNOWN_DEFECTS.get(path.name)
        if kind == "error":
            failed += 1
            if not known:
                unexpected[path.name] = str(e)
            elif e.line != known[0] or known[1] not in e.message:
                unexpected[path.name] = f"expected line {known[0]} naming {known[1]!r}, got {e}"
            continue
        if known:
            unexpected[path.name] = f"parses, but the MANIFEST says: {known[2]}"
        ran, out, err = run_on_sandbox(path, sandbox, tmp_path)
        stop = STOPS_AT_RUN.get(path.name)
        if stop:
            failed += 1
            if ran != "error" or not err.startswith(f"{path.name}:{stop[0]}: WLanguage error") \
                    or stop[1] not in err:
                unexpected[path.name] = f"expected to stop at line {stop[0]} ({stop[1]}), got {ran}: {err}"
        elif ran == "ok" and err == "":
            passed += 1
        else:
            unexpected[path.name] = f"{ran}: {err}"
    with capsys.disabled():
        print(f"\nwlanguage examples: {passed} passed, {failed} failed")
    assert unexpected == {}
    assert set(KNOWN_DEFECTS) <= {p.name for p in files}


@needs_examples
def test_the_language_samples_print_what_their_pages_say(sandbox, tmp_path):
    """41-43 state their results in comments: Trace and Info print them."""
    _, out, _ = run_on_sandbox(EXAMPLES / "42_lang_increment_operators_en.wl", sandbox, tmp_path)
    assert out.split() == ["5", "7", "6", "6", "5"]
    _, out, _ = run_on_sandbox(EXAMPLES / "43_lang_info_en.wl", sandbox, tmp_path)
    assert out == "HelloFlorence\nWelcome!\n"
    _, out, _ = run_on_sandbox(EXAMPLES / "41_lang_string_operators_en.wl", sandbox, tmp_path)
    assert out == "San Francisco\n"


@needs_examples
def test_the_seed_example_parses_verbatim():
    """The seed page's French example (01): lone `...` lines, a `...`-continued Erreur( ) call, a
    declaration inside the SI used where it is, `<> Null`."""
    program = parse((EXAMPLES / "01_emailsmtpsession_oauth_fr.wl").read_text(encoding="utf-8"), "01.wl")
    outer = program.body[-1]
    assert type(outer).__name__ == "If" and outer.condition.op == "#" and outer.condition.right.value is None
    call = outer.then[0].then[0].expr
    assert call.name == "Error" and len(call.args) == 3 and call.args[1].name == "ErrorInfo"
    assert [type(s).__name__ for s in outer.then[1:]] == ["VarDecl", "ExprStatement", "ExprStatement"]
