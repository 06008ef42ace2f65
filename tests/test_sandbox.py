"""Untrusted learner code in the sandbox: every attack of the threat model ends as a score, nothing leaks.

A hostile fixture is appended to a correct submission and overrides one or two functions, so the
expected scores say both "the attack failed" and "the other functions keep their points".
"""
import os
import socket
import time

import numpy as np
import pytest

from learner_helpers import rnn_utils
import solutions
from autograder.contract import GRADED_FUNCTIONS, POINTS
from autograder.grading import grade_submission
from autograder.runner import CRASHED, EXCEPTION, GARBAGE, MISSING, OK, TIMEOUT
from autograder.sandbox import SandboxRunner
from tests.learner_files import cells_of, fixture_text, notebook, render_learner_source

pytestmark = pytest.mark.slow
FULL = dict(POINTS)


def grade(host, cells):
    runner = SandboxRunner(host, cells)
    try:
        result = grade_submission(runner, 7)
    finally:
        runner.close()
    return {name: entry["score"] for name, entry in result["functions"].items()}, result, runner


def expected(**zeroed):
    return {name: (0.0 if name in zeroed else FULL[name]) for name in GRADED_FUNCTIONS}


def full_marks_except(scores, losing):
    """The functions in `losing` lost points; every other function has all of its points."""
    return {name for name in GRADED_FUNCTIONS if scores[name] < FULL[name]} == set(losing)


def test_correct_submission_gets_full_marks(sandbox_host):
    """Does the reference, written as a learner file, score 50/50 through the sandbox?"""
    scores, _, runner = grade(sandbox_host, cells_of(render_learner_source()))
    assert scores == FULL and runner.errors == []


@pytest.mark.parametrize("fixture, losing", [
    ("sandbox/monkeypatch_numpy.py", ("rnn_cell_forward", "rnn_forward")),  # rnn_forward uses the broken cell
    ("sandbox/lying_objects.py", ("rnn_cell_forward", "rnn_forward")),
    ("sandbox/frame_walker.py", ()),   # full marks: it found no expected values or graders to copy
    ("sandbox/disk_search.py", ()),    # full marks: it could read nothing outside its scratch folder
    ("sandbox/network.py", ()),        # full marks: every connection attempt failed
    ("sandbox/print_flood.py", ()),    # full marks: a gigabyte of output costs nothing but CPU
    ("sandbox/fake_results.py", ()),
    ("sandbox/infinite_loop.py", ("rnn_backward",)),
    ("sandbox/memory_hog.py", ("rnn_cell_backward", "rnn_backward")),
    ("sandbox/fork_bomb.py", ("update_parameters",)),
    ("sandbox/exits.py", ("clip", "rnn_backward")),
    ("sandbox/first_call_only.py", ("rnn_cell_backward", "rnn_backward")),  # the grader calls twice
    ("sandbox/mutate_inputs.py", ("rnn_forward",)),  # the grader zeroes a function that changes its inputs
    ("ordinary/nan_output.py", ("rnn_cell_forward", "rnn_forward")),
    ("ordinary/wrong_shapes.py", ("rnn_forward",)),
])
def test_attack_costs_only_the_attacking_function(sandbox_host, fixture, losing):
    """Does each hostile or broken function lose points (or, if its attack had to fail, keep them all)
    while every other function keeps all of its points?"""
    scores, result, _ = grade(sandbox_host, cells_of(render_learner_source(fixture_text(fixture))))
    assert full_marks_except(scores, losing), result
    assert sandbox_host.leftover_processes() == []


def test_infinite_loop_is_stopped_and_reported_as_a_timeout(sandbox_host):
    """Is an endless function stopped within the call timeout, named as such, and not called again?"""
    runner = SandboxRunner(sandbox_host, cells_of(render_learner_source(fixture_text("sandbox/infinite_loop.py"))))
    da = np.zeros((5, 2, 3))
    start = time.monotonic()
    first = runner.call("rnn_backward", da, [], timeout=1.0)
    second = runner.call("rnn_backward", da, [], timeout=1.0)
    elapsed = time.monotonic() - start
    after = runner.call("clip", {key: np.ones((2, 2)) for key in rnn_utils.GRADIENT_KEYS}, 0.5)
    runner.close()
    assert first.status == TIMEOUT and "did not return within 1 s" in first.message
    assert second.status == TIMEOUT and elapsed < 2.0
    assert after.status == OK and runner.restarts == 1


def test_exits_are_results_and_exiting_statements_are_skipped(sandbox_host):
    """Do sys.exit and os._exit at import and in functions become per-function results, not a lost submission?"""
    runner = SandboxRunner(sandbox_host, cells_of(render_learner_source(fixture_text("sandbox/exits.py"))))
    assert runner.available() == set(GRADED_FUNCTIONS)
    gradients = {key: np.ones((2, 2)) for key in rnn_utils.GRADIENT_KEYS}
    clip = runner.call("clip", gradients, 0.5)
    backward = runner.call("rnn_backward", np.zeros((5, 2, 3)), [])
    forward = runner.call("rnn_forward", *rnn_utils.random_problem(3, 5, 2, 2, 3)[:3])
    runner.close()
    assert clip.status == EXCEPTION and "SystemExit" in clip.message
    assert backward.status == CRASHED and forward.status == OK
    assert any("SystemExit: 3" in error for error in runner.errors)
    assert any("skipped because it ended the process" in error for error in runner.errors)


def test_state_persists_between_calls_so_first_call_only_answers_are_visible(sandbox_host):
    """Does a function that is right only on its first call give a different answer on the second?"""
    runner = SandboxRunner(sandbox_host, cells_of(render_learner_source(fixture_text("sandbox/first_call_only.py"))))
    x, a0, parameters = rnn_utils.random_problem(3, 4, 2, 2, 1, seed=3)
    cache = solutions.rnn_cell_forward(x[:, :, 0], a0, parameters)[2]
    da_next = np.ones((4, 2))
    first, second = (runner.call("rnn_cell_backward", da_next, cache) for _ in range(2))
    runner.close()
    expected_dxt = solutions.rnn_cell_backward(da_next, cache)["dxt"]
    assert np.allclose(first.value["dxt"], expected_dxt) and not np.allclose(second.value["dxt"], expected_dxt)


def test_mutated_inputs_are_reported_and_never_reach_the_grader(sandbox_host):
    """With keep_args, does the grader see what the function did to its inputs, while its own arrays stay intact?"""
    runner = SandboxRunner(sandbox_host, cells_of(render_learner_source(fixture_text("sandbox/mutate_inputs.py"))))
    x, a0, parameters = rnn_utils.random_problem(3, 4, 2, 2, 3, seed=5)
    kept = x.copy(), parameters["Waa"].copy()
    outcome = runner.call("rnn_forward", x, a0, parameters, keep_args=True)
    runner.close()
    x_after, a0_after, parameters_after = outcome.args_after
    assert outcome.status == OK and np.all(x_after == 0) and parameters_after["extra"] == "scribbled"
    assert np.array_equal(x, kept[0]) and np.array_equal(parameters["Waa"], kept[1])


def test_replies_are_plain_data_and_bounded(sandbox_host):
    """Are subclasses, custom objects and oversized replies turned into markers or GARBAGE, never objects?"""
    source = ("import numpy as np\nclass M(np.ndarray):\n    pass\n"
              "def rnn_cell_forward(xt, a_prev, parameters):\n    return np.zeros(3).view(M), object(), None\n"
              "def clip(gradients, maxValue):\n    return np.zeros(2 * 10 ** 6)\n")  # 16 MB, over the test host's 8 MiB
    runner = SandboxRunner(sandbox_host, cells_of(source))
    odd = runner.call("rnn_cell_forward", np.zeros((1, 1)), np.zeros((1, 1)), {})
    huge = runner.call("clip", {}, 1.0)
    missing = runner.call("rnn_backward", np.zeros(1), [])
    runner.close()
    assert odd.status == OK and type(odd.value[0]).__name__ == "ArraySubclass" and type(odd.value[1]).__name__ == "Opaque"
    assert huge.status == GARBAGE and "limit" in huge.message
    assert missing.status == MISSING


def test_learner_code_cannot_connect_to_a_listening_local_port(sandbox_host):
    """Does a TCP connection from learner code to a port listening on this machine fail?"""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        listener.setblocking(False)
        port = listener.getsockname()[1]
        source = ("import socket\ndef clip(gradients, maxValue):\n    try:\n"
                  f"        socket.create_connection(('127.0.0.1', {port}), timeout=0.5).send(b'hi')\n"
                  "        return 'connected'\n    except OSError as error:\n        return str(error)\n")
        runner = SandboxRunner(sandbox_host, cells_of(source))
        outcome = runner.call("clip", {}, 1.0)
        runner.close()
        with pytest.raises(BlockingIOError):
            listener.accept()
    assert outcome.status == OK and outcome.value != "connected", outcome.message


def test_learner_code_cannot_read_a_file_next_to_its_scratch_folder(sandbox_host, tmp_path):
    """Can learner code read a world-readable 'gradebook' the grader keeps elsewhere on disk? It must not."""
    secret = sandbox_host.scratch_root / "gradebook.db"
    secret.write_text("alice: 50")
    os.chmod(secret, 0o644)
    source = (f"def clip(gradients, maxValue):\n    try:\n        return open({str(secret)!r}).read()\n"
              "    except OSError as error:\n        return type(error).__name__\n")
    runner = SandboxRunner(sandbox_host, cells_of(source))
    outcome = runner.call("clip", {}, 1.0)
    runner.close()
    secret.unlink()
    assert outcome.value in ("PermissionError", "FileNotFoundError")  # Landlock, or not even there in its chroot


def test_syntax_error_in_one_cell_keeps_the_other_cells(sandbox_host):
    """Does a notebook with one broken cell still get full marks for the functions in its other cells?"""
    cells = [{"label": f"nb.ipynb cell {n}", "source": source}
             for n, source in enumerate([render_learner_source(), "def oops(:\n    pass", "x = rnn_forward(1, 2, 3)"])]
    scores, _, runner = grade(sandbox_host, cells)
    assert scores == FULL and runner.errors == ["nb.ipynb cell 1, line 1: SyntaxError: invalid syntax"]


def test_renamed_function_is_missing_and_the_others_are_graded(sandbox_host):
    """Is a function under the wrong name reported missing while the rest score?"""
    source = render_learner_source().replace("def rnn_backward(", "def rnn_backwards(")
    scores, result, _ = grade(sandbox_host, cells_of(source))
    assert scores == expected(rnn_backward=0)
    assert "missing" in result["functions"]["rnn_backward"]["feedback"]


def test_notebook_fixture_is_graded_like_a_file(sandbox_host):
    """Does the hostile notebook's junk, appended to correct cells, leave the grades untouched?"""
    from autograder.submissions import notebook_cells
    import json
    text = notebook(render_learner_source())
    hostile = json.loads(fixture_text("sandbox/notebook_cells.ipynb"))
    cells = notebook_cells(json.loads(text), "a.ipynb") + notebook_cells(hostile, "b.ipynb")
    scores, _, runner = grade(sandbox_host, cells)
    assert scores == FULL and len(runner.errors) == 1


def test_forged_frames_written_to_the_socket_are_garbage_not_a_grader_crash(sandbox_host):
    """Does a function that writes its own deeply nested 'reply' straight to the socket get GARBAGE, the batch going on?"""
    source = '''import os, stat, struct, sys, time
def forge(kind):
    header = b"[" * 200000 + b"]" * 200000
    payload = struct.pack("<Q", len(header)) + header + struct.pack("<Q", 0)
    frame = sys._getframe()  # the id of the call being answered is in the serving loop's frame
    while frame is not None and "call_id" not in frame.f_locals:
        frame = frame.f_back
    for fd in range(3, 64):
        try:
            if stat.S_ISSOCK(os.fstat(fd).st_mode):
                os.write(fd, kind + struct.pack("<QQ", frame.f_locals["call_id"], len(payload)) + payload)
        except OSError:
            pass
def clip(gradients, maxValue):
    forge(b"R")
    time.sleep(30)
def update_parameters(parameters, gradients, lr):
    forge(b"X")
    time.sleep(30)
'''
    runner = SandboxRunner(sandbox_host, cells_of(source))
    forged = runner.call("clip", {}, 1.0)
    forged_setup_failure = runner.call("update_parameters", {}, {}, 0.1)
    runner.close()
    assert forged.status == GARBAGE and "RecursionError" in forged.message, forged
    assert forged_setup_failure.status == GARBAGE


def test_a_definition_lost_to_a_syntax_error_is_reported_missing_with_that_error(sandbox_host):
    """When a file cannot be parsed (output pasted into a .py), does a function's feedback point at the syntax error
    rather than only say that no such function is defined?"""
    source = render_learner_source() + "\nrnn_forward(x, a0, parameters)\n(array([[0.5, 0.1]]), array([[0.2]])\n"
    _, result, _ = grade(sandbox_host, cells_of(source))
    feedback = result["functions"]["rnn_backward"]["feedback"]
    assert "no function named rnn_backward is defined" in feedback
    assert "SyntaxError" in feedback and "could not be read" in feedback, feedback
    # an import that fails loses no definition: a function the file never defines is only "not defined"
    source = "import scipy\n" + render_learner_source().replace("def clip(", "def clip_gradients(")
    _, result, _ = grade(sandbox_host, cells_of(source))
    assert result["functions"]["clip"]["feedback"].endswith("no function named clip is defined")


def test_the_notebooks_helper_imports_work_in_the_sandbox(sandbox_host):
    """Do `from rnn_utils import ...` and `from public_tests import ...`, as in the released notebook, load cleanly,
    the plotting import is skipped, and a module the sandbox lacks is reported? Older course notebooks open with
    `from __future__ import print_function`, which must load too."""
    source = ("from __future__ import print_function\nimport numpy as np\n"
              "from rnn_utils import softmax, initialize_parameters\n"
              "from public_tests import test_clip\nimport matplotlib.pyplot as plt\nimport scipy\n"
              "def clip(gradients, maxValue):\n    return softmax(np.zeros((2, 1))).ravel().tolist()\n")
    runner = SandboxRunner(sandbox_host, cells_of(source))
    outcome = runner.call("clip", {}, 1.0)
    runner.close()
    assert outcome.value == [0.5, 0.5]
    assert runner.errors == ["submission.py, line 6: ModuleNotFoundError: No module named 'scipy'"]


def test_a_batch_of_calls_answers_like_calls_one_by_one(sandbox_host):
    """Does call_many give each call its own outcome and its own timeout: a raise costs only that call,
    a forged reply (with another call's id) restarts the child for the rest, and a hang stops the batch after one call's budget?"""
    source = '''import os, time
calls = []
def clip(gradients, maxValue):
    calls.append(maxValue)
    if maxValue == 2:
        raise ValueError("two")
    if maxValue == 3 and len(calls) == 3:
        os.write([fd for fd in range(3, 64) if _is_socket(fd)][0], b"R" + (5).to_bytes(8, "little") * 2 + b"junk!")
        time.sleep(30)
    if maxValue == 5:
        time.sleep(30)
    return {"n": len(calls)}
def _is_socket(fd):
    import stat
    try:
        return stat.S_ISSOCK(os.fstat(fd).st_mode)
    except OSError:
        return False
'''
    runner = SandboxRunner(sandbox_host, cells_of(source))
    start = time.monotonic()
    outcomes = runner.call_many("clip", [(({}, value), value == 1) for value in (1, 2, 3, 4, 5, 6)], timeout=1.0)
    elapsed = time.monotonic() - start
    runner.close()
    assert [outcome.status for outcome in outcomes] == [OK, EXCEPTION, GARBAGE, OK, TIMEOUT]
    assert outcomes[0].value == {"n": 1} and outcomes[0].args_after == ({}, 1)
    assert "ValueError: two" in outcomes[1].message
    assert outcomes[3].value == {"n": 1} and outcomes[3].args_after is None  # a fresh child after the garbage
    assert "did not return within 1 s" in outcomes[4].message and elapsed < 2.5 and runner.restarts == 1
