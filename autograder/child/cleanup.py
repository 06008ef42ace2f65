"""Deleting what a child left in its scratch folder, whatever it built there.

A child owns its scratch folder and may leave a tree deeper than Python's stack (shutil.rmtree
recurses) or than PATH_MAX, symlinks pointing anywhere, and folders it made unreadable or
unwritable. `remove_tree` walks down and up again with one directory fd at a time (names relative
to it, so no path grows), never follows a symlink, and gives a folder back its owner's rights when
it cannot be listed or emptied. It runs only after every process of the child is dead, so nothing
moves while it works; each step up is checked against the folder it came down from anyway.
"""
import errno
import os
import stat

_DIRECTORY = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC


def remove_tree(path):
    """Delete `path` (a folder, a file or a symlink) and everything beneath it. True when it is gone."""
    parent, name = os.path.split(os.path.abspath(os.fspath(path)))
    try:
        parent_fd = os.open(parent, _DIRECTORY)
    except OSError:
        return not os.path.lexists(path)
    try:
        _remove_entry(parent_fd, name)
    except OSError:
        pass
    finally:
        os.close(parent_fd)
    return not os.path.lexists(path)


def _remove_entry(parent_fd, name):
    """Remove `name` in the folder `parent_fd`: unlink a non-folder, empty and rmdir a folder (iteratively)."""
    fd = _open_folder(parent_fd, name)
    if fd is None:
        return
    below = []  # (name, (st_dev, st_ino) of the folder holding it) of each folder between `name` and fd
    while True:
        child = _first_subfolder_after_unlinking_the_rest(fd)
        if child is not None:
            child_fd = _open_folder(fd, child)
            if child_fd is not None:
                below.append((child, _identity(os.fstat(fd))))
                os.close(fd)
                fd = child_fd
            continue
        if not below:
            os.close(fd)
            _with_write_access(parent_fd, lambda: os.rmdir(name, dir_fd=parent_fd))
            return
        child, expected = below.pop()
        up = os.open("..", _DIRECTORY, dir_fd=fd)
        os.close(fd)
        fd = up
        if _identity(os.fstat(fd)) != expected:  # cannot happen with every writer dead; never delete elsewhere
            os.close(fd)
            raise OSError(errno.ESTALE, "a folder moved while its tree was being removed")
        _with_write_access(fd, lambda: os.rmdir(child, dir_fd=fd))


def _open_folder(parent_fd, name):
    """An fd of the folder `name` in `parent_fd`, or None after unlinking `name` when it is not a folder."""
    for attempt in range(2):
        try:
            return os.open(name, _DIRECTORY, dir_fd=parent_fd)
        except FileNotFoundError:
            return None
        except (NotADirectoryError, OSError) as error:
            if isinstance(error, NotADirectoryError) or error.errno == errno.ELOOP:  # a file or a symlink
                _with_write_access(parent_fd, lambda: os.unlink(name, dir_fd=parent_fd))
                return None
            if error.errno != errno.EACCES or attempt:
                raise
            os.chmod(name, 0o700, dir_fd=parent_fd)  # a folder made unreadable by its owner (not a symlink: ELOOP)
    return None


def _first_subfolder_after_unlinking_the_rest(fd):
    """Unlink every non-folder in the folder `fd`; return the name of one subfolder, or None when it is empty."""
    try:
        entries = list(os.scandir(fd))
    except PermissionError:
        os.fchmod(fd, 0o700)
        entries = list(os.scandir(fd))
    for entry in entries:
        if entry.is_dir(follow_symlinks=False):
            return entry.name
        _with_write_access(fd, lambda: os.unlink(entry.name, dir_fd=fd))
    return None


def _with_write_access(folder_fd, operation):
    """Run `operation` (an unlink or rmdir in `folder_fd`); if the folder is not writable, make it so and retry."""
    try:
        operation()
    except FileNotFoundError:
        pass
    except PermissionError:
        os.fchmod(folder_fd, stat.S_IRWXU)
        operation()


def _identity(status):
    return status.st_dev, status.st_ino
