"""The instructor's whole term on real nbgrader, end to end, in a throwaway course folder.

    course = create_course(workdir, db_url=None)        # copy of the repo's course, sandboxed grading on
    run_term(course, sample_class())                    # everything below, in order

generate_assignment -> release_assignment -> each student: fetch_assignment, fill in, validate,
submit -> collect -> zip_collect (an LMS download of more students) -> put renamed notebooks under
their expected name -> autograde (through the sandboxed batch grader, autograder.nbgrader_plugin)
-> generate_feedback -> export (nbgrader's CSV of totals) plus our per-function grade sheet and
charts (autograder.report). Every step is the real nbgrader command line in a subprocess; the
gradebook is SQLite unless `db_url` names another database (e.g. PostgreSQL).

`python -m demo` (what `make demo` runs) runs it on the bundled sample class (demo/samples.py) and
prints the grade table. The tests and benchmarks use the same steps on throwaway courses.
"""
import concurrent.futures
import json
import os
import shutil
import subprocess
import sys
import time
import zipfile
from dataclasses import dataclass, replace
from pathlib import Path

from autograder import report
from autograder.contract import GRADED_FUNCTIONS, MAX_SCORE
from autograder.paths import REPO_ROOT
from autograder.results import SubmissionResult
from demo.samples import EXCHANGE, LMS, fill_in, sample_class

ASSIGNMENT = "rnn_gradients"
NOTEBOOK = f"{ASSIGNMENT}.ipynb"
COURSE_ID = "rnn-gradients"  # as in nbgrader_config.py; students name it when they fetch and submit
COURSE_FILES = ("nbgrader_config.py", f"source/{ASSIGNMENT}")
SPEEDUP = Path(__file__).resolve().parent / "nbgrader_speedup"  # on PYTHONPATH of the nbgrader processes started here
# LMS download names, e.g. "hana_1234_5678_rnn_gradients.ipynb" or "ivo_late_2345_6789_rnn_gradients-1.ipynb".
LMS_NAME = "{student}_{late}{user:04d}_{attempt:04d}_{file_name}"
LMS_REGEXP = r".*/(?P<student_id>[^/_]+)_(?:late_)?\d+_\d+_(?P<file_id>[^/]+)$"
STEP_TIMEOUT = 1800
# traitlets logs a broken config file and carries on with defaults (in-kernel grading!): treat it as fatal.
CONFIG_ERROR = "Exception while loading config file"
# nbformat and nbgrader take seconds to import: they are imported where used.


class StepFailed(RuntimeError):
    """An nbgrader command failed; the message holds its command line and output."""


@dataclass
class Course:
    """A throwaway course.

    root -- course folder (nbgrader_config.py, source/, release/, submitted/, autograded/, feedback/, ...)
    exchange -- nbgrader's exchange folder shared by instructor and students
    homes -- folder holding one home folder per student
    db_url -- SQLAlchemy URL of the gradebook
    autograde -- "sandbox" (our sandboxed graders) or "kernel" (nbgrader's in-kernel way, for comparisons)
    """
    root: Path
    exchange: Path
    homes: Path
    db_url: str
    autograde: str = "sandbox"

    def env(self):
        """Environment of every nbgrader process: this interpreter's scripts first on PATH (nbgrader runs
        `alembic`), the repository importable (the config imports autograder), no user-level Jupyter config."""
        env = dict(os.environ)
        env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
        env["PYTHONPATH"] = os.pathsep.join([str(REPO_ROOT), str(SPEEDUP)])
        env["JUPYTER_CONFIG_DIR"] = str(self.root.parent / "jupyter-config")
        env["JUPYTER_DATA_DIR"] = str(self.root.parent / "jupyter-data")
        env["RNN_GRADEBOOK_URL"] = self.db_url
        env["RNN_EXCHANGE_DIR"] = str(self.exchange)
        env["RNN_AUTOGRADE"] = self.autograde  # read by nbgrader_config.py
        # Kernels (students' self-checks) run the notebook's experiments: on a busy 2-core machine one BLAS
        # thread is several times faster than BLAS threads fighting over the cores.
        env["OPENBLAS_NUM_THREADS"] = env["OMP_NUM_THREADS"] = "1"
        return env

    def nbgrader(self, *args, cwd=None, allow_failure=False):
        """Run `nbgrader ARGS` (the real command line); returns the CompletedProcess. Raises StepFailed."""
        command = [sys.executable, "-m", "nbgrader", *map(str, args)]
        done = subprocess.run(command, cwd=cwd or self.root, env=self.env(), capture_output=True, text=True,
                              timeout=STEP_TIMEOUT)
        if CONFIG_ERROR in done.stderr or (done.returncode != 0 and not allow_failure):
            raise StepFailed(f"nbgrader {' '.join(map(str, args))} exited {done.returncode}:\n"
                             f"{done.stdout[-3000:]}\n{done.stderr[-5000:]}")
        return done

    def student_args(self):
        """Options a student passes: they have no course config, only the course id and the exchange."""
        return [f"--course={COURSE_ID}", f"--Exchange.root={self.exchange}"]


def create_course(workdir, db_url=None):
    """Copy the repository's course files into `workdir`/course and switch grading to the sandbox.

    Arguments:
    workdir -- empty or missing folder that will hold course/, exchange/ and students/
    db_url -- gradebook URL; default SQLite in the course folder

    Returns:
    Course
    """
    workdir = Path(workdir).resolve()
    root = workdir / "course"
    for name in COURSE_FILES:
        source, target = REPO_ROOT / name, root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        (shutil.copytree if source.is_dir() else shutil.copyfile)(source, target)
    exchange = workdir / "exchange"
    exchange.mkdir(parents=True, exist_ok=True)
    exchange.chmod(0o777)  # nbgrader's exchange expects a world-writable root, like /srv/nbgrader/exchange
    homes = workdir / "students"
    homes.mkdir(exist_ok=True)
    return Course(root, exchange, homes, db_url or f"sqlite:///{root / 'gradebook.db'}")


# ---- the instructor releases ------------------------------------------------------------------

def release(course):
    """generate_assignment (which also records the assignment in the gradebook) and release_assignment."""
    course.nbgrader("generate_assignment", ASSIGNMENT, "--force")
    course.nbgrader("release_assignment", ASSIGNMENT, "--force")


# ---- the students work --------------------------------------------------------------------------

def student_home(course, student):
    return course.homes / student.student_id


def work_through_exchange(course, student):
    """One student: fetch, fill in, hand in under the chosen file name, submit. Returns the validator's verdict."""
    import nbformat
    home = student_home(course, student)
    home.mkdir(parents=True, exist_ok=True)
    course.nbgrader("fetch_assignment", ASSIGNMENT, *course.student_args(), cwd=home)
    folder = home / ASSIGNMENT
    released = nbformat.read(folder / NOTEBOOK, as_version=4)
    (folder / NOTEBOOK).unlink()
    nbformat.write(fill_in(released, student), folder / student.file_name)
    verdict = self_check_as_student(course, folder / student.file_name) if student.checks_first else None
    course.nbgrader("submit", ASSIGNMENT, *course.student_args(), f"--student={student.student_id}", cwd=home)
    return verdict


def self_check(path):
    """What `nbgrader validate` tells the student about `path`: {"passed": bool, "failed": [cell sources]}.

    Uses nbgrader's Validator directly, because the `validate` command exits 0 even when tests fail.
    """
    from nbgrader.validator import Validator
    from traitlets.config import Config
    config = Config()
    config.Execute.timeout = 60
    config.Validator.validate_all = True  # the visible tests are ungraded cells: judge them by their errors
    results = Validator(config=config).validate(str(path))
    failed = [cell["source"] for cell in results.get("failed", [])]
    return {"passed": not (failed or results.get("changed") or results.get("type_changed")), "failed": failed}


def self_check_as_student(course, path):
    """`self_check` in a separate process, as the student would run it (the Validator changes the
    process's working directory and environment, so two must not share a process)."""
    # The repository goes on this process's sys.path only: the student's kernel must not see the course's code.
    code = ("import json, sys; sys.path.insert(0, sys.argv[2]); from demo.lifecycle import self_check; "
            "print(json.dumps(self_check(sys.argv[1])))")
    env = {**course.env(), "PYTHONPATH": str(SPEEDUP)}
    done = subprocess.run([sys.executable, "-c", code, str(path), str(REPO_ROOT)], cwd=path.parent, env=env,
                          capture_output=True, text=True, timeout=STEP_TIMEOUT)
    if done.returncode != 0:
        raise StepFailed(f"validating {path} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def students_work(course, students, workers=2):
    """Exchange students work in parallel (each is separate nbgrader processes); returns {id: verdict}."""
    chosen = [s for s in students if s.route == EXCHANGE]
    with concurrent.futures.ThreadPoolExecutor(max_workers=workers) as pool:
        verdicts = pool.map(lambda student: work_through_exchange(course, student), chosen)
        return {student.student_id: verdict for student, verdict in zip(chosen, verdicts)}


def lms_download(course, students, released_notebook):
    """Write the LMS's zip of notebooks (LMS students' answers, LMS file naming) into downloaded/<a>/archive/."""
    import nbformat
    archive = course.root / "downloaded" / ASSIGNMENT / "archive"
    archive.mkdir(parents=True, exist_ok=True)
    released = nbformat.read(released_notebook, as_version=4)
    path = archive / "lms_download.zip"
    with zipfile.ZipFile(path, "w") as bundle:
        for number, student in enumerate(s for s in students if s.route == LMS):
            late = "late_" if student.file_name != NOTEBOOK else ""
            name = LMS_NAME.format(student=student.student_id, late=late, user=1000 + number,
                                   attempt=2000 + number, file_name=student.file_name)
            bundle.writestr(name, nbformat.writes(fill_in(released, student)))
    return path


# ---- the instructor collects and grades -----------------------------------------------------------

def collect(course):
    course.nbgrader("collect", ASSIGNMENT)


def zip_collect(course):
    course.nbgrader("zip_collect", ASSIGNMENT, "--force", f"--FileNameCollectorPlugin.named_regexp={LMS_REGEXP}")


def restore_notebook_names(course):
    """A submission folder without rnn_gradients.ipynb but with exactly one other notebook: copy that one
    to the expected name (nbgrader would score it 0 as missing) and tell the student in the notebook.

    Returns:
    {student id: original file name} of the notebooks renamed.
    """
    import json

    from autograder.nbgrader_plugin import INSTRUCTOR_NOTICES
    renamed = {}
    for folder in sorted((course.root / "submitted").glob(f"*/{ASSIGNMENT}")):
        expected = folder / NOTEBOOK
        others = sorted(p for p in folder.glob("*.ipynb") if p.name != NOTEBOOK)
        if expected.exists() or len(others) != 1:
            continue
        shutil.copy2(others[0], expected)
        renamed[folder.parent.name] = others[0].name
    # the notice goes where students cannot write (notebook metadata is the student's and is not trusted)
    notices = {student: [f"Your notebook was handed in as '{name}'; it was graded as {NOTEBOOK}."]
               for student, name in renamed.items()}
    (course.root / INSTRUCTOR_NOTICES).write_text(json.dumps(notices, indent=1, sort_keys=True))
    return renamed


def autograde(course, force=False):
    """nbgrader autograde with sandboxed grading. Raises StepFailed if any submission could not be graded."""
    course.nbgrader("autograde", ASSIGNMENT, *(["--force"] if force else []))


def generate_feedback(course):
    course.nbgrader("generate_feedback", ASSIGNMENT, "--force")


def export(course, path):
    """nbgrader's own CSV export (assignment totals) to `path`."""
    course.nbgrader("export", f"--to={path}")
    return Path(path)


# ---- what the instructor reads ------------------------------------------------------------------------

def gradebook_scores(course):
    """The autograded scores as stored in nbgrader's gradebook.

    Returns:
    {student id: {"total": sum of the function scores, function name: score, ..., "to_grade_by_hand": bool}}
    for every student with a submission; to_grade_by_hand is True while written answers await the
    instructor (formgrader's "needs manual grade").
    """
    from nbgrader.api import Gradebook, MissingEntry
    from autograder.contract import HIDDEN_TESTS_SUFFIX
    notebook_id = NOTEBOOK[:-len(".ipynb")]
    scores = {}
    with Gradebook(course.db_url, COURSE_ID) as gradebook:
        for student in gradebook.students:
            try:
                notebook = gradebook.find_submission_notebook(notebook_id, ASSIGNMENT, student.id)
            except MissingEntry:
                continue
            row = {name: float(gradebook.find_grade(name + HIDDEN_TESTS_SUFFIX, notebook_id, ASSIGNMENT,
                                                    student.id).score) for name in GRADED_FUNCTIONS}
            scores[student.id] = {"total": sum(row.values()), **row,
                                  "to_grade_by_hand": bool(notebook.needs_manual_grade)}
    return dict(sorted(scores.items()))


def sandbox_results(course):
    """The batch grader's result of every autograded notebook (shared brief §2), submission = student id."""
    import nbformat
    from autograder.nbgrader_plugin import METADATA_KEY
    results = []
    for path in sorted((course.root / "autograded").glob(f"*/{ASSIGNMENT}/{NOTEBOOK}")):
        result = SubmissionResult.from_json(nbformat.read(path, as_version=4).metadata[METADATA_KEY]["result"])
        results.append(replace(result, submission=path.parent.parent.name).to_json())
    return results


def write_results(results, path):
    Path(path).write_text("".join(json.dumps(result) + "\n" for result in results))
    return Path(path)


def grade_table(scores):
    """Plain-text table of `gradebook_scores` output: one line per student, one column per function."""
    columns = ["student", "total", *GRADED_FUNCTIONS, "written answers"]
    widths = [max(8, len(c)) for c in columns]
    lines = ["  ".join(c.ljust(w) for c, w in zip(columns, widths)).rstrip()]
    for student, row in scores.items():
        cells = [student, f"{row['total']:g}/{MAX_SCORE:g}", *(f"{row[name]:g}" for name in GRADED_FUNCTIONS),
                 "to grade by hand" if row["to_grade_by_hand"] else "-"]
        lines.append("  ".join(c.ljust(w) for c, w in zip(cells, widths)).rstrip())
    return "\n".join(lines)


# ---- the whole term ---------------------------------------------------------------------------------

def run_term(course, students, log=print):
    """Carry out the whole term for `students` (list of samples.SampleStudent) in `course`.

    Returns:
    {"scores": gradebook_scores, "verdicts": {student: self-check}, "renamed": {...},
     "outputs": {"export", "results", "grades", "scores", "mistakes": paths}, "seconds": {step: s}}
    """
    seconds = {}

    def step(name, function, *args):
        start = time.perf_counter()
        value = function(*args)
        seconds[name] = time.perf_counter() - start
        log(f"{name:<34} {seconds[name]:6.1f} s")
        return value

    step("generate + release", release, course)
    verdicts = step("students fetch, work, validate, submit", students_work, course, students)
    step("LMS download", lms_download, course, students, course.root / "release" / ASSIGNMENT / NOTEBOOK)
    step("collect", collect, course)
    step("zip_collect", zip_collect, course)
    renamed = step("restore notebook names", restore_notebook_names, course)
    step("autograde (sandboxed)", autograde, course)
    step("generate_feedback", generate_feedback, course)
    reports = course.root / "reports"
    reports.mkdir(exist_ok=True)
    outputs = {"export": step("export", export, course, reports / "nbgrader_export.csv")}
    results = write_results(sandbox_results(course), reports / "results.jsonl")
    outputs.update(step("report", report.write_report, results, reports), results=results)
    return {"scores": gradebook_scores(course), "verdicts": verdicts, "renamed": renamed,
            "outputs": outputs, "seconds": seconds}


def demo(out="out/demo", db_url=None, log=print):
    """Run the term on the sample class in a fresh `out` folder and print the grade table; returns run_term's dict."""
    out = Path(out).resolve()
    if out.exists():
        shutil.rmtree(out)
    start = time.perf_counter()
    course = create_course(out, db_url)
    students = sample_class()
    log(f"Course in {course.root}; gradebook {course.db_url.split('@')[-1]}; {len(students)} sample students.")
    term = run_term(course, students, log)
    log("")
    log(grade_table(term["scores"]))
    log("")
    for student in students:
        log(f"{student.student_id:<6} {student.story}")
    log("")
    log(f"Feedback: {course.root / 'feedback'}; reports: {term['outputs']['grades'].parent}")
    log(f"Whole term: {time.perf_counter() - start:.1f} s")
    return term

