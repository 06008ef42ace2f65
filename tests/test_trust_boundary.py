"""Is the code that runs beside learner code (autograder/child/) cut off from the trusted grader?

Every child is a fork of the fork server, so it holds a copy of whatever the fork server imported: the
trust boundary is the fork server's import graph. It may reach the standard library, numpy, the wire
format (autograder/wire/) and the child package itself, and nothing of the trusted side (the sandbox
client, the graders, the reference solutions).
"""
import ast
import json
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHILD_PACKAGE, WIRE_FORMAT = "autograder.child", "autograder.wire"
# Besides numpy, the only package outside the standard library that the child side may import: the
# libseccomp binding its seccomp layer is built with (autograder/child/isolation.py).
THIRD_PARTY = {"numpy", "pyseccomp"}


def _on_child_side(module):
    """True for the child package, the wire format and what lies in them."""
    return module.startswith(tuple(f"{package}{end}" for package in (CHILD_PACKAGE, WIRE_FORMAT) for end in ("", ".")))


def _host_entry_module():
    """The module the fork server's boot line (`python -P -c _BOOT`) imports `main` from."""
    from autograder.sandbox import client
    return re.search(r"from ([\w.]+) import main", client._BOOT).group(1)


def test_the_fork_server_loads_nothing_of_the_trusted_side():
    """Does a fresh interpreter started as the fork server is (python -P, the boot line's module, then its
    preload of what children need and of the learner helpers) hold no grader module outside the child
    package and the wire format, and no reference solution?"""
    from autograder.sandbox.client import _HOST_ENV, LEARNER_HELPERS
    entry = _host_entry_module()
    probe = ("import sys; sys.path.insert(0, sys.argv[1]); import importlib, json, os; "
             "host = importlib.import_module(sys.argv[2]); host.preload(); "
             "host.preload_helpers([path for path in sys.argv[3].split(os.pathsep) if path]); "
             "print(json.dumps({name: str(getattr(module, '__file__', None) or '') "
             "for name, module in list(sys.modules.items())}))")
    helpers = [str(path) for path in LEARNER_HELPERS if path.is_file()]
    completed = subprocess.run([sys.executable, "-P", "-c", probe, str(ROOT), entry, os.pathsep.join(helpers)],
                               env=_HOST_ENV, cwd="/", capture_output=True, text=True, timeout=120)
    assert completed.returncode == 0, completed.stderr
    loaded = json.loads(completed.stdout)
    assert entry in loaded and "numpy" in loaded
    trusted = sorted(name for name in loaded if name.split(".")[0] == "autograder"
                     and name != "autograder" and not _on_child_side(name))
    secret = sorted(name for name in loaded if name.split(".")[0] == "solutions")
    assert trusted == [] and secret == [], f"the fork server loaded {trusted + secret}"
    child_side = [ROOT / "autograder" / "__init__.py"] + [ROOT / package.replace(".", "/")
                                                         for package in (CHILD_PACKAGE, WIRE_FORMAT)]
    runtime = {Path(prefix) for prefix in (sys.prefix, sys.base_prefix, sys.exec_prefix)}  # a venv inside ROOT
    project_files = sorted(path for path in map(Path, filter(None, loaded.values())) if path.is_absolute()
                           and ROOT in path.parents and not runtime & set(path.parents))
    outside = [str(path.relative_to(ROOT)) for path in project_files
               if not any(path == allowed or allowed in path.parents for allowed in child_side)]
    assert outside == [], f"the fork server loaded project files outside the child side: {outside}"


def _imports(path, package):
    """(line, absolute module name) of every import in the file at `path`, a module of `package`.

    `from a.b import c` gives "a.b.c" for the project's own modules (c may be a submodule), "a.b" otherwise.
    """
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[:len(package.split(".")) - node.level + 1]
                base = ".".join(parent + ([base] if base else []))
            if base.split(".")[0] == "autograder":
                for alias in node.names:
                    yield node.lineno, f"{base}.{alias.name}"
            else:
                yield node.lineno, base


def test_the_child_package_imports_only_the_stdlib_numpy_the_wire_format_and_itself():
    """Does every module of autograder/child/ and of the wire format import only the standard library, numpy
    (and the seccomp binding), the wire format and the child package, never the trusted side?"""
    files = [(path, CHILD_PACKAGE) for path in sorted((ROOT / "autograder" / "child").rglob("*.py"))]
    files += [(path, WIRE_FORMAT) for path in sorted((ROOT / "autograder" / "wire").rglob("*.py"))]
    assert len(files) >= 6, "the child package and the wire format are missing"
    wrong = []
    for path, package in files:
        for line, module in _imports(path, package):
            top = module.split(".")[0]
            if path.parent.name == "wire" and top == "autograder" and not module.startswith(f"{WIRE_FORMAT}."):
                wrong.append(f"{path.relative_to(ROOT)}:{line}: {module} (the wire format imports no project module)")
            elif not (top in sys.stdlib_module_names or top in THIRD_PARTY or _on_child_side(module)):
                wrong.append(f"{path.relative_to(ROOT)}:{line}: {module}")
    assert wrong == [], "imports across the trust boundary:\n" + "\n".join(wrong)


def test_the_fork_server_boots_from_the_child_package():
    """Is the module the fork server boots from part of the child package (so the graph above is the host's)?"""
    assert _host_entry_module().startswith(f"{CHILD_PACKAGE}.")
