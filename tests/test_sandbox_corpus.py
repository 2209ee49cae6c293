"""Every doc example of ../shared/reference/4d/examples/ under `fourmail run --sandbox`, as printed.

Each runs as a user runs it (a subprocess), on a fresh sandbox store (the demo mailbox), with
answers for its dialogs. An example is *passed* when it reaches its documented outcome: its
ALERTs, and its effect on the mailboxes checked in the store afterwards. It is *failed* when it
stops with a clear 4D error at the doc's own bug (the error and line listed here; the README
says why). Anything else fails the test. Ends by printing `N passed, M failed`.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import CORPUS

PW = "XXXXXXXX"
BOX = "4d@gmail.com"


# ---------------------------------------------------------------- reading the store afterwards
def folder(store: Path, account: str, name: str = "INBOX") -> list[tuple[str, bytes]]:
    """(maildir flags, content) of a folder's messages, oldest first."""
    base = store / "mail" / account
    path = base if name == "INBOX" else base / ("." + name.replace("/", "."))
    out = []
    for sub in ("new", "cur"):
        for f in (path / sub).iterdir() if (path / sub).is_dir() else ():
            out.append((f.name.partition(":2,")[2], f.read_bytes(), f.stat().st_mtime))
    return [(flags, data) for flags, data, _ in sorted(out, key=lambda m: m[2])]


def subjects(msgs) -> list[str]:
    return [re.search(rb"^Subject: (.*)$", data, re.M).group(1).decode() for _, data in msgs]


def flagged_subjects(msgs) -> list[tuple[str, str]]:
    return list(zip((flags for flags, _ in msgs), subjects(msgs)))


def all_flagged(letter):
    return lambda msgs: msgs and all(letter in flags for flags, _ in msgs)


# ---------------------------------------------------------------- what each example should do
# passed: (answers, expected ALERT output, check(store, run_dir) -> bool). Messages a script
# .delete()s are gone afterwards: the server removes them when the transporter is released
# (IMAPTransporterClass.md, .delete()).
# failed: (answers, exit code, error text at "FILE:LINE", why) -- the doc's bug
INBOX_SUBJECTS = ["Welcome to the fourmail sandbox", "4D new feature: IMAP transporter", "Reports",
                  "=?utf-8?b?Q2Fmw6kgY3LDqG1lIOKAlCByw6l1bmlvbiDDoCAxMGgg4piV?=", "Logo with an inline picture",
                  "Invoice 2024-042", "4D new feature: POP3 transporter", "Reports"]

PASSED = {
    "EmailObjectClass__04": ([], "", None),
    "mail-convert-to-mime__01": ([], "", None),
    "IMAPTransporterClass__01": ([], "", lambda s, d: all_flagged("S")(folder(s, BOX))),
    "IMAPTransporterClass__02": ([], "", lambda s, d: ("DS", "Lorem Ipsum") in flagged_subjects(folder(s, "xxxx", "Drafts"))),
    "IMAPTransporterClass__03": ([], "", lambda s, d: subjects(folder(s, BOX, "documents"))
                                 == ["4D new feature: IMAP transporter", "4D new feature: POP3 transporter"]),
    "IMAPTransporterClass__04": ([], "", lambda s, d: subjects(folder(s, BOX, "documents")) == INBOX_SUBJECTS),
    "IMAPTransporterClass__05": ([PW], "Please enter your password: ********\nMailbox creation successful!\n",
                                 lambda s, d: (s / "mail" / "test@gmail.com" / ".Invoices" / "cur").is_dir()),
    "IMAPTransporterClass__06": ([], "", lambda s, d: subjects(folder(s, BOX))
                                 == [x for x in INBOX_SUBJECTS if x != "Reports"]),
    "IMAPTransporterClass__07": ([], "", lambda s, d: folder(s, BOX, "Junk Email") == []),
    "IMAPTransporterClass__09": ([], "", lambda s, d: len(folder(s, BOX)) == 5
                                 and not any("S" in f for f, _ in folder(s, BOX))),
    "IMAPTransporterClass__13": ([], "", None),
    "IMAPTransporterClass__14": ([], "", lambda s, d: sum("S" not in f for f, _ in folder(s, BOX)) == 5),
    "IMAPTransporterClass__15": ([], "", None),
    "IMAPTransporterClass__16": ([], "", lambda s, d: len(folder(s, BOX)) == 6
                                 and subjects(folder(s, BOX, "documents"))
                                 == ["4D new feature: IMAP transporter", "4D new feature: POP3 transporter"]),
    "IMAPTransporterClass__17": ([], "", lambda s, d: folder(s, BOX) == []
                                 and subjects(folder(s, BOX, "documents")) == INBOX_SUBJECTS),
    "IMAPTransporterClass__18": ([], "", lambda s, d: subjects(folder(s, BOX)) == INBOX_SUBJECTS[:2]),
    "IMAPTransporterClass__19": ([], "", lambda s, d: not any("S" in f for f, _ in folder(s, BOX))),
    "IMAPTransporterClass__21": ([], "", None),
    "imap-new-transporter__01": ([], "", lambda s, d: (d / "Logs" / "LogTest.txt").exists()),
    "POP3TransporterClass__01": ([PW], "Please enter your password: ********\nPOP3 connection check successful!\n",
                                 None),
    "POP3TransporterClass__03": ([], "The mailbox contains 8 messages.\n", None),
    "POP3TransporterClass__04": ([], "", None),
    "POP3TransporterClass__06": ([], re.compile(r"The mailbox contains 8 message\(s\) for \d+ bytes\.\n"), None),
    "POP3TransporterClass__07": ([], "", None),
    "pop3-new-transporter__01": ([], "", lambda s, d: (d / "Logs" / "LogTest.txt").exists()),
    "SMTPTransporterClass__02": ([PW], "Please enter your password: ********\nSMTP connection check successful!\n",
                                 None),
    "smtp-new-transporter__01": ([], "", lambda s, d: all(subjects(folder(s, a))[-1] == "my first mail "
                                                          for a in ("4d@4d.com", "test@4d.com"))
                                 and (d / "Logs" / "LogTest.txt").exists()),
}

FAILED = {
    "EmailObjectClass__01": ([], 1, "1: error 57", "fragment: $mail is never created"),
    "EmailObjectClass__02": ([], 2, "4:60: syntax error", "a stray ')' after getContent()"),
    "EmailObjectClass__03": ([], 1, "5: error 67", "needs 4D Write Pro (WP EXPORT VARIABLE)"),
    "IMAPNotifier__01": ([], 1, "11: error 68", "the user class cs.IMAPListener is not given"),
    "IMAPTransporterClass__08": ([PW], 2, "8:10: syntax error", "a statement on the If(...) line"),
    "IMAPTransporterClass__10": ([], 1, "2: error 66", "fragment: $server is never defined"),
    "IMAPTransporterClass__11": ([], 1, "2: error 66", "fragment: $server is never defined"),
    "IMAPTransporterClass__12": ([], 1, "2: error 66", "fragment: $server is never defined"),
    "IMAPTransporterClass__20": ([PW], 2, "8:10: syntax error", "a statement on the If(...) line"),
    "IMAPTransporterClass__22": ([PW], 2, "8:10: syntax error", "a statement on the If(...) line"),
    "IMAPTransporterClass__23": ([PW], 2, "8:10: syntax error", "a statement on the If(...) line"),
    "POP3TransporterClass__02": ([], 1, "1: error 60", "fragment: $POP3_transporter is never created"),
    "POP3TransporterClass__05": ([], 1, "4: error 57", "$server is declared but never initialised"),
    "SMTPTransporterClass__01": ([], 1, "9: error 66", "File() with a relative path (and no host)"),
    "mail-convert-from-mime__01": ([], 2, "4:60: syntax error", "a stray ')' after getContent()"),
    "mail-convert-from-mime__02": ([], 1, "5: error 67", "needs 4D Write Pro (WP EXPORT VARIABLE)"),
    "mail-new-attachment__01": (["photo.jpg"], 1, "20: error -43", 'the Windows path "c:\\Pictures\\4D.jpg"'),
    "mail-new-attachment__02": ([], 1, "2: error 67", "needs 4D Write Pro (WP EXPORT VARIABLE)"),
}


@pytest.fixture(scope="module")
def tls_template(tmp_path_factory):
    """The sandbox CA and certificates, made once and copied into every run's store."""
    from fourmail.sandbox.certs import server_context
    root = tmp_path_factory.mktemp("tls-template")
    server_context(root / "tls")
    return root / "tls"


def run_example(example: Path, answers: list[str], work: Path, tls: Path):
    run_dir, store = work / "project", work / "store"
    run_dir.mkdir(parents=True)
    shutil.copytree(tls, store / "tls")
    shutil.copy(example, run_dir)
    (run_dir / "photo.jpg").write_bytes(b"\xff\xd8\xff\xe0 a picture")      # for Select document
    args = [sys.executable, "-m", "fourmail", "run", "--sandbox", "--sandbox-dir", str(store), example.name]
    for a in answers:
        args += ["--answer", a]
    env = {k: v for k, v in os.environ.items() if k not in ("FOURMAIL_ROUTES", "FOURMAIL_CAFILE")}
    r = subprocess.run(args, cwd=run_dir, capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL,
                       env=env)
    return r, store, run_dir


def test_corpus_under_the_sandbox(tmp_path, tls_template, capsys):
    examples = sorted(CORPUS.glob("*.4dm"))
    if not examples:
        pytest.skip(f"no corpus at {CORPUS}")
    assert {e.stem for e in examples} == set(PASSED) | set(FAILED), "every example is classified"
    passed, failed, wrong = [], [], []
    for n, example in enumerate(examples):
        name = example.stem
        work = tmp_path / f"{n:02d}"
        if name in PASSED:
            answers, expected_out, check = PASSED[name]
            r, store, run_dir = run_example(example, answers, work, tls_template)
            out_ok = (expected_out.fullmatch(r.stdout) if isinstance(expected_out, re.Pattern)
                      else r.stdout == expected_out)
            if r.returncode == 0 and not r.stderr and out_ok and (check is None or check(store, run_dir)):
                passed.append(name)
            else:
                wrong.append(f"{name}: expected its documented outcome; exit {r.returncode}\n"
                             f"  stdout: {r.stdout!r}\n  stderr: {r.stderr!r}")
        else:
            answers, code, where, why = FAILED[name]
            r, _, _ = run_example(example, answers, work, tls_template)
            first = r.stderr.splitlines()[0] if r.stderr else ""
            if r.returncode == code and first.startswith(f"{example.name}:{where}") and "internal error" not in r.stderr:
                failed.append(f"{name}: {first.split(': ', 1)[1]}  <- {why}")
            else:
                wrong.append(f"{name}: expected {where} ({why}); exit {r.returncode}\n"
                             f"  stdout: {r.stdout!r}\n  stderr: {r.stderr!r}")
    with capsys.disabled():
        print()
        for line in failed:
            print(f"  failed at the doc's bug: {line}")
        print(f"{len(passed)} passed, {len(failed)} failed")
    assert not wrong, "\n".join(wrong)
