"""Grade on Gradescope: build the autograder bundle, and the code that runs inside it.

Gradescope unpacks the bundle into ``<root>/source``, runs ``setup.sh`` once when the image is
built, then for every submission runs ``run_autograder`` with the student's files in
``<root>/submission/`` and reads ``<root>/results/results.json``. ``<root>`` is ``/autograder``
there; the environment variable AUTOGRADER_ROOT moves it (tests use a temporary folder).

    python -m autograder.gradescope bundle --out out/gradescope.zip    # instructor, once
    python -m autograder.gradescope run                                # inside Gradescope

``run`` picks the submitted notebook, grades it with the batch grader in-process
(autograder.api.grade_paths, sandboxed, with the settings of the bundle's grade arguments) and
converts its one SubmissionResult into Gradescope's format with `to_gradescope`: one test per
graded function carrying its feedback and the named mistake (autograder.results).

Isolation there: Gradescope's containers (like Docker's default) have no CAP_SYS_ADMIN, so no
network namespace; the grader runs with ``--isolation available`` (unprivileged uid, rlimits,
seccomp that closes the network, Landlock where the kernel has it), and setup.sh and
run_autograder make the reference, the graders and the submission unreadable to the sandbox uid,
which is what lets it grade safely even without Landlock.
"""
import argparse
import json
import os
import re
import signal
import sys
import zipfile
from importlib import metadata
from pathlib import Path

from autograder.contract import MAX_SCORE
from autograder.paths import REPO_ROOT
from autograder.sandbox.client import LEARNER_HELPERS

DEFAULT_ROOT = "/autograder"
ROOT_VARIABLE = "AUTOGRADER_ROOT"
PYTHON_VARIABLE = "AUTOGRADER_PYTHON"
NOTEBOOK = "rnn_gradients.ipynb"
# Top-level packages the grader imports (checked with sys.modules); dependencies come from metadata.
GRADER_PACKAGES = ("numpy", "pyseccomp", "rich")
BUNDLED_PACKAGES = ("autograder", "solutions", "learner_helpers")
CONFIG_FILE = "gradescope_config.json"
GRADE_TIMEOUT = 600  # seconds for the whole submission; the batch grader bounds each call itself
# Gradescope's container has no CAP_SYS_ADMIN: grade with every layer it allows (autograder.sandbox.plan).
DEFAULT_GRADE_ARGS = ("--isolation", "available")
# Gradescope's visibility of the per-function tests (hidden-test results): when students see them.
VISIBILITIES = ("visible", "after_published", "after_due_date", "hidden")
# Folders the sandbox uid must never read (the reference, the graders, the student's upload), relative to <root>.
PRIVATE = ("source/solutions", "source/autograder", "submission")

SETUP_SH = """\
#!/usr/bin/env bash
# Gradescope runs this once while building the autograder image (base image: Ubuntu 22.04, whose python3
# is 3.10; the pins need 3.11: Ubuntu's python3.11 package, else the deadsnakes PPA's).
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
root="${AUTOGRADER_ROOT:-/autograder}"
apt-get update
apt-get install -y --no-install-recommends ca-certificates libseccomp2
if ! apt-get install -y --no-install-recommends python3.11 python3.11-venv; then
    apt-get install -y --no-install-recommends software-properties-common gpg-agent
    add-apt-repository -y ppa:deadsnakes/ppa
    apt-get update
    apt-get install -y --no-install-recommends python3.11 python3.11-venv
fi
python3.11 -m venv "$root/venv"
"$root/venv/bin/pip" install --no-cache-dir -r "$root/source/requirements.txt"
cd "$root" && chmod -R go-rwx PRIVATE_FOLDERS 2>/dev/null || true
"""

RUN_AUTOGRADER = """\
#!/usr/bin/env bash
# Gradescope runs this for every submission. AUTOGRADER_ROOT (default /autograder) moves everything.
set -uo pipefail
root="${AUTOGRADER_ROOT:-/autograder}"
python="${AUTOGRADER_PYTHON:-$root/venv/bin/python}"
# Student code runs as an unprivileged uid: it must not read the reference, the graders or the upload.
(cd "$root" && chmod -R go-rwx PRIVATE_FOLDERS)
cd "$root/source"
exec "$python" -m autograder.gradescope run --root "$root"
"""


# ---- results.jsonl line -> Gradescope results.json (pure) -------------------------------------

def to_gradescope(result, problems=(), visibility="visible"):
    """Convert one batch-grader result into Gradescope's results.json content.

    Arguments:
    result -- an autograder.results.SubmissionResult, or its results line (shared brief §2) as a dict,
              or None when the submission could not be graded at all
    problems -- further submission-level messages (e.g. which file was graded, why none was)
    visibility -- Gradescope visibility of the per-function tests (one of VISIBILITIES)

    Returns:
    {"score": float, "output": str, "tests": [{"name", "score", "max_score", "output", "status",
     "visibility"}], "visibility": "visible", "stdout_visibility": "hidden"} with one test per graded
    function in the assignment's order; the top-level score is the sum of the tests' scores.
    """
    from autograder.results import SubmissionResult
    graded = result is not None
    if not graded:
        result = SubmissionResult.not_graded("", "the submission could not be graded")
    elif not isinstance(result, SubmissionResult):
        result = SubmissionResult.from_json(result)
    tests = result.gradescope_tests(visibility)
    score = sum(test["score"] for test in tests)
    output = [f"Total: {score:g} / {MAX_SCORE:g} points."]
    if not graded:
        output.insert(0, "This submission could not be graded; nothing was scored.")
    output += [*problems, *result.errors]
    return {"score": score, "output": "\n".join(output), "tests": tests,
            "visibility": "visible", "stdout_visibility": "hidden"}


# ---- inside Gradescope: pick, grade, convert -------------------------------------------------

def find_submission(folder, expected=NOTEBOOK):
    """The file to grade among the student's uploads.

    Arguments:
    folder -- the submission folder (may hold subfolders, e.g. from an uploaded zip)
    expected -- the assignment notebook's file name, preferred wherever it is

    Returns:
    (path or None, message): the expected notebook if present, else the only notebook, else the
    only .py file; None with a message that says what to do when there is no or no unique choice.
    """
    folder = Path(folder)
    files = sorted(p for p in folder.rglob("*") if p.is_file() and ".ipynb_checkpoints" not in p.parts)
    named = [p for p in files if p.name == expected]
    if len(named) == 1:
        return named[0], f"Graded {named[0].relative_to(folder)}."
    for suffix in (".ipynb", ".py"):
        candidates = [p for p in files if p.suffix == suffix]
        if len(candidates) == 1:
            return candidates[0], (f"Graded {candidates[0].relative_to(folder)} (expected a file named "
                                   f"{expected}; graded the only {suffix} file instead).")
        if len(candidates) > 1:
            listed = ", ".join(str(p.relative_to(folder)) for p in candidates)
            return None, f"Several {suffix} files were submitted ({listed}); submit exactly one {expected}."
    return None, f"No notebook was submitted: upload your {expected}."


def grade_file(path, results_path, grade_args=()):
    """Grade one file in-process (autograder.api.grade_paths) with the settings `grade_args` name
    (autograder.settings' options); returns (SubmissionResult or None, problem messages)."""
    from autograder import api, settings
    parser = argparse.ArgumentParser(prog="grade", add_help=False, exit_on_error=False)
    settings.add_arguments(parser)
    try:
        arguments, unknown = parser.parse_known_args(list(grade_args))
        if unknown:
            raise argparse.ArgumentError(None, f"unrecognized arguments: {' '.join(unknown)}")
        outcome = api.grade_paths([path], settings.from_args(arguments), out=Path(results_path))
        problem = "; ".join(why for _, why in outcome.failures) if outcome.failures or len(outcome.results) != 1 \
            else None
    except (argparse.ArgumentError, ValueError, api.GradingError) as error:
        outcome, problem = None, str(error)
    if problem is not None:
        # Diagnostics go to run_autograder's stdout, which Gradescope shows to staff only.
        print(f"grade {path} with {' '.join(grade_args)}: {problem or 'no result'}")
        return None, ["The grader failed; please tell the course staff."]
    return outcome.results[0], []


def run(root):
    """Grade `<root>/submission` and write `<root>/results/results.json`; returns the exit code."""
    root = Path(root)
    config = json.loads((root / "source" / CONFIG_FILE).read_text()) \
        if (root / "source" / CONFIG_FILE).exists() else {}
    results = root / "results"
    results.mkdir(parents=True, exist_ok=True)
    path, message = find_submission(root / "submission", config.get("notebook", NOTEBOOK))
    result, problems = None, [message]
    if path is not None:
        # Graded in this process. Each call and the submission as a whole are bounded by the sandbox; should
        # the grader itself hang, this alarm writes the zero with its reason and ends the process, whose
        # grading workers die with it (their sandbox hosts then kill and sweep everything they started).
        grader = os.getpid()

        def out_of_time(signum, frame):
            if os.getpid() != grader:  # a forked grading worker inherits the handler, never the alarm
                return
            _write_results(results, None, [*problems, f"The grader did not finish within {GRADE_TIMEOUT} s."],
                           config)
            sys.stdout.flush()
            os._exit(1)

        previous = signal.signal(signal.SIGALRM, out_of_time)
        signal.alarm(GRADE_TIMEOUT)
        try:
            result, failures = grade_file(path, results / "results.jsonl", config.get("grade_args", []))
        finally:
            signal.alarm(0)
            signal.signal(signal.SIGALRM, previous)
        problems += failures
    _write_results(results, result, problems, config)
    return 0 if path is None or result is not None else 1


def _write_results(folder, result, problems, config):
    converted = to_gradescope(result, problems, config.get("visibility", "visible"))
    (folder / "results.json").write_text(json.dumps(converted, indent=2))


# ---- the bundle ------------------------------------------------------------------------------

def pinned_requirements(packages=GRADER_PACKAGES, requirements=REPO_ROOT / "requirements.txt"):
    """Pins (``name==version`` lines of requirements.txt) of `packages` and all their dependencies.

    The dependency closure comes from the installed packages' metadata; every package in it must be
    pinned in requirements.txt, so the bundle installs exactly what the tests ran with.
    """
    pins = {_canonical(line.split("==")[0]): line.strip()
            for line in Path(requirements).read_text().splitlines() if "==" in line}
    needed, queue = set(), [_canonical(p) for p in packages]
    while queue:
        name = queue.pop()
        if name in needed:
            continue
        needed.add(name)
        for requirement in metadata.requires(name) or []:
            if "extra ==" in requirement:
                continue  # optional extras are not installed by default
            queue.append(_canonical(re.split(r"[\s;<>=!~\[(]", requirement, maxsplit=1)[0]))
    unpinned = sorted(needed - set(pins))
    if unpinned:
        raise ValueError(f"not pinned in {requirements}: {', '.join(unpinned)}")
    return sorted(pins[name] for name in needed)


def _canonical(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def build_bundle(out, grade_args=(), notebook=NOTEBOOK, visibility="visible"):
    """Write the Gradescope autograder zip to `out`.

    Arguments:
    out -- path of the zip to write
    grade_args -- extra arguments for ``python -m autograder grade`` inside Gradescope (after DEFAULT_GRADE_ARGS)
    notebook -- the file name students submit
    visibility -- when students see the per-function test results (Gradescope's visibility, VISIBILITIES)

    Returns:
    the zip's path. It holds setup.sh, run_autograder, requirements.txt (pinned), the config,
    the autograder/, solutions/ and learner_helpers/ packages (the reference stays on Gradescope's side) and the
    public modules the notebook imports (`bundled_helpers`).
    """
    if visibility not in VISIBILITIES:
        raise ValueError(f"visibility must be one of {', '.join(VISIBILITIES)}, not {visibility!r}")
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    config = {"notebook": notebook, "grade_args": [*DEFAULT_GRADE_ARGS, *grade_args], "visibility": visibility}
    private = " ".join(PRIVATE)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as bundle:
        _add_text(bundle, "setup.sh", SETUP_SH.replace("PRIVATE_FOLDERS", private), executable=True)
        _add_text(bundle, "run_autograder", RUN_AUTOGRADER.replace("PRIVATE_FOLDERS", private), executable=True)
        _add_text(bundle, "requirements.txt", "\n".join(pinned_requirements()) + "\n")
        _add_text(bundle, CONFIG_FILE, json.dumps(config, indent=2) + "\n")
        files = [path for package in BUNDLED_PACKAGES for path in sorted((REPO_ROOT / package).rglob("*"))]
        for path in [*files, *bundled_helpers()]:
            if path.is_dir() or "__pycache__" in path.parts:
                continue
            bundle.write(path, path.relative_to(REPO_ROOT).as_posix())
    return out


def bundled_helpers():
    """The public modules a child gets beside the notebook (sandbox.client.LEARNER_HELPERS, e.g. public_tests.py)
    and the data files beside them, at their paths in this repository, where the sandbox looks for them."""
    files = set()
    for helper in LEARNER_HELPERS:
        files.add(helper)
        files.update(helper.parent.glob("*.npz"))
    return sorted(path for path in files if path.is_file()
                  and not any(REPO_ROOT / package in path.parents for package in BUNDLED_PACKAGES))


def _add_text(bundle, name, text, executable=False):
    info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = (0o100755 if executable else 0o100644) << 16
    bundle.writestr(info, text)


def add_arguments(parser):
    """Arguments of `python -m autograder gradescope` (and of this module run directly)."""
    commands = parser.add_subparsers(dest="gradescope_command", required=True)
    bundle = commands.add_parser("bundle", help="build the autograder zip to upload to Gradescope")
    bundle.add_argument("--out", default="out/gradescope.zip")
    bundle.add_argument("--grade-arg", action="append", default=[], dest="grade_args",
                        help="extra argument for `python -m autograder grade` (repeatable)")
    bundle.add_argument("--visibility", choices=VISIBILITIES, default="visible",
                        help="when students see the per-function results (Gradescope's test visibility; "
                             "e.g. after_published keeps them hidden until you publish grades)")
    grade = commands.add_parser("run", help="inside Gradescope: grade the submission, write results.json")
    grade.add_argument("--root", default=os.environ.get(ROOT_VARIABLE, DEFAULT_ROOT))


def run_command(arguments):
    """Carry out a parsed gradescope command; returns the exit code."""
    if arguments.gradescope_command == "bundle":
        print(build_bundle(arguments.out, arguments.grade_args, visibility=arguments.visibility))
        return 0
    return run(arguments.root)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m autograder.gradescope", description=__doc__.splitlines()[0])
    add_arguments(parser)
    return run_command(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
