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
    passed = failed = 0
    for f in args.files:
        try:
            parse(_read(f), f)
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
    from .compiler.codegen import CompileError
    from .parser import FourDSyntaxError
    from .runtime.errors import AbortExecution, FourDError
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
        method = rt.compile_source(source, args.file, path.stem)
    except FourDSyntaxError as e:
        print(e.format(), file=sys.stderr)
        return 2
    except CompileError as e:
        err = FourDSyntaxError(e.message, e.line, e.col, args.file, source)
        print(err.format(), file=sys.stderr)
        return 2
    try:
        rt.run(method)
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


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="fourmail", description="Run 4D code from 4D's mail documentation.")
    sub = p.add_subparsers(dest="command")
    r = sub.add_parser("run", help="run a .4dm file")
    r.add_argument("file")
    r.add_argument("--answer", action="append", default=[], metavar="TEXT",
                   help="answer the next Request/CONFIRM/Select document dialog (repeatable, in order)")
    r.add_argument("--logs", metavar="DIR", help="folder for transporter log files (default: Logs/ beside the file)")
    r.set_defaults(func=cmd_run)
    ps = sub.add_parser("parse", help="check that .4dm files parse; ends with 'N passed, M failed'")
    ps.add_argument("files", nargs="+")
    ps.set_defaults(func=cmd_parse)
    return p


def main(argv=None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 0
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
