"""`python -m course build`: regenerate source/rnn_gradients/ and, through nbgrader, release/rnn_gradients/."""
import argparse
import sys
import time

from course.build import ASSIGNMENT, ROOT, build


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m course", description=__doc__)
    parser.add_argument("command", choices=["build"], help="build: write source/ and release/ from code")
    parser.add_argument("--root", default=str(ROOT), help="course root holding nbgrader_config.py (default: this repo)")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    build(args.root)
    print(f"built source/{ASSIGNMENT} and release/{ASSIGNMENT} in {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
