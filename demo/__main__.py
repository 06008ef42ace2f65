"""Run a whole term on real nbgrader with the bundled sample class and print the grade table.

    python -m demo [--out out/demo] [--db URL]      (what `make demo` runs)

The steps are demo/lifecycle.py's, the students demo/samples.py's. Exit status 0, or 1 when an nbgrader step failed.
"""
import argparse
import sys

from demo.lifecycle import StepFailed, demo


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m demo", description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="out/demo", help="folder for the course, exchange and students (emptied)")
    parser.add_argument("--db", default=None, help="gradebook URL (default: SQLite inside the course folder)")
    arguments = parser.parse_args(argv)
    try:
        demo(arguments.out, arguments.db)
    except StepFailed as error:
        print(f"demo: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
