"""What does the hidden grader cost per submission, and how sharp is it?

Run from the repository root:  python -m benchmarks.grading_cost [--repeat 20]

Prints, for the reference submission graded through InProcessRunner:
  * the first grade of a run (cases, numerical gradients and expected values being computed and cached),
  * the mean time of a grade once the cache is warm, and the learner calls it makes,
  * as a baseline measured in the same run, the time of calling the six reference functions
    once each on the typical inputs directly, and the ratio of the two;
then the mutant kill rate and the false-negative rate on correct alternatives (tests/fixtures).
"""
import argparse
import copy
import time

import solutions
from autograder import cases
from autograder.contract import GRADED_FUNCTIONS
from autograder.grading import DEFAULT_SEED, grade_submission
from autograder.runner import InProcessRunner
from tests.learner_files import CountingRunner, broken_functions, fixture_paths, learner_namespace


def direct_reference_seconds(seed, repeat):
    """Mean time of calling each reference function once, directly, on the typical input set."""
    calls = [(getattr(solutions, name), cases.cases(name, seed)[min(2, len(cases.cases(name, seed)) - 1)].args)
             for name in GRADED_FUNCTIONS]
    start = time.perf_counter()
    for _ in range(repeat):
        for function, args in calls:
            function(*copy.deepcopy(args))
    return (time.perf_counter() - start) / repeat


def teeth():
    """(killed mutants, mutants, alternatives below 50, alternatives)"""
    killed = 0
    mutants = fixture_paths("mutants")
    for path in mutants:
        functions = grade_submission(InProcessRunner(learner_namespace(path)))["functions"]
        killed += all(functions[name]["score"] < functions[name]["max_score"] for name in broken_functions(path))
    alternatives = fixture_paths("alternatives")
    missed = sum(grade_submission(InProcessRunner(learner_namespace(path)))["score"] < 50 for path in alternatives)
    return killed, len(mutants), missed, len(alternatives)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED + 1)  # a seed no earlier import has cached
    options = parser.parse_args()
    namespace = learner_namespace()

    start = time.perf_counter()
    grade_submission(InProcessRunner(namespace), options.seed)
    cold = time.perf_counter() - start

    counting = CountingRunner(InProcessRunner(namespace))
    start = time.perf_counter()
    for _ in range(options.repeat):
        grade_submission(counting, options.seed)
    warm = (time.perf_counter() - start) / options.repeat
    calls = sum(counting.calls.values()) / options.repeat
    baseline = direct_reference_seconds(options.seed, options.repeat)

    print(f"first grade of a run (builds the per-seed cache): {cold * 1000:8.1f} ms")
    print(f"grade of one submission, cache warm:              {warm * 1000:8.1f} ms  ({calls:g} learner calls: "
          + ", ".join(f"{name} {count // options.repeat}" for name, count in counting.calls.items()) + ")")
    print(f"baseline, six reference calls made directly:      {baseline * 1000:8.3f} ms")
    print(f"ratio grade / baseline:                           {warm / baseline:8.1f}x")
    print(f"1000 submissions, grading logic alone (no sandbox): {warm * 1000:6.1f} s")
    killed, mutants, missed, alternatives = teeth()
    print(f"mutants killed: {killed}/{mutants} ({killed / mutants:.0%}); "
          f"correct alternatives marked down: {missed}/{alternatives} ({missed / alternatives:.0%})")


if __name__ == "__main__":
    main()
