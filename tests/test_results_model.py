"""Does the one results model (autograder/results.py) carry a record unchanged between the forms every front
end shows it in: the JSON Lines record, Gradescope's tests, nbgrader's cell outputs and the grade sheet?"""
import csv
import io
import json

from autograder import gradescope, nbgrader_plugin, report
from autograder.contract import GRADED_FUNCTIONS, MAX_SCORE, POINTS
from autograder.results import CSV_HEADER, FunctionResult, SubmissionResult

NOT_SUMMED = "dWaa overwritten instead of summed over timesteps"


def batch_record():
    """A record as `python -m autograder grade` writes it today (every key, one named mistake, one crash)."""
    functions = {name: {"score": POINTS[name], "max_score": POINTS[name], "feedback": f"{name}: {POINTS[name]:g}/"
                        f"{POINTS[name]:g} points", "mistake": None, "mistakes": []} for name in GRADED_FUNCTIONS}
    functions["rnn_backward"] = {"score": 6.25, "max_score": 10.0, "feedback": "rnn_backward: 6.25/10 points",
                                 "mistake": NOT_SUMMED, "mistakes": [NOT_SUMMED, "dWaa from one timestep (in x)"]}
    functions["clip"] = {"score": 0.0, "max_score": 5.0, "feedback": "clip: 0/5 points. clip timed out: 3 s",
                         "mistake": None, "mistakes": []}
    return {"submission": "alice.ipynb", "score": 41.25, "max_score": MAX_SCORE, "functions": functions,
            "errors": ["cell 3 failed to load"], "seed": 7, "grader_version": "0123456789ab",
            "content_hash": "feedc0de", "seconds": 0.4321}


def test_a_record_round_trips_through_the_model_unchanged():
    record = batch_record()
    result = SubmissionResult.from_json(json.loads(json.dumps(record)))
    assert result.to_json() == record
    assert json.dumps(result.to_json(), sort_keys=True) == json.dumps(record, sort_keys=True)
    assert SubmissionResult.from_json(result.to_json()) == result
    assert result.functions["rnn_backward"] == FunctionResult(6.25, 10.0, "rnn_backward: 6.25/10 points", NOT_SUMMED,
                                                              (NOT_SUMMED, "dWaa from one timestep (in x)"))
    assert result.score == 41.25 and result.max_score == MAX_SCORE


def test_a_missing_function_is_always_present_with_score_zero_and_says_so():
    record = batch_record()
    del record["functions"]["update_parameters"]
    result = SubmissionResult.from_json(record)
    assert list(result.functions) == list(GRADED_FUNCTIONS)
    missing = result.functions["update_parameters"]
    assert missing.score == 0.0 and missing.max_score == POINTS["update_parameters"]
    assert "not graded" in missing.feedback and missing.mistake is None
    assert result.to_json()["functions"]["update_parameters"] == {
        "score": 0.0, "max_score": 5.0, "feedback": "update_parameters: not graded: the grader gave no result",
        "mistake": None, "mistakes": []}
    assert result.score == 41.25 - POINTS["update_parameters"]
    empty = SubmissionResult("bob.py")
    assert empty.score == 0.0 and all(entry.score == 0.0 for entry in empty.functions.values())


def test_not_graded_submission_has_every_function_with_the_reason():
    result = SubmissionResult.not_graded("bad.ipynb", "invalid notebook", ["invalid notebook"])
    record = result.to_json()
    assert record["score"] == 0.0 and record["errors"] == ["invalid notebook"]
    assert all(entry["feedback"] == f"{name}: not graded: invalid notebook" and entry["score"] == 0.0
               for name, entry in record["functions"].items())
    assert set(record) == {"submission", "score", "max_score", "functions", "errors"}  # no batch facts known


def test_an_older_record_without_mistakes_reads_its_one_mistake():
    record = batch_record()
    del record["functions"]["rnn_backward"]["mistakes"]
    assert SubmissionResult.from_json(record).functions["rnn_backward"].mistakes == (NOT_SUMMED,)


def test_gradescope_and_csv_and_nbgrader_forms_come_from_one_model():
    record = batch_record()
    result = SubmissionResult.from_json(record)
    converted = gradescope.to_gradescope(result, visibility="after_published")
    assert converted == gradescope.to_gradescope(record, visibility="after_published")  # dict or model: the same
    tests = {test["name"]: test for test in converted["tests"]}
    assert list(tests) == list(GRADED_FUNCTIONS) and converted["score"] == result.score
    assert tests["rnn_backward"] == {"name": "rnn_backward", "score": 6.25, "max_score": 10.0,
                                     "output": f"rnn_backward: 6.25/10 points\nLikely mistake: {NOT_SUMMED}\n"
                                               f"Likely mistake: dWaa from one timestep (in x)",
                                     "status": "failed", "visibility": "after_published"}
    assert tests["rnn_forward"]["status"] == "passed" and "cell 3 failed to load" in converted["output"]

    sheet = io.StringIO()
    csv.writer(sheet).writerows([CSV_HEADER, result.csv_row()])
    header, rows = report.grade_sheet([record])
    assert header == list(CSV_HEADER) and rows == [result.csv_row()]
    assert rows[0] == ["alice.ipynb", 41.25, *(record["functions"][name]["score"] for name in GRADED_FUNCTIONS)]

    stdout, points = result.functions["rnn_backward"].nbgrader_outputs("rnn_backward")
    assert stdout["text"] == (f"rnn_backward: 6.25/10 points\nLikely mistake: {NOT_SUMMED}\n"
                              f"Likely mistake: dWaa from one timestep (in x)\n")
    assert points["data"] == {"text/plain": "6.25"}
    assert nbgrader_plugin.function_outputs("rnn_backward", record["functions"]["rnn_backward"]) == [stdout, points]


def test_grading_engine_entries_are_the_models_json():
    """Is what autograder.grading returns for a function exactly a FunctionResult's record?"""
    from autograder.grading import grade_function
    from autograder.runner import InProcessRunner
    entry = grade_function(InProcessRunner({}), "clip")
    assert FunctionResult.from_json(entry).to_json() == entry
    assert entry["score"] == 0.0 and "missing" in entry["feedback"]
