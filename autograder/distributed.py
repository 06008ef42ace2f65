"""Grade a batch on a Dask distributed cluster: the same sandboxes as local grading, on other machines' cores.

    outcome = grade_batch(submissions, Path("results.jsonl"), seed, engine=cluster_engine("tcp://10.0.0.5:8786"))

The client (the `python -m autograder grade ... --scheduler` process) only sends each submission's cells
(plain strings) and receives its record (plain JSON data); it never imports student code, and
grade_batch writes every record into the results file (appended, fsync'ed, resumable) as it arrives.

Each Dask worker process is a trusted grading worker exactly like a local one (autograder/batch.py):
on its first task it locks an unprivileged sandbox uid of its machine and starts one SandboxHost;
tasks run one at a time per worker process (start workers with `--nthreads 1`, scale with
`--nworkers`). A worker whose checkout grades differently (another grader version) refuses to grade.

When a worker dies mid-batch, the scheduler reruns its unfinished tasks on the others; a record is
written only when the client receives it, once per submission, so nothing is lost or written twice.
"""
import atexit
import os
import threading

from autograder import batch
from autograder.sandbox import SandboxError, missing_features

WORKER_WAIT_SECONDS = 120
TASKS_PER_THREAD = 4  # submissions queued ahead per worker thread: enough to keep them busy, bounded in memory

# -- the worker side (runs inside a `dask worker` process) ----------------------
_worker_lock = threading.Lock()  # one grading at a time per process: one host, one uid


def grade_on_worker(submission, seed, isolated, limits, version):
    """One task: grade `submission` in this worker process's sandbox host.

    Returns ("ok", record) or ("failed", why the grader could not grade it), like a local worker.
    """
    with _worker_lock:
        mine = _local_version()
        if mine != version:
            return "failed", (f"the worker on {os.uname().nodename} runs grader version {mine}, the batch "
                              f"{version}: update its checkout")
        _ensure_host(isolated, limits)
        return batch._grade_in_worker(submission, seed)


def _local_version():
    if "own_version" not in batch._worker:
        batch._worker["own_version"] = batch.grader_version()
    return batch._worker["own_version"]


def _ensure_host(isolated, limits):
    """Start this process's SandboxHost on first use (or when a batch asks for other limits)."""
    worker = batch._worker
    if worker.get("host") is not None and (worker["isolated"], worker["limits"]) == (isolated, limits):
        return
    batch._stop_worker()
    missing = missing_features() if isolated else []
    if missing:  # this machine cannot isolate: refuse, as `grade` refuses locally
        raise SandboxError(f"the worker on {os.uname().nodename} cannot isolate student code: " + "; ".join(missing))
    if isolated and "locked_uid" not in worker:
        worker["locked_uid"] = batch.acquire_uid()  # held until this process exits
    if not worker.get("exit_hook"):
        atexit.register(batch._stop_worker)  # a worker shut down cleanly removes its scratch folders too
        worker["exit_hook"] = True
    batch.open_host(isolated, limits, worker["locked_uid"] if isolated else os.getuid(), _local_version())


# -- the client side ------------------------------------------------------------
def cluster_engine(address):
    """A grade_batch engine that grades on the Dask scheduler at `address` (e.g. "tcp://10.0.0.5:8786")."""

    def engine(pending, seed, workers, isolated, limits, version, skip_layers=()):
        """Yields (submission id, status, record or why) as the cluster finishes each of `pending`.

        `workers` is ignored: the cluster's worker processes are the workers.
        """
        if skip_layers:  # each worker checks its own machine and needs every layer
            raise ValueError("a cluster grades with full isolation on every worker; --isolation available "
                             "applies to local grading only")
        from distributed import Client, as_completed
        with Client(address, set_as_default=False) as client:  # connect timeout: dask config, 30 s
            client.wait_for_workers(1, timeout=WORKER_WAIT_SECONDS)
            window = max(8, TASKS_PER_THREAD * sum(client.nthreads().values()))
            queue = iter(pending)
            ids = {}

            def submit_next():
                submission = next(queue, None)
                if submission is None:
                    return None
                future = client.submit(grade_on_worker, submission, seed, isolated, limits, version, pure=False)
                ids[future.key] = submission.id
                return future

            running = as_completed([future for future in (submit_next() for _ in range(window)) if future],
                                   loop=client.loop)
            for future in running:
                yield (ids.pop(future.key), *_outcome(future))
                future.release()
                following = submit_next()
                if following is not None:
                    running.add(following)

    return engine


def _outcome(future):
    """(status, record or why) of a finished task; a task the cluster gave up on is a grader failure."""
    try:
        return future.result()
    except Exception as error:  # e.g. KilledWorker after repeated worker deaths on this submission
        return "failed", f"the cluster could not grade it: {type(error).__name__}: {error}"
