"""Grade many submissions in parallel sandboxes into a JSON Lines results file that survives kill -9.

    outcome = grade_batch(submissions, Path("results.jsonl"), seed=20261123, workers=2)

Each worker process owns one sandbox host (a fork server holding no secrets) and one
unprivileged uid, locked for the worker's life so that concurrent batches never share a uid.
Every result is appended as one full line, flushed and fsync'ed as soon as it is known; a
rerun reads the file back, ignores a torn last line, and grades only what is missing (or
everything with force): a result counts as there only for the same submission id, content
(`Submission.digest`), seed and grader version, so a changed file under a graded id is regraded. At the end the file is rewritten in submission order (atomically), so
an interrupted and resumed batch ends with the same file as an uninterrupted one, timings aside.
A worker dies with the process that started the batch (PR_SET_PDEATHSIG), and its host then sweeps
its uid and exits, so a batch killed by a timeout (SIGTERM or SIGKILL) leaves nothing running
and frees its uids.
"""
import concurrent.futures
import fcntl
import hashlib
import itertools
import json
import multiprocessing
import multiprocessing.util
import os
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from autograder.grading import grade_submission
from autograder.paths import REPO_ROOT
from autograder.results import FunctionResult, SubmissionResult
from autograder.sandbox import Limits, SandboxError, SandboxHost, SandboxRunner
from autograder.child.isolation import die_with_parent

SANDBOX_UID_BASE = int(os.environ.get("AUTOGRADER_SANDBOX_UID_BASE", "60000"))  # e.g. to keep test runs apart
SANDBOX_UID_COUNT = 1000
UID_LOCK_DIR = Path(tempfile.gettempdir()) / "autograder-sandbox-uids"
TIMING_FIELDS = ("seconds",)
TASKS_PER_WORKER = 8  # submissions queued ahead per local worker


def grader_sources():
    """Every file that decides a grade: all of the grader's code (checks, cases, compare, mistakes, codec,
    runner, the sandbox and its loader, reading submissions, ...), the reference solutions and the helper
    modules children get. Whole folders, so a module added later is never forgotten."""
    from autograder.sandbox.client import LEARNER_HELPERS
    sources = sorted((REPO_ROOT / "autograder").rglob("*.py")) + sorted((REPO_ROOT / "solutions").rglob("*.py"))
    return sources + sorted(LEARNER_HELPERS)


def grader_version():
    """Short hash of `grader_sources()` (paths and contents), stored with every result."""
    digest = hashlib.sha256()
    for path in grader_sources():
        if path.is_file():
            digest.update(path.relative_to(REPO_ROOT).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:12]


# -- the results file ---------------------------------------------------------
def read_results(path):
    """Records already in `path` (a missing file has none). A torn last line is cut off the file."""
    if not path.exists():
        return []
    data = path.read_bytes()
    complete = data[:data.rfind(b"\n") + 1]
    if len(complete) != len(data):  # the batch died while writing this line
        with open(path, "r+b") as handle:
            handle.truncate(len(complete))
            os.fsync(handle.fileno())
    records = []
    for line in complete.splitlines():
        try:
            record = json.loads(line)
        except ValueError:
            continue
        if isinstance(record, dict) and isinstance(record.get("submission"), str):
            records.append(record)
    return records


def append_result(handle, record):
    """Write one record as one line and make it durable before returning."""
    handle.write(json.dumps(record, sort_keys=True) + "\n")
    handle.flush()
    os.fsync(handle.fileno())


def rewrite_results(path, records, order):
    """Replace `path` atomically with the last record of each submission, in `order` then file order."""
    latest = {}
    for record in records:
        latest.pop(record["submission"], None)
        latest[record["submission"]] = record
    position = {submission_id: index for index, submission_id in enumerate(order)}
    ordered = sorted(latest.values(), key=lambda record: (position.get(record["submission"], len(position)),))
    temporary = path.with_name(path.name + ".tmp")
    with open(temporary, "w") as handle:
        for record in ordered:
            handle.write(json.dumps(record, sort_keys=True) + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)
    directory = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)
    return ordered


# -- one submission -----------------------------------------------------------
def grade_one(host, submission, seed, version):
    """Grade one submission in a fresh child of `host`. Returns its results record (brief §2, SubmissionResult.to_json)."""
    start = time.monotonic()
    errors = list(submission.errors)
    if not submission.cells:
        functions = SubmissionResult.not_graded(submission.id, errors[0] if errors else "nothing to grade").functions
    else:
        runner = SandboxRunner(host, submission.cells)
        try:
            graded = grade_submission(runner, seed)["functions"]
        finally:
            runner.close()
        errors += runner.errors
        functions = {name: FunctionResult.from_json(entry) for name, entry in graded.items()}  # the rest: missing
    return SubmissionResult(submission.id, functions, errors, seed=seed, grader_version=version,
                            content_hash=submission.digest(), seconds=round(time.monotonic() - start, 4)).to_json()


# -- worker processes ---------------------------------------------------------
_worker = {}


def acquire_uid():
    """Lock and return an unused sandbox uid (the lock lives as long as this process)."""
    UID_LOCK_DIR.mkdir(mode=0o700, exist_ok=True)
    for uid in range(SANDBOX_UID_BASE, SANDBOX_UID_BASE + SANDBOX_UID_COUNT):
        handle = open(UID_LOCK_DIR / f"{uid}.lock", "w")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            continue
        _worker["uid_lock"] = handle
        return uid
    raise SandboxError("every sandbox uid is in use by other grading runs")


def _start_worker(isolated, limits, version, batch_pid, skip_layers=()):
    die_with_parent()  # SIGKILL when the batch's process dies, even by SIGKILL: its host then cleans up
    if os.getppid() != batch_pid:  # it died before that took effect
        os._exit(1)
    open_host(isolated, limits, acquire_uid() if isolated else os.getuid(), version, skip_layers)
    multiprocessing.util.Finalize(None, _stop_worker, exitpriority=10)


def open_host(isolated, limits, uid, version, skip_layers=()):
    """Start this worker process's SandboxHost, remembering everything a restart after a host failure needs
    (local pool workers and Dask workers alike)."""
    _worker.update(isolated=isolated, limits=limits, uid=uid, version=version, skip_layers=tuple(skip_layers),
                   host=SandboxHost(uid, isolated=isolated, limits=limits, skip_layers=skip_layers))


def _stop_worker():
    host = _worker.pop("host", None)
    if host is not None:
        host.close()


def _grade_in_worker(submission, seed):
    """Returns ("ok", record) or ("failed", why the grader itself could not grade it)."""
    for attempt in range(2):
        try:
            return "ok", grade_one(_worker["host"], submission, seed, _worker["version"])
        except SandboxError as error:  # the host died or isolation failed: start a new host once
            problem = f"sandbox failure: {error}"
            _stop_worker()
            try:
                _worker["host"] = SandboxHost(_worker["uid"], isolated=_worker["isolated"], limits=_worker["limits"],
                                              skip_layers=_worker["skip_layers"])
            except SandboxError as again:
                return "failed", f"{problem}; restarting it failed: {again}"
        except Exception as error:  # a bug in the grader must not cost a student a grade: leave it ungraded
            return "failed", f"grader error: {type(error).__name__}: {error}"
    return "failed", problem


@dataclass
class BatchOutcome:
    """What a batch did: records of every submission given, those graded now, and grader failures."""
    records: list
    graded_now: int = 0
    skipped: int = 0
    failures: list = field(default_factory=list)

    @property
    def results(self):
        """The records as autograder.results.SubmissionResult, in submission order."""
        return [SubmissionResult.from_json(record) for record in self.records]


def grade_in_local_pool(pending, seed, workers, isolated, limits, version, skip_layers=()):
    """Grade `pending` in local worker processes; yields (submission id, status, record or why) as each finishes.

    The default engine of grade_batch (autograder/distributed.py has the Dask one, same signature).
    """
    workers = max(1, min(workers or os.cpu_count() or 1, len(pending)))
    context = multiprocessing.get_context("fork")
    queue, running = iter(pending), {}  # at most TASKS_PER_WORKER per worker in flight: flat memory
    with concurrent.futures.ProcessPoolExecutor(workers, mp_context=context, initializer=_start_worker,
                                                initargs=(isolated, limits, version, os.getpid(),
                                                          tuple(skip_layers))) as pool:
        while True:
            for submission in itertools.islice(queue, TASKS_PER_WORKER * workers - len(running)):
                running[pool.submit(_grade_in_worker, submission, seed)] = submission.id
            if not running:
                return
            finished, _ = concurrent.futures.wait(running, return_when=concurrent.futures.FIRST_COMPLETED)
            for future in finished:
                yield (running.pop(future), *future.result())


def grade_batch(submissions, out_path, seed, workers=None, isolated=True, force=False, limits=Limits(),
                on_result=None, skip_layers=(), engine=grade_in_local_pool):
    """Grade `submissions` into `out_path` (JSON Lines). Returns a BatchOutcome.

    on_result -- called after each graded submission (for a progress bar)
    skip_layers -- isolation layers this machine cannot apply (autograder.sandbox.plan decides which may go)
    engine -- where the grading runs: grade_in_local_pool, or e.g. autograder.distributed.cluster_engine(...)
    """
    ids = [submission.id for submission in submissions]
    if len(set(ids)) != len(ids):  # one line per id in the results: two submissions must never share one
        raise ValueError("two submissions share an id: " + ", ".join(sorted({i for i in ids if ids.count(i) > 1})))
    version = grader_version()
    existing = read_results(out_path)
    done = set() if force else {(record["submission"], record.get("content_hash")) for record in existing
                                if record.get("seed") == seed and record.get("grader_version") == version}
    pending = [submission for submission in submissions if (submission.id, submission.digest()) not in done]
    outcome = BatchOutcome(records=[], skipped=len(submissions) - len(pending))
    new_records = []
    if pending:
        with open(out_path, "a") as handle:
            for submission_id, status, value in engine(pending, seed, workers, isolated, limits, version,
                                                       skip_layers=tuple(skip_layers)):
                if status == "ok":
                    append_result(handle, value)
                    new_records.append(value)
                else:
                    outcome.failures.append((submission_id, value))
                if on_result:
                    on_result()
    outcome.graded_now = len(new_records)
    order = [submission.id for submission in submissions]
    all_records = rewrite_results(out_path, existing + new_records, order) if (new_records or existing) else []
    wanted = set(order)
    outcome.records = [record for record in all_records if record["submission"] in wanted]
    return outcome
