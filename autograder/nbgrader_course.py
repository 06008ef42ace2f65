"""Guards that make the nbgrader course safe to run from a fresh clone (installed by nbgrader_config.py).

    install_course_guards(c)    # in nbgrader_config.py

* generate_assignment makes the gradebook ready: release/ is committed, so nbgrader would print
  "Skipping existing assignment" and leave an empty gradebook (autograde then fails for every
  student). When the gradebook lacks the assignment, the release is regenerated from source/.
* generate_assignment never loses the committed release: the existing release folder is moved
  aside, and put back when anything fails (a gradebook it cannot open, a crash, Ctrl-C).
* release_assignment refuses, with the fix, while the gradebook lacks the assignment (students
  would otherwise hand in work nobody can autograde); autograde says the same fix.
* the gradebook URL is tried before anything is changed, so a wrong URL or a missing database
  driver is one clear message, not a traceback after files were removed.

nbgrader's apps create their converters from module-level names, so the guarded converters are
put in place of those names; the exchange's release class is nbgrader's own extension point.
"""
import os
import shutil

from nbgrader.api import Gradebook, MissingEntry
from nbgrader.converters import Autograde, GenerateAssignment, NbGraderException
from nbgrader.exchange.default import ExchangeReleaseAssignment

# Left beside the release folder while it is regenerated; a leftover (process killed) is restored first.
KEPT_SUFFIX = ".kept-by-generate_assignment"


class GradebookUnusable(Exception):
    """The gradebook URL cannot be opened; the message says why and what to do."""


def open_gradebook(db_url, course_id):
    """An open nbgrader Gradebook for `db_url`, or GradebookUnusable with the fix in its message."""
    try:
        return Gradebook(db_url, course_id)
    except ModuleNotFoundError as error:
        raise GradebookUnusable(f"cannot open the gradebook {_shown(db_url)}: {error}. Install the pinned "
                                f"packages (pip install -r requirements.txt; PostgreSQL uses psycopg 3).") from None
    except Exception as error:  # SQLAlchemy and the drivers raise many kinds; all mean the same to the user
        raise GradebookUnusable(f"cannot open the gradebook {_shown(db_url)}: {type(error).__name__}: "
                                f"{str(error).strip().splitlines()[0] if str(error).strip() else ''}. Check "
                                f"RNN_GRADEBOOK_URL (e.g. postgresql://user:password@host:5432/gradebook) and "
                                f"that the database server is running.") from None


def _shown(db_url):
    """The URL without its password, for messages."""
    head, at, tail = db_url.rpartition("@")
    if not at:
        return db_url
    scheme, _, credentials = head.partition("://")
    return f"{scheme}://{credentials.split(':')[0]}:***@{tail}"


def assignment_in_gradebook(db_url, course_id, assignment_id):
    """True when the gradebook knows `assignment_id` and its notebooks (what generate_assignment records)."""
    with open_gradebook(db_url, course_id) as gradebook:
        try:
            return len(gradebook.find_assignment(assignment_id).notebooks) > 0
        except MissingEntry:
            return False


def not_ready_message(assignment_id, db_url):
    return (f"the gradebook {_shown(db_url)} has no assignment '{assignment_id}', so nothing students hand in "
            f"can be autograded. Run `nbgrader generate_assignment {assignment_id}` in the course folder first "
            f"(it records the assignment and its graded cells in the gradebook).")


class SafeGenerateAssignment(GenerateAssignment):
    """generate_assignment that regenerates a committed release the gradebook does not know, and puts the
    previous release folder back whenever it fails."""

    def start(self):
        self._kept = {}
        if not self.no_database:
            try:
                open_gradebook(self.coursedir.db_url, self.coursedir.course_id).close()
            except GradebookUnusable as error:
                self.log.error(str(error))
                raise NbGraderException(str(error)) from None
        try:
            super().start()
        except BaseException:
            self._restore_all()
            raise
        self._settle()

    def init_destination(self, assignment_id, student_id):
        dest = os.path.normpath(self._format_dest(assignment_id, student_id))
        _restore_leftover(dest, self.log)
        if os.path.isdir(dest) and (self.force or not self._gradebook_ready(assignment_id)):
            if not self.force:
                self.log.warning("%s exists but the gradebook has no assignment '%s': regenerating it from "
                                 "source/ so that the gradebook is ready for autograde", dest, assignment_id)
            kept = dest + KEPT_SUFFIX
            os.rename(dest, kept)  # same folder, so atomic; nbgrader now sees no release and builds one
            self._kept[dest] = kept
        return super().init_destination(assignment_id, student_id)

    def _gradebook_ready(self, assignment_id):
        if self.no_database:
            return True
        return assignment_in_gradebook(self.coursedir.db_url, self.coursedir.course_id, assignment_id)

    def _settle(self):
        """After a run: drop the kept copy of every release rebuilt completely, restore the others."""
        for dest, kept in self._kept.items():
            expected = [name for name in os.listdir(kept) if name.endswith(".ipynb")]
            if all(os.path.isfile(os.path.join(dest, name)) for name in expected):
                shutil.rmtree(kept)
            else:
                _put_back(dest, kept, self.log)

    def _restore_all(self):
        for dest, kept in self._kept.items():
            _put_back(dest, kept, self.log)


def _put_back(dest, kept, log):
    if os.path.lexists(dest):
        shutil.rmtree(dest)
    os.rename(kept, dest)
    log.warning("generate_assignment did not finish: restored the previous %s", dest)


def _restore_leftover(dest, log):
    """A kept copy left over means an earlier run was killed before it finished: whatever it wrote to `dest`
    may be partial, so the kept release goes back first."""
    kept = dest + KEPT_SUFFIX
    if os.path.isdir(kept):
        _put_back(dest, kept, log)


class GuardedAutograde(Autograde):
    """autograde that says how to fix a gradebook without the assignment before it touches any submission."""

    def start(self):
        assignment_id = self.coursedir.assignment_id
        try:
            ready = "*" in assignment_id or assignment_in_gradebook(self.coursedir.db_url, self.coursedir.course_id,
                                                                    assignment_id)
        except GradebookUnusable as error:
            self.log.error(str(error))
            raise NbGraderException(str(error)) from None
        if not ready:
            message = "cannot autograde: " + not_ready_message(assignment_id, self.coursedir.db_url)
            self.log.error(message)
            raise NbGraderException(message)
        super().start()


class GuardedReleaseAssignment(ExchangeReleaseAssignment):
    """release_assignment that refuses while the gradebook could not autograde what students will submit."""

    def init_src(self):
        super().init_src()
        assignment_id = self.coursedir.assignment_id
        try:
            ready = assignment_in_gradebook(self.coursedir.db_url, self.coursedir.course_id, assignment_id)
        except GradebookUnusable as error:
            self.fail(str(error))
        if not ready:
            self.fail("refusing to release: " + not_ready_message(assignment_id, self.coursedir.db_url))


def install_course_guards(c):
    """Put the guarded generate_assignment, autograde and release_assignment in place (config object `c`)."""
    from nbgrader.apps import autogradeapp, generateassignmentapp
    generateassignmentapp.GenerateAssignment = SafeGenerateAssignment
    autogradeapp.Autograde = GuardedAutograde
    c.ExchangeFactory.release_assignment = f"{__name__}.GuardedReleaseAssignment"
