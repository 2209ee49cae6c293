"""Bad input on the command line: one line on stderr (`fourmail: ...`), never a traceback, and the
exit code the README documents (64: usage error), before anything runs (issue 10, item 7)."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time

import pytest

from conftest import REPO

USAGE = 64


def fourmail(*args, env=None, cwd=REPO, timeout=60):
    full_env = dict(os.environ, **(env or {}))
    full_env.pop("FOURMAIL_DEBUG", None)
    return subprocess.run([sys.executable, "-m", "fourmail", *args], capture_output=True, text=True,
                          stdin=subprocess.DEVNULL, cwd=cwd, timeout=timeout, env=full_env)


def one_line(r, code=USAGE) -> str:
    """The single stderr line of a refused command, checked."""
    assert r.returncode == code, (r.returncode, r.stdout, r.stderr)
    assert "Traceback" not in r.stderr
    lines = r.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("fourmail: "), r.stderr
    return lines[0]


@pytest.fixture
def fifo(tmp_path):
    path = tmp_path / "pipe.4dm"
    os.mkfifo(path)
    return path


# ---------------------------------------------------------------- the script itself

def test_script_that_cannot_be_read(tmp_path):
    assert one_line(fourmail("run", str(tmp_path / "none.4dm"))) == \
        f"fourmail: {tmp_path / 'none.4dm'}: cannot read: No such file or directory"
    assert one_line(fourmail("run", str(tmp_path))) == f"fourmail: {tmp_path}: is a folder, not a file"


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file")
def test_unreadable_script(tmp_path):
    f = tmp_path / "secret.4dm"
    f.write_text('ALERT("x")')
    f.chmod(0)
    assert one_line(fourmail("run", str(f))) == f"fourmail: {f}: cannot read: Permission denied"


def test_fifo_and_device_refused_at_once(fifo):
    # A FIFO used to block forever (no writer), /dev/zero to be read without end.
    start = time.monotonic()
    for name in (str(fifo), "/dev/zero"):
        for command in ("run", "parse"):
            r = fourmail(command, name, timeout=30)
            assert r.stderr == f"fourmail: {name}: is not a regular file (a device, FIFO or socket)\n"
            assert r.returncode == USAGE
    assert time.monotonic() - start < 30


def test_script_size_cap(tmp_path):
    from fourmail.source_files import MAX_SOURCE_BYTES
    f = tmp_path / "huge.4dm"
    with open(f, "wb") as out:
        out.truncate(MAX_SOURCE_BYTES + 1)
    assert one_line(fourmail("run", str(f))) == f"fourmail: {f}: is larger than 16 MiB"
    with open(f, "r+b") as out:                    # at the cap: read, and parsed (NUL is no 4D)
        out.truncate(MAX_SOURCE_BYTES)
    r = fourmail("parse", str(f))
    assert r.returncode == 1 and "syntax error" in r.stdout and r.stderr == ""


def test_script_not_utf8(tmp_path):
    f = tmp_path / "latin1.4dm"
    f.write_bytes('ALERT("ok")\nALERT("café")\n'.encode("latin-1"))
    assert one_line(fourmail("run", str(f))) == \
        f"fourmail: {f}: is not UTF-8 text (byte 0xe9 at line 2, column 11)"
    bom = tmp_path / "bom.4dm"
    bom.write_bytes(b'\xef\xbb\xbfALERT("caf\xc3\xa9")\n')
    r = fourmail("run", str(bom))
    assert (r.returncode, r.stdout) == (0, "café\n")


def test_parse_reports_unusable_files_on_stderr_and_goes_on(tmp_path, fifo):
    bad = tmp_path / "latin1.4dm"
    bad.write_bytes(b"\xe9")
    r = fourmail("parse", str(fifo), "examples/hello.4dm", str(bad), str(tmp_path / "none.4dm"))
    assert r.returncode == USAGE
    assert r.stdout == "1 passed, 3 failed\n"
    assert r.stderr.splitlines() == [
        f"fourmail: {fifo}: is not a regular file (a device, FIFO or socket)",
        f"fourmail: {bad}: is not UTF-8 text (byte 0xe9 at line 1, column 1)",
        f"fourmail: {tmp_path / 'none.4dm'}: cannot read: No such file or directory"]


def test_project_method_and_class_files_are_read_the_same_way(tmp_path):
    os.mkfifo(tmp_path / "Helper.4dm")
    (tmp_path / "Classes").mkdir()
    (tmp_path / "Classes" / "Thing.4dm").write_bytes(b"Class constructor\n\xff\n")
    main = tmp_path / "main.4dm"
    main.write_text("Try\nHelper\nCatch\nALERT(Last errors[0].message)\nEnd try\n$t:=cs.Thing.new()\n")
    r = fourmail("run", str(main), timeout=30)
    assert r.stdout == f"{tmp_path / 'Helper.4dm'}: is not a regular file (a device, FIFO or socket)\n"
    assert r.returncode == 1
    assert r.stderr.splitlines()[0] == (f"{main}:6: error -36 (FiFo): {tmp_path / 'Classes' / 'Thing.4dm'}: "
                                        "is not UTF-8 text (byte 0xff at line 2, column 1)")


def test_binary_file_syntax_error_escapes_control_characters(tmp_path):
    f = tmp_path / "bin.4dm"
    f.write_bytes(b'$a:=1\n$b:="\x1b[2J\x07"+(2))\n')
    r = fourmail("run", str(f))
    assert r.returncode == 2
    first, shown, caret = r.stderr.splitlines()
    assert first == f"{f}:2:16: syntax error: unexpected ')': unbalanced parentheses"
    assert shown == '    $b:="\\x1b[2J\\x07"+(2))'
    assert caret.index("^") == shown.rindex(")")           # still under the culprit
    assert not any(ord(c) < 32 for c in r.stderr.replace("\n", ""))


def test_runtime_error_line_is_escaped_too(tmp_path):
    f = tmp_path / "rt.4dm"
    f.write_bytes(b'$x:="\x1b]0;owned\x07"+1\n')
    r = fourmail("run", str(f))
    assert r.returncode == 1
    assert r.stderr.splitlines()[1] == '    $x:="\\x1b]0;owned\\x07"+1'


# ---------------------------------------------------------------- options

def test_usage_errors_are_one_line_exit_64():
    assert one_line(fourmail("run", "examples/hello.4dm", "--answer")) == \
        "fourmail: argument --answer: expected one argument (see fourmail run --help)"
    assert one_line(fourmail("run")) == \
        "fourmail: the following arguments are required: file (see fourmail run --help)"
    assert one_line(fourmail("launch")).startswith("fourmail: argument command: invalid choice: 'launch'")


@pytest.mark.parametrize("route, message", [
    ("a:99999=b", "bad route 'a:99999=b': the port '99999' is not a number from 1 to 65535"),
    ("a=b:-5", "bad route 'a=b:-5': the target port '-5' is not a number from 1 to 65535"),
    ("a=b:", "bad route 'a=b:': the target port '' is not a number from 1 to 65535"),
    ("a=b c", "bad route 'a=b c': the target host 'b c' is not a host name or address"),
    ("=127.0.0.1", "bad route '=127.0.0.1': the host is missing"),
    ("smtp.gmail.com", "bad route 'smtp.gmail.com': expected HOST[:PORT]=TARGET[:PORT]"),
])
def test_bad_routes_are_refused_naming_the_bad_part(route, message):
    assert one_line(fourmail("run", "examples/hello.4dm", "--route", route)) == f"fourmail: {message}"


def test_bad_routes_from_the_environment():
    assert one_line(fourmail("run", "examples/hello.4dm", env={"FOURMAIL_ROUTES": "garbage"})) == \
        "fourmail: FOURMAIL_ROUTES: bad route 'garbage': expected HOST[:PORT]=TARGET[:PORT]"
    r = fourmail("run", "examples/hello.4dm", env={"FOURMAIL_ROUTES": "a:465=127.0.0.1:10465 *=[::1]"})
    assert (r.returncode, r.stdout) == (0, "Hello, World!\n"), r.stderr


def test_logs_must_be_a_folder_that_can_exist(tmp_path):
    f = tmp_path / "file.txt"
    f.write_text("")
    assert one_line(fourmail("run", "examples/hello.4dm", "--logs", str(f))) == f"fourmail: --logs {f}: not a folder"
    assert one_line(fourmail("run", "examples/hello.4dm", "--logs", str(f / "sub"))) == \
        f"fourmail: --logs {f / 'sub'}: {f} is not a folder"
    r = fourmail("run", "examples/hello.4dm", "--logs", str(tmp_path / "new" / "logs"))
    assert r.returncode == 0 and not (tmp_path / "new").exists()     # nothing made before it is needed


def test_cafile_is_checked_at_start(tmp_path):
    missing = tmp_path / "ca.pem"
    assert one_line(fourmail("run", "examples/hello.4dm", "--cafile", str(missing))) == \
        f"fourmail: CA file {missing}: No such file or directory"
    not_pem = tmp_path / "notes.txt"
    not_pem.write_text("not a certificate\n")
    assert one_line(fourmail("run", "examples/hello.4dm", "--cafile", str(not_pem))) == \
        f"fourmail: CA file {not_pem}: holds no PEM certificate"
    assert one_line(fourmail("run", "examples/hello.4dm", env={"FOURMAIL_CAFILE": "/dev/zero"})) == \
        "fourmail: CA file /dev/zero: not a regular file"


def test_accounts_file_not_utf8_or_not_a_file(tmp_path, fifo):
    accounts = tmp_path / "accounts.txt"
    accounts.write_bytes(b"4d@gmail.com  p\xe4ss\n")
    assert one_line(fourmail("run", "--sandbox", "--sandbox-dir", str(tmp_path / "sb"), "--accounts", str(accounts),
                             "examples/hello.4dm")) == \
        f"fourmail: sandbox: accounts file {accounts}: is not UTF-8 text (byte 0xe4 at line 1, column 16)"
    assert one_line(fourmail("sandbox", "--port-base", "0", "--sandbox-dir", str(tmp_path / "sb"),
                             "--accounts", str(fifo), timeout=30)) == \
        f"fourmail: sandbox: accounts file {fifo}: is not a regular file (a device, FIFO or socket)"


def test_sandbox_dir_that_cannot_be_made(tmp_path):
    f = tmp_path / "file"
    f.write_text("")
    line = one_line(fourmail("run", "--sandbox", "--sandbox-dir", str(f / "store"), "examples/hello.4dm"))
    assert line.startswith(f"fourmail: sandbox: cannot use the sandbox folder {f / 'store'}: ")


# ---------------------------------------------------------------- interruptions

LOOP = 'ALERT("ready")\nWhile (True)\n    DELAY PROCESS(Current process; 1)\nEnd while\n'


def test_ctrl_c_during_a_run_exits_130_without_traceback(tmp_path):
    f = tmp_path / "loop.4dm"
    f.write_text(LOOP)
    p = subprocess.Popen([sys.executable, "-m", "fourmail", "run", str(f)], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True, cwd=REPO)
    try:
        assert p.stdout.readline() == "ready\n"
        p.send_signal(signal.SIGINT)
        out, err = p.communicate(timeout=30)
    finally:
        p.kill()
    assert p.returncode == 130
    assert err == "\ninterrupted (error 1006: user interruption)\n"


def test_closed_stdout_ends_the_run_quietly(tmp_path):
    f = tmp_path / "chatty.4dm"
    f.write_text('For ($i; 1; 100000)\n    ALERT(String($i))\nEnd for\n'
                 'File("/PACKAGE/after.txt").setText("the run went on")\n')
    p = subprocess.Popen([sys.executable, "-m", "fourmail", "run", str(f)], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, cwd=REPO)
    try:
        assert p.stdout.readline() == b"1\n"
        p.stdout.close()                          # `| head -1`
        err = p.stderr.read()
        p.wait(timeout=60)
    finally:
        p.kill()
    assert (p.returncode, err) == (141, b"")
    assert not (tmp_path / "after.txt").exists()  # the run stopped there, as `cat` would


@pytest.mark.parametrize("command", ["POP3 New transporter", "IMAP New transporter"])
def test_ctrl_c_while_a_transporter_connects_stops_the_run(tmp_path, command):
    # A server that accepts and never greets: the transporter waits (connectionTimeOut 30 s) and
    # Ctrl-C must stop the run there, not become the transporter's "cannot connect" status.
    silent = socket.create_server(("127.0.0.1", 0))
    port = silent.getsockname()[1]
    f = tmp_path / "connect.4dm"
    f.write_text(f'$t:={command}(New object("host";"127.0.0.1";"port";{port};"user";"u";"password";"p"))\n'
                 'ALERT("connecting")\n$r:=$t.checkConnection()\nALERT("after: "+JSON Stringify($r))\n')
    p = subprocess.Popen([sys.executable, "-m", "fourmail", "run", str(f)], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True, cwd=REPO)
    try:
        assert p.stdout.readline() == "connecting\n"
        conn, _ = silent.accept()                 # the transporter is now waiting for the greeting
        p.send_signal(signal.SIGINT)
        out, err = p.communicate(timeout=30)
        conn.close()
    finally:
        p.kill()
        silent.close()
    assert p.returncode == 130 and out == ""
    assert err == "\ninterrupted (error 1006: user interruption)\n"
