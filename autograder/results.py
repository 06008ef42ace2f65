"""The one results model: what grading a submission gives, and every form a front end shows it in.

    result = SubmissionResult.from_json(json.loads(line))      # a line of results.jsonl (shared brief §2)
    result.to_json()                                            # ... and back, the same keys and values
    result.gradescope_tests("visible")                          # Gradescope's results.json "tests"
    result.functions["clip"].nbgrader_outputs("clip")           # a hidden-test cell's outputs for nbgrader
    result.csv_row()                                            # a row of grades.csv (report, grade --csv)

FunctionResult -- one graded function: score, max_score, feedback (human text), mistake (the likeliest
                  named mistake or None) and mistakes (every recognised one, likeliest first).
SubmissionResult -- one submission: its id, an entry for each of the six graded functions (always all
                    six: a function with no result gets one that scores 0 and says why), the
                    submission-level errors, and for batch records seed, grader_version, content_hash and
                    seconds (None where a front end has no such thing). Its score is the sum of the
                    functions' scores; its max_score is contract.MAX_SCORE.

The JSON record's keys (brief §2 plus the batch grader's extras):
    {"submission", "score", "max_score", "functions": {name: {"score", "max_score", "feedback", "mistake",
     "mistakes"}}, "errors", "seed", "grader_version", "content_hash", "seconds"}
the last four only when known. The model is plain data: the trusted grader builds it, never student code.
"""
from dataclasses import dataclass, field

from autograder.contract import GRADED_FUNCTIONS, MAX_SCORE, POINTS

BATCH_FIELDS = ("seed", "grader_version", "content_hash", "seconds")  # record keys a batch adds (None: absent)
CSV_HEADER = ("submission", "total", *GRADED_FUNCTIONS)


@dataclass(frozen=True)
class FunctionResult:
    """One graded function's result (brief §2): points earned of max_score, feedback, named mistakes."""
    score: float
    max_score: float
    feedback: str
    mistake: str = None
    mistakes: tuple = ()

    @classmethod
    def graded(cls, name, score, feedback, mistakes=()):
        """What the grading engine found: `mistakes` are the recognised ones, likeliest first."""
        mistakes = tuple(mistakes)
        return cls(score, POINTS[name], feedback, mistakes[0] if mistakes else None, mistakes)

    @classmethod
    def not_graded(cls, name, reason):
        """0 points for a function of a submission that could not be run at all (`reason` says why)."""
        return cls(0.0, POINTS[name], f"{name}: not graded: {reason}")

    @classmethod
    def missing(cls, name):
        """0 points for a function the grader reported nothing for."""
        return cls.not_graded(name, "the grader gave no result")

    @property
    def full_marks(self):
        return self.score >= self.max_score

    def to_json(self):
        return {"score": self.score, "max_score": self.max_score, "feedback": self.feedback,
                "mistake": self.mistake, "mistakes": list(self.mistakes)}

    @classmethod
    def from_json(cls, entry):
        """From a record's function entry; an entry of an older file without "mistakes" gets [mistake]."""
        mistake = entry.get("mistake")
        mistakes = entry.get("mistakes")
        return cls(entry.get("score", 0.0), entry.get("max_score", 0.0), entry.get("feedback") or "", mistake,
                   tuple(mistakes) if mistakes is not None else ((mistake,) if mistake else ()))

    def gradescope_test(self, name, visibility="visible"):
        """One test of Gradescope's results.json: the score clamped to [0, max points], feedback and every named
        mistake (as in nbgrader's cell outputs)."""
        points = POINTS[name]
        score = min(max(float(self.score), 0.0), points)
        lines = [str(self.feedback or "").strip()] + [f"Likely mistake: {mistake}" for mistake in self.mistakes]
        return {"name": name, "score": score, "max_score": points, "output": "\n".join(l for l in lines if l),
                "status": "passed" if score >= points else "failed", "visibility": visibility}

    def nbgrader_outputs(self, name):
        """The outputs of an executed hidden-test cell: [stdout with the feedback (it states the score) and
        every named mistake, execute_result holding the points]; nbgrader reads the execute_result as the
        cell's partial credit."""
        import nbformat
        lines = [str(self.feedback or f"{name}: {self.score:g} points")]
        lines += [f"Likely mistake: {mistake}" for mistake in self.mistakes]
        return [nbformat.v4.new_output("stream", name="stdout", text="\n".join(l for l in lines if l) + "\n"),
                nbformat.v4.new_output("execute_result", data={"text/plain": repr(float(self.score))},
                                       execution_count=1)]


@dataclass(frozen=True)
class SubmissionResult:
    """One submission's result: every graded function (all six, always), submission-level errors, batch facts."""
    submission: str
    functions: dict = field(default_factory=dict)  # {name: FunctionResult}, in GRADED_FUNCTIONS order
    errors: tuple = ()
    seed: int = None
    grader_version: str = None
    content_hash: str = None
    seconds: float = None

    def __post_init__(self):  # every graded function present, in the assignment's order
        given = dict(self.functions)
        object.__setattr__(self, "functions", {name: given.get(name) or FunctionResult.missing(name)
                                               for name in GRADED_FUNCTIONS})
        object.__setattr__(self, "errors", tuple(self.errors))

    @classmethod
    def not_graded(cls, submission, reason, errors=(), **batch):
        """A submission none of whose functions could be run (unreadable, nothing to grade)."""
        return cls(submission, {name: FunctionResult.not_graded(name, reason) for name in GRADED_FUNCTIONS},
                   errors, **batch)

    @property
    def score(self):
        return float(sum(entry.score for entry in self.functions.values()))

    @property
    def max_score(self):
        return MAX_SCORE

    def to_json(self):
        """The JSON Lines record (brief §2); batch fields only when known."""
        record = {"submission": self.submission, "score": self.score, "max_score": self.max_score,
                  "functions": {name: entry.to_json() for name, entry in self.functions.items()},
                  "errors": list(self.errors)}
        record.update({key: getattr(self, key) for key in BATCH_FIELDS if getattr(self, key) is not None})
        return record

    @classmethod
    def from_json(cls, record):
        functions = record.get("functions") or {}
        return cls(record["submission"], {name: FunctionResult.from_json(entry) for name, entry in functions.items()
                                          if name in POINTS},
                   record.get("errors") or (), **{key: record.get(key) for key in BATCH_FIELDS})

    def gradescope_tests(self, visibility="visible"):
        """Gradescope's "tests": one per graded function, in the assignment's order."""
        return [entry.gradescope_test(name, visibility) for name, entry in self.functions.items()]

    def csv_row(self):
        """[submission, total, one score per graded function] (report's grades.csv layout, CSV_HEADER)."""
        return [str(self.submission), self.score, *(float(entry.score) for entry in self.functions.values())]
