"""Entry point of the `preflight` command."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from workers.checks.languages import LANGUAGES  # plain data: the CLI still starts without the engine

# The options of `submit` (kept in step with `_parser`): `--api-key --json` is a forgotten value, not a key.
_SUBMIT_OPTIONS = frozenset({"-h", "--help", "--url", "--api-key", "--json"})


def _positive(text: str) -> int:
    """An argparse type: a whole number of at least 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} is less than 1")
    return value


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="preflight", description="KYC Preflight: check bundles before submission.")
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="run Redis (embedded unless REDIS_URL is set), a worker and the API")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--data-dir", type=Path, default=Path(os.environ.get("PREFLIGHT_DATA_DIR", ".preflight")))
    serve.add_argument("--concurrency", type=int, default=None, help="worker processes (default: CPU count)")
    api = sub.add_parser("api", help="run only the API (REDIS_URL must be set)")
    api.add_argument("--host", default="127.0.0.1")
    api.add_argument("--port", type=int, default=8000)
    worker = sub.add_parser("worker", help="run only a Celery worker (REDIS_URL must be set)")
    worker.add_argument("--concurrency", type=int, default=None)
    check = sub.add_parser("check", help="check DIR (manifest.json + files) in this process, no server")
    check.add_argument("folder", type=Path)
    check.add_argument("--json", action="store_true", help="print one verdict per line (NDJSON) on stdout")
    check.add_argument(
        "--jobs", type=_positive, default=None, help="bundles checked at once, one process each (default: CPU count)"
    )
    check.add_argument(
        "--policy-file", type=Path, default=None, help="judge by this policy file (TOML) instead of the manifest's"
    )
    check.add_argument(
        "--lang",
        choices=LANGUAGES,
        default=None,
        help="the language of the fixes (default: each bundle's `language`, else en); messages stay in English",
    )
    check.add_argument(
        "--annotate", type=Path, default=None, metavar="OUT", help="write annotated previews of flagged documents here"
    )
    check.add_argument("--html", type=Path, default=None, metavar="FILE", help="write a self-contained HTML report")
    submit = sub.add_parser("submit", help="send DIR to a server as one batch and follow it to the verdicts")
    submit.add_argument("folder", type=Path)
    submit.add_argument("--url", default="http://127.0.0.1:8000")
    submit.add_argument("--api-key", default=os.environ.get("PREFLIGHT_API_KEY", ""))
    submit.add_argument("--json", action="store_true")
    return parser


def _attach_key_value(argv: list[str]) -> list[str]:
    """`--api-key VALUE` -> `--api-key=VALUE`: argparse reads `--api-key -x` as an option missing its value, but
    an API key may start with '-' (token_urlsafe draws it from A-Z a-z 0-9 - _); the `=` form it takes as is."""
    out: list[str] = []
    rest = iter(argv)
    for arg in rest:
        if arg == "--":  # everything after it is positional
            out += [arg, *rest]
            break
        value = next(rest, None) if arg == "--api-key" else None
        if value is None:
            out.append(arg)
        elif value in _SUBMIT_OPTIONS:  # `--api-key --json`: a forgotten value, let argparse say so
            out += [arg, value]
        else:
            out.append(f"{arg}={value}")
    return out


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(_attach_key_value(sys.argv[1:] if argv is None else argv))
    if args.command == "serve":
        from service.cli.serve import serve

        return serve(args.host, args.port, args.data_dir, args.concurrency)
    if args.command in ("api", "worker"):
        from service.cli import processes
        from workers.checks.threads import one_thread_environment

        if problem := processes.master_key_problem(dict(os.environ)):
            print(f"preflight {args.command}: {problem}", file=sys.stderr)
            return 2
        if args.command == "api":
            command = processes.api_command(args.host, args.port)
        else:
            command = processes.worker_command(args.concurrency)
            # BLAS reads its thread count when numpy loads: set for the worker before it starts.
            os.environ.update(one_thread_environment())
        os.execv(command[0], command)
    if args.command == "check":
        from service.cli.local import check_folder

        return check_folder(
            args.folder,
            as_json=args.json,
            jobs=args.jobs,
            policy_file=args.policy_file,
            lang=args.lang,
            annotate=args.annotate,
            html=args.html,
        )
    from service.cli.remote import submit_folder

    if not args.api_key:
        print("set --api-key or PREFLIGHT_API_KEY", file=sys.stderr)
        return 2
    return submit_folder(args.folder, args.url, args.api_key, as_json=args.json)


if __name__ == "__main__":
    raise SystemExit(main())
