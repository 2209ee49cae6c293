"""The `fourmail` command line: run a 4D file, check files parse.

Exit codes (README, "Using it"): 0 success; 1 an uncaught 4D error (`parse`: a file does not
parse); 2 a syntax error; 64 a usage error: a bad option or value, or a file or folder named
on the command line (or in FOURMAIL_ROUTES / FOURMAIL_CAFILE) that cannot be used, or a
sandbox that cannot start; 130 interrupted (Ctrl-C); 141 standard output closed (`| head`).
Each of these says so in one line on stderr, never a traceback.
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

EXIT_OK, EXIT_ERROR, EXIT_SYNTAX, EXIT_USAGE = 0, 1, 2, 64      # 64: EX_USAGE (sysexits.h)
EXIT_INTERRUPTED, EXIT_PIPE = 130, 141                          # 128 + SIGINT, 128 + SIGPIPE


class UsageError(Exception):
    """Something on the command line cannot be used: `fourmail: MESSAGE`, exit 64."""


class OutputClosed(BaseException):
    """Standard output's reader went away (`fourmail run x | head -1`). A BaseException, as
    KeyboardInterrupt: it ends the run, whatever the script's ON ERR CALL or Try says."""


class _Stdout:
    """sys.stdout for a run: a closed pipe ends the run (OutputClosed) instead of becoming a 4D
    error the script would go on after."""

    def __init__(self, stream):
        self._stream = stream

    def write(self, text: str) -> int:
        try:
            return self._stream.write(text)
        except BrokenPipeError:
            raise OutputClosed from None

    def flush(self) -> None:
        try:
            self._stream.flush()
        except BrokenPipeError:
            raise OutputClosed from None

    def __getattr__(self, name):
        return getattr(self._stream, name)


def _read(path: str) -> str:
    from .source_files import SourceFileError, read_source
    try:
        return read_source(path)
    except SourceFileError as e:
        raise UsageError(e.message) from None


def _language(args, path: str | None = None):
    """The source language: `--language`, else the one whose files end like `path`, else 4D."""
    from . import lang
    if getattr(args, "language", None):
        try:
            return lang.get(args.language)
        except KeyError as e:
            raise UsageError(f"--language: {e.args[0]}") from None
    return (lang.for_path(path) if path else None) or lang.get()


def _project_methods(f: str) -> tuple[str, ...]:
    """The project methods a file being parsed can call, as `run` finds them (a method or class
    file in Methods/ or Classes/ belongs to the folder above): the parser needs names with blanks."""
    from .runtime.session import find_method_files
    folder = Path(f).resolve().parent
    if folder.name in ("Methods", "Classes"):
        folder = folder.parent
    return tuple(p.stem for p in find_method_files(folder).values())


def cmd_parse(args) -> int:
    from .lang.errors import SourceSyntaxError
    passed = failed = unusable = 0
    for f in args.files:
        try:
            source = _read(f)
            language = _language(args, f)
            methods = _project_methods(f)
            if Path(f).parent.name == "Classes":        # a class file: its members too
                language.parse_class(source, Path(f).stem, f, methods)
            else:
                language.parse(source, f, methods)
            passed += 1
        except SourceSyntaxError as e:
            failed += 1
            print(str(e))
        except UsageError as e:
            failed += 1
            unusable += 1
            print(f"fourmail: {e}", file=sys.stderr)
    print(f"{passed} passed, {failed} failed")
    return EXIT_USAGE if unusable else EXIT_OK if failed == 0 else EXIT_ERROR


def check_mail_options(args) -> None:
    """Routes, CA files and the logs folder, checked before anything runs: a bad one is a
    UsageError now, not a connection to the real host or a log silently dropped later."""
    from .mail.network import cafiles_from_env, check_cafile, parse_route, routes_from_env
    try:
        routes_from_env()
        for r in getattr(args, "route", ()):
            parse_route(r)
        for cafile in list(getattr(args, "cafile", ())) + cafiles_from_env():
            check_cafile(cafile)
    except ValueError as e:
        raise UsageError(str(e)) from None
    if getattr(args, "logs", None):
        _check_writable_folder(args.logs, "--logs")


def _check_writable_folder(path: str, option: str) -> None:
    """A folder that exists and is writable, or that can be created (its nearest existing
    parent is a writable folder)."""
    p = Path(path).expanduser().absolute()
    if p.exists() and not p.is_dir():
        raise UsageError(f"{option} {path}: not a folder")
    existing = p
    while not existing.exists():
        existing = existing.parent
    if not existing.is_dir():
        raise UsageError(f"{option} {path}: {existing} is not a folder")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise UsageError(f"{option} {path}: {existing} is not writable")


def cmd_run(args) -> int:
    from .mail.network import parse_route
    from .program import new_runtime

    path = Path(args.file)
    source = _read(args.file)
    check_mail_options(args)
    rt = new_runtime(_language(args, args.file), project_dir=path.resolve().parent, answers=args.answer, out=_Stdout(sys.stdout),
                     logs_dir=Path(args.logs).resolve() if args.logs else None)
    rt.main_name = path.stem
    routes = [parse_route(r) for r in args.route]
    sandbox, restore = None, None
    if args.sandbox:
        sandbox = _running_sandbox(args)
        if sandbox is not None and args.fault:
            restore = _borrow_faults(sandbox, args.fault)
        sandbox = sandbox or _start_sandbox(args, quiet=True)
        from .sandbox.routing import apply
        apply(rt, sandbox)
    rt.routes = routes + rt.routes
    rt.cafiles = list(args.cafile) + rt.cafiles
    try:
        return _run(args, rt, path, source)
    finally:
        if restore is not None:
            restore()
        if sandbox is not None:
            sandbox.stop()          # after the transporters' QUIT/LOGOUT (rt.shutdown)


def _start_sandbox(args, quiet: bool):
    from .sandbox.server import Sandbox, SandboxError
    try:
        sandbox = Sandbox(args.sandbox_dir, args.accounts, getattr(args, "port_base", None), quiet=quiet,
                          token_lifetime=args.token_lifetime)
        if args.fault:
            from .sandbox.faults import apply_faults
            apply_faults(sandbox, args.fault)
        sandbox.start()
        return sandbox
    except SandboxError as e:
        raise UsageError(f"sandbox: {e}") from None


def _running_sandbox(args):
    """The `fourmail sandbox` already serving this store, if one answers and has the settings the
    run asks for: the run's mail then shows in its web inbox as it arrives."""
    from .sandbox.running import compatible, find
    from .sandbox.server import default_store_dir
    running = find(Path(args.sandbox_dir).expanduser() if args.sandbox_dir else default_store_dir())
    if running is not None and compatible(running, args.accounts, args.token_lifetime):
        return running
    return None


def _borrow_faults(running, specs):
    """The run's --fault on a `fourmail sandbox` it uses (through its chaos API), for the run only:
    the function that puts back the faults it had before."""
    from .sandbox.faults import FaultError, apply_faults, current_faults, replace_faults
    try:
        before = current_faults(running)
        apply_faults(running, specs)
    except FaultError as e:
        raise UsageError(f"sandbox: {e}") from None

    def restore() -> None:
        try:
            replace_faults(running, before)
        except FaultError as e:
            sys.stderr.write(f"fourmail: sandbox: the faults set before this run were not put back: {e}\n")
    return restore


_EXIT = {"ok": EXIT_OK, "syntax": EXIT_SYNTAX, "error": EXIT_ERROR, "aborted": EXIT_ERROR,
         "internal": EXIT_ERROR, "interrupted": EXIT_INTERRUPTED}


def _run(args, rt, path: Path, source: str) -> int:
    from .program import report, run_source
    outcome = run_source(rt, source, args.file, path.stem)
    report(outcome, rt, args.file, sys.stderr)
    return _EXIT[outcome.kind]


def cmd_sandbox(args) -> int:
    """Run the sandbox servers until interrupted, for real mail clients."""
    import logging
    import signal
    import threading
    logging.basicConfig(format="%(asctime)s %(message)s", datefmt="%H:%M:%S")
    logging.getLogger("fourmail.sandbox").setLevel(logging.INFO)
    logging.getLogger("mail.log").setLevel(logging.ERROR)      # aiosmtpd: its deprecation chatter
    sandbox = _start_sandbox(args, quiet=False)
    from .sandbox.running import advertise, withdraw
    try:
        advertise(sandbox, args.accounts, args.token_lifetime)
    except OSError as e:            # the sandbox serves all the same; runs just start their own
        print(f"fourmail sandbox: cannot write {e.filename}: {e.strerror}", file=sys.stderr)
    names = {"smtp": "587, 25", "smtps": "465", "imap": "143", "imaps": "993", "pop3": "110", "pop3s": "995"}
    print(f"fourmail sandbox: store {sandbox.store_dir}")
    print(f"  CA certificate   {sandbox.ca_file}")
    print("  accounts         " + (f"only those in {args.accounts}" if args.accounts
                                   else "any user and password (created on first use)"))
    if args.fault:
        print("  faults           " + ", ".join(sandbox.faults.specs()))
    for ep in sandbox.endpoints:
        scheme = ep.name if ep.implicit_tls else ep.name + " + " + ep.tls_mode
        print(f"  {ep.protocol:<5} {scheme:<17} {ep.host}:{ep.port:<6} (stands for port {names[ep.name]})")
    web = sandbox.web
    print(f"  OAuth 2.0 https             {web.host}:{web.port:<6} (stands for port 443: accounts.google.com, "
          "login.microsoftonline.com...)")
    print(f"  Web inbox        {sandbox.inbox_url}  (and Mailpit's API: {sandbox.inbox_url}api/v1/messages)")
    print(f"  transcripts      {sandbox.transcripts.folder}" + (" (printed below as they happen)"
                                                                 if args.transcripts else ""))
    imaps = sandbox.endpoint("imaps")
    print("For example:\n"
          f"  curl --cacert {sandbox.ca_file} --connect-to imap.gmail.com:993:{imaps.host}:{imaps.port} \\\n"
          "       -u 4d@gmail.com:XXXXXXXX 'imaps://imap.gmail.com/INBOX;UID=1'")
    print("Serving until interrupted (Ctrl-C).", flush=True)
    stop_live = None
    if args.transcripts:
        from .sandbox.transcripts import print_live
        stop_live = print_live(sandbox.transcripts, sys.stdout)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *a: stop.set())
    try:
        while not stop.wait(3600):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        withdraw(sandbox.store_dir)
        sandbox.stop()
        if stop_live is not None:
            stop_live()                 # the last lines ("sandbox stopped") before the goodbye
        print("\nfourmail sandbox stopped.")
    return 0


def cmd_repl(args) -> int:
    """The interactive session (prompt_toolkit and pygments are imported only here)."""
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise UsageError("the REPL needs a terminal; to run a file: fourmail run FILE.4dm")
    check_mail_options(args)
    from .repl.session import run_repl
    return run_repl(language=_language(args))


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line and exit 64 (argparse's 2 is fourmail's syntax error)."""

    def error(self, message):
        raise UsageError(f"{message} (see {self.prog} --help)")


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="fourmail", description="Run 4D code from 4D's mail documentation.")
    sub = p.add_subparsers(dest="command")
    r = sub.add_parser("run", help="run a .4dm file")
    r.add_argument("file")
    _language_option(r)
    r.add_argument("--answer", action="append", default=[], metavar="TEXT",
                   help="answer the next Request/CONFIRM/Select document dialog (repeatable, in order)")
    r.add_argument("--logs", metavar="DIR", help="folder for transporter log files (default: Logs/ beside the file)")
    r.add_argument("--route", action="append", default=[], metavar="HOST[:PORT]=TARGET[:PORT]",
                   help="connect to TARGET when the code names HOST (repeatable; also FOURMAIL_ROUTES)")
    r.add_argument("--cafile", action="append", default=[], metavar="PEM",
                   help="also trust this CA certificate file for TLS (repeatable; also FOURMAIL_CAFILE)")
    r.add_argument("--sandbox", action="store_true",
                   help="run against the embedded loopback mail servers: every host the code names is the sandbox")
    _sandbox_options(r)
    r.set_defaults(func=cmd_run)
    sb = sub.add_parser("sandbox", help="run the embedded mail servers (SMTP, IMAP, POP3) until interrupted")
    _sandbox_options(sb)
    sb.add_argument("--port-base", type=int, default=None, metavar="N",
                    help="listen on N+587, N+465, N+143, N+993, N+110, N+995, N+443 (OAuth 2.0) and N+8025 "
                    "(the web inbox) (default 20000; 0: any free ports)")
    sb.add_argument("--transcripts", action="store_true",
                    help="print every session's dialogue as it happens (passwords and tokens redacted)")
    sb.set_defaults(func=cmd_sandbox)
    rp = sub.add_parser("repl", help="an interactive 4D session (also: fourmail with no arguments)")
    _language_option(rp)
    rp.set_defaults(func=cmd_repl)
    ps = sub.add_parser("parse", help="check that .4dm files parse; ends with 'N passed, M failed'")
    ps.add_argument("files", nargs="+")
    _language_option(ps)
    ps.set_defaults(func=cmd_parse)
    return p


def _language_option(p) -> None:
    from . import lang
    p.add_argument("--language", metavar="NAME", help=f"the source language ({', '.join(lang.names())}; "
                   "default: from the file's extension, else 4d)")


def _sandbox_options(p) -> None:
    p.add_argument("--sandbox-dir", metavar="DIR",
                   help="the sandbox's mail store and certificates (default: ~/.local/share/fourmail/sandbox)")
    p.add_argument("--accounts", metavar="FILE",
                   help="strict mode: only these accounts ('USER PASSWORD [TOKEN]' lines), wrong passwords fail")
    p.add_argument("--token-lifetime", type=_seconds, metavar="SECONDS",
                   help="how long the access tokens of the sandbox's OAuth 2.0 provider last (default 3599)")
    p.add_argument("--fault", action="append", default=[], type=_fault, metavar="SPEC",
                   help="inject a fault (repeatable): PROTOCOL:STEP=ACTION[:once|:times=N|:p=P|:user=U|:text=T], "
                   "e.g. smtp:rcpt=550, imap:fetch=drop, pop3:retr=delay:35, smtp:auth=535:p=0.5, oauth:expire "
                   "(README: \"Faults on purpose\")")


def _fault(text: str) -> str:
    from .sandbox.faults import FaultError, parse
    try:
        parse(text)
    except FaultError as e:
        raise argparse.ArgumentTypeError(str(e)) from None
    return text


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 <= value <= 10**8:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds from 0 to 100000000")
    return value


def main(argv=None) -> int:
    try:
        return _main(argv)
    except UsageError as e:
        _say(f"fourmail: {e}")
        return EXIT_USAGE
    except KeyboardInterrupt:
        _say("\nfourmail: interrupted")
        return EXIT_INTERRUPTED
    except (OutputClosed, BrokenPipeError):
        # Nothing more can reach the reader; point stdout at /dev/null so that Python's own
        # flush at exit does not complain about the closed pipe either.
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        except (OSError, ValueError):
            pass
        return EXIT_PIPE


def _say(line: str) -> None:
    try:
        print(line, file=sys.stderr)
    except OSError:
        pass


def _main(argv=None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "run" and not args.sandbox and (args.sandbox_dir or args.accounts
                                                       or args.token_lifetime is not None):
        raise UsageError("--sandbox-dir, --accounts and --token-lifetime go with --sandbox")
    if args.command == "run" and not args.sandbox and args.fault:
        raise UsageError("--fault goes with --sandbox: faults are the sandbox's")
    if args.command == "sandbox":
        if args.port_base is None:
            from .sandbox.server import DEFAULT_PORT_BASE
            args.port_base = DEFAULT_PORT_BASE
        from .sandbox.server import INBOX_LISTENER
        if not 0 <= args.port_base <= 65535 - INBOX_LISTENER[3]:
            raise UsageError(f"--port-base must be between 0 and {65535 - INBOX_LISTENER[3]}")
    if not getattr(args, "func", None):
        if sys.stdin.isatty() and sys.stdout.isatty():
            return cmd_repl(args)      # `fourmail` alone opens the REPL
        parser.print_help()
        return 0
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
