"""A batch of thousands keeps only ids and paths: file submissions are read when they are sent to a worker."""
import pickle

from autograder.submissions import FileSubmission, Submission, find_submissions
from tests.learner_files import notebook


def test_a_found_submission_holds_its_paths_and_travels_as_its_cells(tmp_path):
    """Does a submission found on disk keep no source text, and arrive at a worker (pickled) as plain cells,
    so that a worker on another machine needs none of the files?"""
    (tmp_path / "alice.ipynb").write_text(notebook("a = 1", "b = 2"))
    (tmp_path / "bob").mkdir()
    (tmp_path / "bob" / "rnn.py").write_text("c = 3")
    found = find_submissions([tmp_path])
    assert all(isinstance(submission, FileSubmission) for submission in found)
    assert "a = 1" not in repr(vars(found[0])) and "c = 3" not in repr(vars(found[1]))
    sent = [pickle.loads(pickle.dumps(submission)) for submission in found]
    assert sent == [Submission("alice.ipynb", found[0].cells, ()), Submission("bob", found[1].cells, ())]
    assert [cell["source"] for cell in sent[0].cells] == ["a = 1", "b = 2"]
    assert sent[1].cells == ({"label": "rnn.py", "source": "c = 3", "module": "rnn"},)
