"""Turn what an instructor downloads into submissions: notebooks, .py files, folders, zip archives.

    submissions = find_submissions(["downloads/", "late/bob.ipynb"])

What each path argument means:
* `x.ipynb` / `x.py` -- one submission, id "x.ipynb" / "x.py"
* a folder -- a collection: every .ipynb/.py file in it is one submission, every subfolder or
  .zip in it is one submission made of all the notebooks and .py files inside (id = its name);
  an nbgrader course folder (with `submitted/<student>/<assignment>/*.ipynb`) or its `submitted/`
  folder gives one submission per student (id = student name, all their notebooks together)
* `x.zip` -- a collection like a folder (e.g. an LMS download); it is extracted here, in the
  trusted process, with limits on size, member count and paths (no zip bombs, no path traversal)

Nothing here executes student code; sources are only read, those of files on disk only when the
submission is graded (FileSubmission: a batch holds ids and paths). Ids and order are deterministic.
"""
import dataclasses
import json
import stat
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

CODE_SUFFIXES = (".ipynb", ".py")
COURSE_FILES = {"rnn_utils.py", "public_tests.py"}  # shipped beside the notebook; not the learner's code
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
        if not path.exists():
            raise FileNotFoundError(f"no such file or folder: {path}")
        found += _from_argument(path)
    return _unique_ids(found)


def _from_argument(path):
    if path.is_file() and path.suffix.lower() == ".zip":
        with tempfile.TemporaryDirectory(prefix="autograder-unzip-") as scratch:
            try:
                root = extract_zip(path, Path(scratch))
            except ArchiveError as error:
                return [Submission(path.name, (), (f"{path.name}: {error}",))]
            return _from_collection(_unwrap(root), lazy=False)
    if path.is_file():
        return [_from_files(path.name, [path], path.parent)]
    return _from_collection(path)


def _unwrap(root):
    """An archive holding a single folder (and nothing else) is a wrapper around the collection."""
    entries = [entry for entry in root.iterdir() if not _ignored(entry)]
    return entries[0] if len(entries) == 1 and entries[0].is_dir() and not entries[0].is_symlink() else root


def _from_collection(folder, lazy=True):
    submitted = folder / "submitted" if (folder / "submitted").is_dir() else folder if folder.name == "submitted" \
        else None
    if submitted is not None:  # nbgrader: submitted/<student>/<assignment>/*.ipynb
        return [_from_files(student.name, _code_files(student, notebooks_only=True), student, lazy)
                for student in _entries(submitted) if student.is_dir()]
    found = []
    for entry in _entries(folder):
        if entry.is_dir():
            found.append(_from_files(entry.name, _code_files(entry), entry, lazy))
        elif entry.suffix.lower() == ".zip":
            found.append(_from_inner_zip(entry))
        elif entry.suffix.lower() in CODE_SUFFIXES and entry.name not in COURSE_FILES:
            found.append(_from_files(entry.name, [entry], folder, lazy))
    return found


def _from_inner_zip(archive):
    with tempfile.TemporaryDirectory(prefix="autograder-unzip-") as scratch:
        try:
            root = extract_zip(archive, Path(scratch))
        except ArchiveError as error:
            return Submission(archive.name, (), (f"{archive.name}: {error}",))
        return _from_files(archive.name, _code_files(root), root, lazy=False)


def _entries(folder):
    return sorted((entry for entry in folder.iterdir() if not _ignored(entry)), key=lambda entry: entry.name)


def _ignored(entry):
    return entry.name.startswith((".", "__MACOSX", "__pycache__")) or entry.is_symlink()


def _code_files(folder, notebooks_only=False):
    suffixes = (".ipynb",) if notebooks_only else CODE_SUFFIXES
    files = [path for path in folder.rglob("*") if path.suffix.lower() in suffixes and path.is_file()
             and not path.is_symlink() and path.name not in COURSE_FILES
             and not any(part.startswith(".") for part in path.relative_to(folder).parts)]
    return sorted(files, key=lambda path: path.relative_to(folder).as_posix())


def _from_files(submission_id, files, base, lazy=True):
    """One submission from several files (read later, or now when they are temporary: `lazy` False)."""
    return FileSubmission(submission_id, tuple(files), base) if lazy else _read_files(submission_id, files, base)


def _read_files(submission_id, files, base):
    """One submission from several files: cells of every file in order, problems collected as errors."""
    cells, errors = [], []
    for path in files:
        name = path.relative_to(base).as_posix() if path.is_relative_to(base) else path.name
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
    is one cell (the sandbox still runs it statement by statement).
    """
    try:
        if path.stat().st_size > MAX_SOURCE_BYTES:
            return [], f"{name}: larger than {MAX_SOURCE_BYTES // 2 ** 20} MiB, not graded"
        data = path.read_bytes()
    except OSError as error:
        return [], f"{name}: cannot be read ({error.strerror})"
    text = data.decode("utf-8", errors="replace")
    if path.suffix.lower() == ".py":
        return [{"label": name, "source": text}], None
    try:
        return notebook_cells(json.loads(text), name), None
    except (ValueError, TypeError, KeyError, AttributeError) as error:
        return [], f"{name}: not a valid notebook ({str(error)[:200]}); nothing in it could be graded"


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
    """Extract `archive` into `destination` safely; returns `destination`.

    Skips symlinks, absolute paths and `..`; stops with ArchiveError past MAX_ARCHIVE_MEMBERS members,
    MAX_MEMBER_BYTES in one member or MAX_ARCHIVE_BYTES in all (counting the bytes really
    decompressed, not the sizes the archive claims). Nested zips stay zips.
    """
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
                budget -= _copy_bounded(bundle, member, target, min(budget, MAX_MEMBER_BYTES))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, RuntimeError, EOFError,
            OSError, ValueError) as error:
        if isinstance(error, ArchiveError):
            raise
        raise ArchiveError(f"not a readable zip archive ({error})") from None
    return destination


def _safe_target(member, destination):
    if member.is_dir() or stat.S_ISLNK(member.external_attr >> 16):
        return None
    parts = PurePosixPath(member.filename.replace("\\", "/")).parts
    if not parts or member.filename.startswith(("/", "\\")) or any(part in ("..", "") or ":" in part
                                                                    for part in parts):
        return None
    return destination.joinpath(*parts)


def _copy_bounded(bundle, member, target, limit):
    written = 0
    with bundle.open(member) as source, open(target, "wb") as sink:
        while True:
            chunk = source.read(1 << 20)
            if not chunk:
                return written
            written += len(chunk)
            if written > limit:
                raise ArchiveError(f"{member.filename}: the archive unpacks to more than the size limit "
                                   f"(a zip bomb?)")
            sink.write(chunk)


def _unique_ids(submissions):
    seen, unique = {}, []
    for submission in submissions:
        count = seen.get(submission.id, 0) + 1
        seen[submission.id] = count
        if count > 1:
            submission = dataclasses.replace(submission, id=f"{submission.id} ({count})")
        unique.append(submission)
    return unique
