"""The `fourmail` command line: run a 4D file, check files parse.

Exit codes of `fourmail run`: 0 success, 1 uncaught 4D error, 2 syntax error (or unreadable file).
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path


def _read(path: str) -> str:
    data = Path(path).read_bytes()
    text = data.decode("utf-8-sig", errors="replace")
    return text


def cmd_parse(args) -> int:
    from .parser import FourDSyntaxError, parse
    from .parser.classfile import split_class
    passed = failed = 0
    for f in args.files:
        try:
            source = _read(f)
            program = parse(source, f)
            if Path(f).parent.name == "Classes":        # a class file: its members too
                split_class(program, Path(f).stem, f, source)
            passed += 1
        except FourDSyntaxError as e:
            failed += 1
            print(str(e))
        except OSError as e:
            failed += 1
            print(f"{f}: cannot read: {e.strerror}")
    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


def report_error(err, filename: str, rt, stream) -> None:
    """An uncaught 4D error, the way 4D's error dialog states it: code, message, where."""
    where = f"{filename}:{err.line}" if err.line and (err.method in (None, rt.main_name)) else \
        (f"{err.method}:{err.line}" if err.line else filename)
    stream.write(f"{where}: error {err.code} ({err.component}): {err.message}\n")
    text = rt.line_text(err.method, err.line)
    if text:
        stream.write(f"    {text}\n")


def cmd_run(args) -> int:
    from .runtime.session import Runtime

    path = Path(args.file)
    try:
        source = _read(args.file)
    except OSError as e:
        print(f"{args.file}: cannot read: {e.strerror}", file=sys.stderr)
        return 2
    rt = Runtime(project_dir=path.resolve().parent, answers=args.answer,
                 logs_dir=Path(args.logs).resolve() if args.logs else None)
    rt.main_name = path.stem
    try:
        from .mail.network import parse_route
        routes = [parse_route(r) for r in args.route]
    except ValueError as e:
        print(f"fourmail: {e}", file=sys.stderr)
        return 2
    sandbox = None
    if args.sandbox:
        sandbox = _start_sandbox(args, quiet=True)
        if sandbox is None:
            return 2
        from .sandbox.routing import apply
        apply(rt, sandbox)
    rt.routes = routes + rt.routes
    rt.cafiles = list(args.cafile) + rt.cafiles
    try:
        return _run(args, rt, path, source)
    finally:
        if sandbox is not None:
            sandbox.stop()          # after the transporters' QUIT/LOGOUT (rt.shutdown)


def _start_sandbox(args, quiet: bool):
    from .sandbox.server import Sandbox, SandboxError
    try:
        sandbox = Sandbox(args.sandbox_dir, args.accounts, getattr(args, "port_base", None), quiet=quiet)
        sandbox.start()
        return sandbox
    except SandboxError as e:
        print(f"fourmail: sandbox: {e}", file=sys.stderr)
        return None


def _run(args, rt, path: Path, source: str) -> int:
    from .compiler.codegen import CompileError
    from .parser import FourDSyntaxError
    from .runtime.errors import AbortExecution, FourDError
    try:
        method = rt.compile_source(source, args.file, path.stem)
    except FourDSyntaxError as e:
        print(e.format(), file=sys.stderr)
        return 2
    except CompileError as e:
        err = FourDSyntaxError(e.message, e.line, e.col, args.file, source)
        print(err.format(), file=sys.stderr)
        return 2
    try:
        try:
            rt.run(method)
        finally:
            rt.shutdown()
    except FourDError as e:
        sys.stdout.flush()
        report_error(e, args.file, rt, sys.stderr)
        return 1
    except AbortExecution as e:
        if e.error is not None:
            report_error(e.error, args.file, rt, sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\ninterrupted (error 1006: user interruption)", file=sys.stderr)
        return 130
    except Exception as e:   # a fourmail bug: say so briefly, never dump a traceback
        if os.environ.get("FOURMAIL_DEBUG"):
            raise
        print(f"{args.file}: internal error in fourmail: {type(e).__name__}: {e} "
              f"(set FOURMAIL_DEBUG=1 for details)", file=sys.stderr)
        return 1
    return 0


def cmd_sandbox(args) -> int:
    """Run the sandbox servers until interrupted, for real mail clients."""
    import logging
    import signal
    import threading
    logging.basicConfig(format="%(asctime)s %(message)s", datefmt="%H:%M:%S")
    logging.getLogger("fourmail.sandbox").setLevel(logging.INFO)
    logging.getLogger("mail.log").setLevel(logging.ERROR)      # aiosmtpd: its deprecation chatter
    sandbox = _start_sandbox(args, quiet=False)
    if sandbox is None:
        return 2
    names = {"smtp": "587, 25", "smtps": "465", "imap": "143", "imaps": "993", "pop3": "110", "pop3s": "995"}
    print(f"fourmail sandbox: store {sandbox.store_dir}")
    print(f"  CA certificate   {sandbox.ca_file}")
    print("  accounts         " + (f"only those in {args.accounts}" if args.accounts
                                   else "any user and password (created on first use)"))
    for ep in sandbox.endpoints:
        scheme = ep.name if ep.implicit_tls else ep.name + " + " + ep.tls_mode
        print(f"  {ep.protocol:<5} {scheme:<17} {ep.host}:{ep.port:<6} (stands for port {names[ep.name]})")
    imaps = sandbox.endpoint("imaps")
    print("For example:\n"
          f"  curl --cacert {sandbox.ca_file} --connect-to imap.gmail.com:993:{imaps.host}:{imaps.port} \\\n"
          "       -u 4d@gmail.com:XXXXXXXX 'imaps://imap.gmail.com/INBOX;UID=1'")
    print("Serving until interrupted (Ctrl-C).", flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *a: stop.set())
    try:
        while not stop.wait(3600):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        sandbox.stop()
        print("\nfourmail sandbox stopped.")
    return 0


def cmd_repl(args) -> int:
    """The interactive session (prompt_toolkit and pygments are imported only here)."""
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        print("fourmail: the REPL needs a terminal; to run a file: fourmail run FILE.4dm", file=sys.stderr)
        return 2
    from .repl.session import run_repl
    return run_repl()


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="fourmail", description="Run 4D code from 4D's mail documentation.")
    sub = p.add_subparsers(dest="command")
    r = sub.add_parser("run", help="run a .4dm file")
    r.add_argument("file")
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
                    help="listen on N+587, N+465, N+143, N+993, N+110, N+995 (default 20000; 0: any free ports)")
    sb.set_defaults(func=cmd_sandbox)
    rp = sub.add_parser("repl", help="an interactive 4D session (also: fourmail with no arguments)")
    rp.set_defaults(func=cmd_repl)
    ps = sub.add_parser("parse", help="check that .4dm files parse; ends with 'N passed, M failed'")
    ps.add_argument("files", nargs="+")
    ps.set_defaults(func=cmd_parse)
    return p


def _sandbox_options(p) -> None:
    p.add_argument("--sandbox-dir", metavar="DIR",
                   help="the sandbox's mail store and certificates (default: ~/.local/share/fourmail/sandbox)")
    p.add_argument("--accounts", metavar="FILE",
                   help="strict mode: only these accounts ('USER PASSWORD [TOKEN]' lines), wrong passwords fail")


def main(argv=None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "run" and not args.sandbox and (args.sandbox_dir or args.accounts):
        parser.error("--sandbox-dir and --accounts go with --sandbox")
    if args.command == "sandbox":
        if args.port_base is None:
            from .sandbox.server import DEFAULT_PORT_BASE
            args.port_base = DEFAULT_PORT_BASE
        if not 0 <= args.port_base <= 65535 - 995:
            parser.error(f"--port-base must be between 0 and {65535 - 995}")
    if not getattr(args, "func", None):
        if sys.stdin.isatty() and sys.stdout.isatty():
            return cmd_repl(args)      # `fourmail` alone opens the REPL
        parser.print_help()
        return 0
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
