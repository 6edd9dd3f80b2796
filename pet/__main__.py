"""``python -m pet build`` writes the site; ``python -m pet serve`` builds it and serves it locally;
``python -m pet bench`` times the page in headless Chromium (pet/bench.py)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pet.build import DEFAULT_OUT, BuildError, build_site, describe
from pet.server import make_server, url_of


def main(argv: list[str] | None = None) -> int:
    if argv is None:
        argv = sys.argv[1:]
    if argv[:1] == ["bench"]:  # its own options; needs the dev extra (playwright)
        from pet.bench import main as bench

        return bench(argv[1:])
    parser = argparse.ArgumentParser(prog="python -m pet", description="Build and serve Glub's page.")
    commands = parser.add_subparsers(dest="command", required=True)
    build = commands.add_parser("build", help="assemble the site into build/site")
    build.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder (default: build/site)")
    serve = commands.add_parser("serve", help="build the site and serve it on this machine")
    serve.add_argument("--port", type=int, default=8000, help="port (default 8000; 0 picks a free one)")
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    serve.add_argument("--no-build", action="store_true", help="serve the existing build as is")
    serve.add_argument("--out", type=Path, default=DEFAULT_OUT, help="site folder (default: build/site)")
    args = parser.parse_args(argv)

    if args.command == "build" or not args.no_build:
        try:
            print(describe(build_site(args.out)))
        except BuildError as error:
            print(f"build failed: {error}", file=sys.stderr)
            return 1
    if args.command == "build":
        return 0

    try:
        server = make_server(args.out, args.host, args.port)
    except (FileNotFoundError, OSError) as error:
        print(f"cannot serve: {error}", file=sys.stderr)
        return 1
    print(f"Glub is swimming at {url_of(server)}  (Ctrl+C to stop)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        print("\nGlub waves goodbye.")
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
