"""Turn what an instructor downloads into submissions: notebooks, .py files, folders, zip archives.

    submissions = find_submissions(["downloads/", "late/bob.ipynb"])

What each path argument means:
* `x.ipynb` / `x.py` -- one submission, id "x.ipynb" / "x.py"
* a folder -- a collection: every .ipynb/.py file in it is one submission, every subfolder or
  .zip in it is one submission made of all the notebooks and .py files inside (id = its name);
  an nbgrader course folder (with `submitted/<student>/<assignment>/*.ipynb`) or its `submitted/`
  folder gives one submission per student (id = student name, all their notebooks together)
* `x.zip` -- a collection like a folder (e.g. an LMS download); it is extracted here, in the
  trusted process, with limits on size, member count and paths (no zip bombs, no path traversal).
  An archive holding one notebook beside .py files (and no folders or archives) is ONE submission
  (id = the archive's name): one learner's notebook with their helper files.
* LMS file names (Canvas: `lastfirst_12345_67890_rnn_gradients.ipynb`, `lastfirst_LATE_12345_...`)
  give the student id (`lastfirst`); all files of one student in a collection are one submission.

Within one submission, a notebook is the learner's work: their .py files load before it, so they
count only for what no notebook defines, and they are importable from it (cells with a "module").
Symbolic links are never followed out of a submission (a file argument that is a link is refused,
links inside folders and archives are skipped). A file that cannot be read or parsed, or is too
large, is an error of its own submission, never of the batch. Names that are not valid UTF-8 are
shown with backslash escapes.

Nothing here executes student code; sources are only read, those of files on disk only when the
submission is graded (FileSubmission: a batch holds ids and paths). Ids and order are deterministic.
"""
import dataclasses
import hashlib
import json
import os
import re
import stat
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from autograder.contract import GRADED_FUNCTIONS

CODE_SUFFIXES = (".ipynb", ".py")
# Shipped beside the notebook (every .py file of release/<assignment>/): the course's, not the learner's code.
COURSE_FILES = {"rnn_utils.py", "public_tests.py", "gradient_lab.py", "nbgrader_config.py"}
MAX_SOURCE_BYTES = 32 * 2 ** 20
MAX_ARCHIVE_BYTES = 1024 * 2 ** 20
MAX_ARCHIVE_MEMBERS = 20000
MAX_MEMBER_BYTES = 64 * 2 ** 20


@dataclass(frozen=True)
class Submission:
    """One learner's work.

    id -- stable name used in the results ("alice", "bob.ipynb")
    cells -- tuple of {"label": "rnn.ipynb cell 3", "source": "..."} in execution order
    errors -- tuple of submission-level problems (invalid notebook, nothing to grade, ...)
    """
    id: str
    cells: tuple
    errors: tuple = ()

    def digest(self):
        """Hash of everything graded (cells, modules, errors): a changed file gives another digest."""
        content = json.dumps([list(self.cells), list(self.errors)], sort_keys=True).encode("utf-8", "surrogatepass")
        return hashlib.sha256(content).hexdigest()[:16]


# Canvas: <lastfirst>_[LATE_]<user id>_<file id>_<the name the learner gave the file>
_CANVAS_NAME = re.compile(r"^(?P<student>[^_]+)_(?:late_)?(?P<user>\d+)_\d+_(?P<name>.+)$", re.IGNORECASE)


def lms_name(file_name):
    """(student id, learner's own file name, LMS user id) of an LMS download's file name, or None."""
    match = _CANVAS_NAME.match(file_name)
    return (match["student"], match["name"], match["user"]) if match else None


def display_name(name):
    """`name` as text that can be written anywhere: bytes that are not UTF-8 become backslash escapes."""
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


@dataclass(frozen=True)
class FileSubmission:
    """A submission of files that stay on disk: read when its cells are asked for, not kept.

    A batch of thousands holds only ids and paths; each submission is read when it is sent to a
    grading worker (pickling it gives a plain Submission, so a worker on another machine needs no files).
    id -- as Submission.id;  files -- tuple of Paths in reading order;  base -- folder the labels are relative to
    """
    id: str
    files: tuple
    base: Path

    def load(self):
        """The Submission as read from disk now."""
        return _read_files(self.id, self.files, self.base)

    @property
    def cells(self):
        return self.load().cells

    @property
    def errors(self):
        return self.load().errors

    def digest(self):
        return self.load().digest()

    def __reduce__(self):
        loaded = self.load()
        return Submission, (loaded.id, loaded.cells, loaded.errors)


class ArchiveError(ValueError):
    """A zip archive that is broken or breaks the extraction limits."""


def find_submissions(paths):
    """Submissions of every path, in argument order then name order; duplicate ids get a ' (2)' suffix.

    Raises FileNotFoundError for a path that does not exist.
    """
    found = []
    for path in map(Path, paths):
        if not path.exists() and not path.is_symlink():
            raise FileNotFoundError(f"no such file or folder: {path}")
        found += _from_argument(path)
    return _unique_ids(found)


def _from_argument(path):
    name = display_name(path.name)
    if path.is_symlink() and not path.is_dir():  # e.g. a Gradescope upload linking into the bundle
        return [Submission(_student_of(name), (), (f"{name} is a symbolic link; links are not followed, "
                                                    f"so nothing in it was graded",))]
    if path.is_file() and path.suffix.lower() == ".zip":
        with tempfile.TemporaryDirectory(prefix="autograder-unzip-") as scratch:
            try:
                refused = extract_zip(path, Path(scratch))
            except ArchiveError as error:
                return [Submission(name, (), (f"{name}: {error}",))]
            root = _unwrap(Path(scratch))
            if _one_learners_work(root):
                return [_from_files(_student_of(name), _code_files(root), root, refused, lazy=False)]
            return _from_collection(root, refused, lazy=False)
    if path.is_file():
        return [_from_files(_student_of(name), [path], path.parent)]
    if _course_files_in(path) and _one_learners_work(path):  # the folder a learner worked in, given on its own
        return [_from_files(_student_of(name), _code_files(path), path)]
    return _from_collection(path)


def _course_files_in(folder):
    return any((folder / name).is_file() for name in COURSE_FILES)


def _student_of(name):
    """The id of a submission named `name`: the student of an LMS file name, else the name itself."""
    parsed = lms_name(name)
    return parsed[0] if parsed else name


def _one_learners_work(folder):
    """True for a folder or archive of files only (no folders or archives) of at most one LMS student that holds
    one notebook beside .py files, or .py files that are one learner's (see `_split_work`). The course's own files
    (COURSE_FILES) beside them mark a learner's folder too, but are never the learner's code."""
    entries = _entries(folder)
    suffixes = [entry.suffix.lower() for entry in entries if entry.is_file()]
    students = {parsed[:1] + parsed[2:] for parsed in map(lms_name, (entry.name for entry in entries)) if parsed}
    if len(entries) != len(suffixes) or ".zip" in suffixes or len(students) > 1 or ".py" not in suffixes:
        return False
    if ".ipynb" in suffixes:
        return suffixes.count(".ipynb") == 1
    own = [entry for entry in entries if entry.suffix.lower() == ".py" and entry.name not in COURSE_FILES]
    return len(own) < suffixes.count(".py") or _split_work(own)


def _split_work(files):
    """Are these .py files one learner's work split over files, rather than a class's files? Yes when one imports
    another, or when two or more define graded functions and no two the same one (each of a class's files defines
    them all, or none when it is broken). Read as text, never run or parsed."""
    texts = {path: _text_or_nothing(path) for path in files}
    modules = {path.stem for path in files if path.stem.isidentifier()}
    imported = {name.decode() for text in texts.values() for name in _IMPORT.findall(text)}
    if len(files) > 1 and imported & modules:
        return True
    defined = [set(map(bytes.decode, _GRADED_DEFINITION.findall(text))) for text in texts.values()]
    defining = [names for names in defined if names]
    return len(defining) > 1 and sum(map(len, defining)) == len(set().union(*defining))


def _text_or_nothing(path):
    """The bytes of `path`, or none when it cannot be read (reading it for grading will say why)."""
    try:
        return _read_no_follow(path) or b""
    except OSError:
        return b""


_IMPORT = re.compile(rb"^[ \t]*(?:from|import)[ \t]+(\w+)", re.MULTILINE)
_GRADED_DEFINITION = re.compile(rb"^def[ \t]+(" + b"|".join(name.encode() for name in GRADED_FUNCTIONS) + rb")[ \t]*\(",
                                re.MULTILINE)


def _unwrap(root):
    """An archive holding a single folder (and nothing else) is a wrapper around the collection."""
    entries = [entry for entry in root.iterdir() if not _ignored(entry)]
    return entries[0] if len(entries) == 1 and entries[0].is_dir() and not entries[0].is_symlink() else root


def _from_collection(folder, refused=None, lazy=True):
    """Submissions of a folder of submissions; `refused` -- {path: why} of files extracted only as placeholders;
    `lazy` -- False when the folder is temporary (read the files now, not when graded)."""
    refused = refused or {}
    submitted = folder / "submitted" if (folder / "submitted").is_dir() else folder if folder.name == "submitted" \
        else None
    if submitted is not None:  # nbgrader: submitted/<student>/<assignment>/*.ipynb
        return [_from_files(display_name(student.name), _code_files(student, notebooks_only=True), student, refused,
                            lazy)
                for student in _entries(submitted) if student.is_dir()]
    found, lms_files = [], {}
    for entry in _entries(folder):
        name = display_name(entry.name)
        if entry.is_dir():
            found.append(_from_files(_student_of(name), _code_files(entry), entry, refused, lazy))
        elif entry.suffix.lower() == ".zip":
            found.append(_from_inner_zip(entry, refused))
        elif entry.suffix.lower() in CODE_SUFFIXES and entry.name not in COURSE_FILES:
            parsed = lms_name(name)
            if parsed:  # every file of one LMS student together
                lms_files.setdefault(parsed[:1] + parsed[2:], []).append(entry)
            else:
                found.append(_from_files(name, [entry], folder, refused, lazy))
    students = [student for student, _ in lms_files]
    for (student, user), files in lms_files.items():
        submission_id = student if students.count(student) == 1 else f"{student}_{user}"
        found.append(_from_files(submission_id, files, folder, refused, lazy))
    return found


def _from_inner_zip(archive, refused):
    name = display_name(archive.name)
    if archive in refused:
        return Submission(_student_of(name), (), (refused[archive],))
    with tempfile.TemporaryDirectory(prefix="autograder-unzip-") as scratch:
        try:
            inner_refused = extract_zip(archive, Path(scratch))
        except ArchiveError as error:
            return Submission(_student_of(name), (), (f"{name}: {error}",))
        return _from_files(_student_of(name), _code_files(Path(scratch)), Path(scratch), inner_refused, lazy=False)


def _entries(folder):
    return sorted((entry for entry in folder.iterdir() if not _ignored(entry)), key=lambda entry: entry.name)


def _ignored(entry):
    return entry.name.startswith((".", "__MACOSX", "__pycache__")) or entry.is_symlink()


def _code_files(folder, notebooks_only=False):
    """Code files under `folder`, by relative path; symbolic links (to files or folders) are not followed."""
    suffixes = (".ipynb",) if notebooks_only else CODE_SUFFIXES
    files = []
    for directory, subfolders, names in os.walk(folder, followlinks=False):
        subfolders[:] = [sub for sub in subfolders if not sub.startswith(".")]
        for name in names:
            path = Path(directory) / name
            if (path.suffix.lower() in suffixes and not name.startswith(".") and name not in COURSE_FILES
                    and not path.is_symlink() and path.is_file()):
                files.append(path)
    return sorted(files, key=lambda path: path.relative_to(folder).as_posix())


def _label(path, base):
    """How the learner's feedback names a file: its path in the submission, without an LMS name prefix."""
    parts = (path.relative_to(base) if path.is_relative_to(base) else Path(path.name)).parts
    parsed = lms_name(display_name(parts[-1]))
    return "/".join([*map(display_name, parts[:-1]), parsed[1] if parsed else display_name(parts[-1])])


def _from_files(submission_id, files, base, refused=None, lazy=True):
    """One submission from several files (read when graded, or now when they are temporary: `lazy` False).

    With a notebook among the files, the .py files come first (sorted), then the notebooks: a
    learner's own helper (a course utils.py) never replaces what their notebook defines.
    """
    has_notebook = any(path.suffix.lower() == ".ipynb" for path in files)
    ordered = sorted(files, key=lambda path: has_notebook and path.suffix.lower() == ".ipynb")
    if lazy and not refused:
        return FileSubmission(submission_id, tuple(ordered), base)
    return _read_files(submission_id, ordered, base, refused)


def _read_files(submission_id, files, base, refused=None):
    """One submission from `files` in this order: cells of every file, problems collected as errors."""
    refused = refused or {}
    cells, errors = [], []
    for path in files:
        name = _label(path, base)
        if path in refused:
            errors.append(refused[path])
            continue
        file_cells, error = read_cells(path, name)
        cells += file_cells
        if error:
            errors.append(error)
    if not files:
        errors.append("no notebook (.ipynb) or Python (.py) file found in this submission")
    return Submission(submission_id, tuple(cells), tuple(errors))


def read_cells(path, name):
    """Cells of one file. Returns (cells, error message or None).

    A notebook gives its code cells ("name cell N", N counting every cell from 1); a .py file
    is one cell (the sandbox still runs it statement by statement) that is also importable under
    its module name ("module", when the name is a Python identifier).
    """
    try:
        data = _read_no_follow(path)
    except OSError as error:
        return [], f"{name}: cannot be read ({error.strerror or error})"
    if data is None:
        return [], f"{name}: larger than {MAX_SOURCE_BYTES // 2 ** 20} MiB, not graded"
    text = data.decode("utf-8", errors="replace")
    if path.suffix.lower() == ".py":
        cell = {"label": name, "source": text}
        module = PurePosixPath(name).stem
        if module.isidentifier():
            cell["module"] = module
        return [cell], None
    try:
        return notebook_cells(json.loads(text), name), None
    except (ValueError, TypeError, KeyError, AttributeError, RecursionError, MemoryError) as error:
        reason = "nested too deeply" if isinstance(error, RecursionError) else str(error)[:200] or type(error).__name__
        return [], f"{name}: not a valid notebook ({reason}); nothing in it could be graded"


def _read_no_follow(path):
    """The bytes of `path` (None when larger than MAX_SOURCE_BYTES); a symbolic link raises OSError (ELOOP)."""
    descriptor = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    with os.fdopen(descriptor, "rb") as handle:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            raise OSError("not a regular file")
        data = handle.read(MAX_SOURCE_BYTES + 1)
    return None if len(data) > MAX_SOURCE_BYTES else data


def notebook_cells(notebook, name):
    """Code cells of a parsed notebook (nbformat 4, or 3 with worksheets) as [{"label", "source"}]."""
    if not isinstance(notebook, dict):
        raise ValueError("the file is JSON but not a notebook")
    cells = notebook["cells"] if "cells" in notebook else \
        [cell for sheet in notebook["worksheets"] for cell in sheet["cells"]]
    found = []
    for number, cell in enumerate(cells, start=1):
        if cell.get("cell_type") != "code":
            continue
        source = cell.get("source", cell.get("input", ""))
        source = "".join(source) if isinstance(source, list) else source
        if not isinstance(source, str):
            raise ValueError(f"cell {number} has no text")
        found.append({"label": f"{name} cell {number}", "source": source})
    return found


def extract_zip(archive, destination):
    """Extract `archive` into `destination` safely. Returns {path: why} of the members left as empty
    placeholders because one alone unpacks past MAX_MEMBER_BYTES (they cost only their own submission).

    Skips symlinks, absolute paths and `..`; stops with ArchiveError past MAX_ARCHIVE_MEMBERS members
    or MAX_ARCHIVE_BYTES in all (counting the bytes really decompressed, not the sizes the archive
    claims). Nested zips stay zips.
    """
    refused = {}
    try:
        with zipfile.ZipFile(archive) as bundle:
            members = bundle.infolist()
            if len(members) > MAX_ARCHIVE_MEMBERS:
                raise ArchiveError(f"more than {MAX_ARCHIVE_MEMBERS} files in the archive")
            budget = MAX_ARCHIVE_BYTES
            for member in members:
                target = _safe_target(member, destination)
                if target is None:
                    continue
                target.parent.mkdir(parents=True, exist_ok=True)
                if budget <= 0:
                    raise ArchiveError("the archive unpacks to more than the size limit (a zip bomb?)")
                written = _copy_bounded(bundle, member, target, min(budget, MAX_MEMBER_BYTES))
                if written is None:
                    target.write_bytes(b"")
                    refused[target] = (f"{display_name(member.filename)}: unpacks to more than the "
                                       f"{MAX_MEMBER_BYTES / 2 ** 20:g} MiB size limit of one file (a zip bomb?); "
                                       f"not graded")
                    written = MAX_MEMBER_BYTES
                budget -= written
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, RuntimeError, EOFError,
            OSError, ValueError) as error:
        if isinstance(error, ArchiveError):
            raise
        raise ArchiveError(f"not a readable zip archive ({error})") from None
    return refused


def _safe_target(member, destination):
    if member.is_dir() or stat.S_ISLNK(member.external_attr >> 16):
        return None
    parts = PurePosixPath(member.filename.replace("\\", "/")).parts
    if not parts or member.filename.startswith(("/", "\\")) or any(part in ("..", "") or ":" in part
                                                                    for part in parts):
        return None
    return destination.joinpath(*parts)


def _copy_bounded(bundle, member, target, limit):
    """Bytes written, or None when the member unpacks past `limit` (the file is then left incomplete)."""
    written = 0
    with bundle.open(member) as source, open(target, "wb") as sink:
        while True:
            chunk = source.read(1 << 20)
            if not chunk:
                return written
            written += len(chunk)
            if written > limit:
                return None
            sink.write(chunk)


def _unique_ids(submissions):
    """Submissions with distinct ids: a repeated id gets the first free ' (2)', ' (3)', ... suffix
    (free also among the ids given, so a learner's file named 'alice.py (2)' is never overwritten)."""
    taken, unique = {submission.id for submission in submissions}, []
    seen = set()
    for submission in submissions:
        if submission.id in seen:
            count = 2
            while f"{submission.id} ({count})" in taken:
                count += 1
            submission = dataclasses.replace(submission, id=f"{submission.id} ({count})")
            taken.add(submission.id)
        seen.add(submission.id)
        unique.append(submission)
    return unique
