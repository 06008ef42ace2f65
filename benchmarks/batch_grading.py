"""How fast does the sandboxed batch grader get through a class, compared with `nbgrader autograde`?

    python -m benchmarks.batch_grading [--n 1000] [--workers 2] [--nbgrader 10] [--call-timeout 1]

Builds a scratch nbgrader course (this repository's source/ and release/) with N submitted
notebooks: mostly correct or carrying one known bug (tests/fixtures/mutants), plus a few hostile
ones (endless loops, memory hogs, fork bombs). Then, measured in the same run:
  * `python -m autograder grade <course> --workers W`, end to end (start-up included): submissions/s;
  * `nbgrader autograde` on the first K of the same submissions (the baseline): submissions/s;
and prints the throughput ratio and whether both graders gave the K submissions the same totals.
"""
import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

from autograder.paths import REPO_ROOT as ROOT
from course.build import ASSIGNMENT, NOTEBOOK, nbgrader_environment
from tests.learner_files import fixture_paths, learner_cells

HOSTILE = {"infinite_loop": ROOT / "tests/fixtures/hostile/infinite_loop.py",
           "memory_hog": ROOT / "tests/fixtures/sandbox/memory_hog.py",
           "fork_bomb": ROOT / "tests/fixtures/sandbox/fork_bomb.py"}


def learner_mix(n, hostile_every=100):
    """N (kind, {graded function: solution cell source}), rendered from the reference and the fixtures
    (tests.learner_files.learner_cells): 1 hostile in `hostile_every` (loop, memory, fork in turn; 0: none),
    40% buggy, the rest correct."""
    mutants = fixture_paths("mutants")
    hostile = list(HOSTILE.values())
    rendered = {}

    def cells(*fixtures):  # a learner's cells are read, never changed: render each fixture once
        if fixtures not in rendered:
            rendered[fixtures] = learner_cells(*fixtures)
        return rendered[fixtures]

    mix = []
    for number in range(n):
        if hostile_every and number % hostile_every == hostile_every // 2:
            path = hostile[(number // hostile_every) % len(hostile)]
            mix.append((path.stem, cells(path)))
        elif number % 5 in (1, 3):
            path = mutants[number % len(mutants)]
            mix.append((path.stem, cells(path)))
        else:
            mix.append(("correct", cells()))
    return mix


def write_course(root, learners):
    """A course root with source/, release/, the config, and submitted/<student>/<assignment>/ per learner."""
    root.mkdir()
    for name in ("nbgrader_config.py", "autograder", "solutions", "learner_helpers", "source", "release"):
        copy = shutil.copytree if (ROOT / name).is_dir() else shutil.copy
        copy(ROOT / name, root / name, **({"ignore": shutil.ignore_patterns("__pycache__")} if (ROOT / name).is_dir() else {}))
    release = nbformat.read(root / "release" / ASSIGNMENT / NOTEBOOK, as_version=4)
    for number, (_, sources) in enumerate(learners):
        notebook = nbformat.from_dict(json.loads(json.dumps(release)))
        for cell in notebook.cells:
            grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
            if cell.metadata.get("nbgrader", {}).get("solution") and grade_id in sources:
                cell.source = sources[grade_id]
        folder = root / "submitted" / student_id(number) / ASSIGNMENT
        shutil.copytree(root / "release" / ASSIGNMENT, folder)
        nbformat.write(notebook, folder / NOTEBOOK)


def student_id(number):
    return f"student{number:04d}"


def run(command, cwd, env=None):
    """(wall seconds, CPU seconds of the whole process tree, completed process)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return time.perf_counter() - start, cpu, result


def our_grader(course, out, workers, call_timeout):
    seconds, cpu, result = run([sys.executable, "-m", "autograder", "grade", str(course), "--out", str(out),
                                "--workers", str(workers), "--call-timeout", str(call_timeout)], cwd=ROOT)
    if result.returncode != 0:
        raise SystemExit(f"autograder failed:\n{result.stderr[-3000:]}")
    return seconds, cpu, {json.loads(line)["submission"]: json.loads(line)["score"]
                          for line in out.read_text().splitlines()}


def nbgrader_autograde(course):
    # The baseline is nbgrader's own way: each notebook executed in a Jupyter kernel with the hidden tests.
    # (The course's default autograde goes through our sandboxed grader, which would compare us with ourselves.)
    env = {**nbgrader_environment(), "RNN_AUTOGRADE": "kernel"}
    run([sys.executable, "-m", "nbgrader", "generate_assignment", ASSIGNMENT, "--force"], cwd=course, env=env)
    seconds, cpu, result = run([sys.executable, "-m", "nbgrader", "autograde", ASSIGNMENT, "--create", "--force"],
                          cwd=course, env=env)
    from nbgrader.api import Gradebook
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", "rnn-gradients") as gradebook:
        scores = {student.id: gradebook.find_submission(ASSIGNMENT, student.id).score for student in gradebook.students}
    return seconds, cpu, scores


def isolation_layer_costs(children=40):
    """Per isolation layer, the median time it takes in a child, and the child's CPU per submission
    (fork, isolation, a one-line load, exit) with no isolation, the default, and a netns per child."""
    from autograder.batch import acquire_uid
    from autograder.sandbox import SandboxHost, SandboxRunner
    cells = [{"label": "one line", "source": "x = 1"}]
    uid = acquire_uid()
    for label, options in (("no isolation (rlimits only)", {"isolated": False}), ("full, one netns per worker", {}),
                           ("full, one netns per child", {"netns_per_child": True})):
        host = SandboxHost(uid if options.get("isolated", True) else os.getuid(), **options)
        layers, before = {}, host.cpu_seconds()
        for _ in range(children):
            runner = SandboxRunner(host, cells)
            runner.available()
            runner.close()
            for layer, seconds in runner.layers.items():
                layers.setdefault(layer, []).append(seconds)
        after = host.cpu_seconds()
        host.close()
        print(f"  {label:28s} child CPU {1000 * (after['children'] - before['children']) / children:5.1f} ms; "
              + ", ".join(f"{layer} {1000 * statistics.median(times):.2f} ms" for layer, times in layers.items()))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000, help="submissions in the batch")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--nbgrader", type=int, default=10, help="submissions nbgrader autogrades (0: skip)")
    parser.add_argument("--call-timeout", type=float, default=1.0, help="seconds per learner call (our grader)")
    parser.add_argument("--hostile-every", type=int, default=100, help="one hostile submission in this many (0: none)")
    parser.add_argument("--skip-layers", action="store_true", help="do not time the isolation layers")
    args = parser.parse_args(argv)
    if not args.skip_layers:
        print("isolation layers, per child (median over 40 children):")
        isolation_layer_costs()
    learners = learner_mix(args.n, args.hostile_every)
    with tempfile.TemporaryDirectory(prefix="batch-bench-") as scratch:
        scratch = Path(scratch)
        write_course(scratch / "course", learners)
        kinds = [kind for kind, _ in learners]
        print(f"{args.n} submissions: {kinds.count('correct')} correct, "
              f"{sum(kind not in ('correct', *HOSTILE) for kind in kinds)} buggy, "
              f"{sum(kind in HOSTILE for kind in kinds)} hostile ({', '.join(sorted(set(kinds) & set(HOSTILE)))})")
        print(f"load average before: {os.getloadavg()[0]:.2f} (other work on this machine slows every figure below)")
        ours_seconds, ours_cpu, ours = our_grader(scratch / "course", scratch / "results.jsonl", args.workers,
                                                  args.call_timeout)
        ours_rate = args.n / ours_seconds
        print(f"autograder grade, --workers {args.workers}: {ours_seconds:7.2f} s  {ours_rate:7.1f} submissions/s "
              f"(target >= 33/s: {'met' if ours_rate >= 33 else 'NOT met'}); "
              f"CPU {ours_cpu:.1f} s = {1000 * ours_cpu / args.n:.1f} ms per submission")
        if args.nbgrader:
            subset = scratch / "subset"
            write_course(subset, learners[:args.nbgrader])
            sub_seconds, _, sub_ours = our_grader(subset, scratch / "subset.jsonl", args.workers, args.call_timeout)
            nb_seconds, nb_cpu, theirs = nbgrader_autograde(subset)
            nb_rate = args.nbgrader / nb_seconds
            agree = sum(abs(theirs.get(student, -1) - score) < 1e-6 for student, score in sub_ours.items())
            print(f"nbgrader autograde, first {args.nbgrader}:  {nb_seconds:7.2f} s  {nb_rate:7.2f} submissions/s; "
                  f"CPU {1000 * nb_cpu / args.nbgrader:.0f} ms per submission")
            print(f"autograder grade, same {args.nbgrader}:     {sub_seconds:7.2f} s (start-up dominates a batch this small)")
            print(f"throughput ratio (autograder on {args.n} / nbgrader): {ours_rate / nb_rate:7.1f}x "
                  f"(target >= 50x: {'met' if ours_rate / nb_rate >= 50 else 'NOT met'})")
            print(f"CPU per submission, nbgrader / autograder: {(nb_cpu / args.nbgrader) / (ours_cpu / args.n):7.1f}x")
            print(f"same total score from both graders: {agree}/{len(sub_ours)} submissions")
        print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
