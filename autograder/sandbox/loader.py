"""Which statements of a submission run at grading time, and running them (inside the child).

A submission is a list of cells, each {"label": "rnn.ipynb cell 4", "source": "..."}. Every cell is
parsed on its own, notebook magics and shell lines are blanked out, and only top-level definitions
and cheap statements run, each one separately with every exception caught:

* kept: import, def, class, assignments in which no call involves a function the submission
  defines (`x = np.zeros(3)` and `alias = clip` run; `a, y, c = rnn_forward(...)` and
  `result = lab.run(rnn_forward)` do not), and try/if/with blocks made only of such statements
* dropped: bare expressions (test calls, prints), loops, and every other statement, so the
  training and test cells of a notebook do not run when it is graded
* also dropped, silently: imports of modules that are not there at grading time (the notebook's
  plotting lab) and every statement that uses a name a dropped statement would have bound
"""
import ast
import linecache

CELL_MAGICS_WITH_PYTHON_BODY = ("%%time", "%%timeit", "%%capture")
_DEFINITIONS = (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
_ASSIGNMENTS = (ast.Assign, ast.AnnAssign, ast.AugAssign)
_BLOCKS = (ast.Try, ast.If, ast.With)


def strip_magics(source):
    """`source` with IPython magics (%...) and shell lines (!...) blanked, keeping line numbers.

    Returns None for a cell whose first line is a cell magic whose body is not Python (e.g. %%bash).
    """
    if "%" not in source and "!" not in source:  # most cells: nothing to blank
        return source
    lines = source.split("\n")
    first = lines[0].strip() if lines else ""
    if first.startswith("%%") and not first.startswith(CELL_MAGICS_WITH_PYTHON_BODY):
        return None
    return "\n".join("" if line.lstrip().startswith(("%", "!")) else line for line in lines)


def parse_cells(cells):
    """Parse every cell. Returns (trees, errors): trees[i] is a Module or None; errors are messages."""
    trees, errors = [], []
    for cell in cells:
        source = strip_magics(cell["source"])
        if source is None:
            trees.append(None)
            continue
        try:
            trees.append(ast.parse(source, filename=cell["label"]))
        except (SyntaxError, ValueError) as error:  # ValueError: source with NUL bytes
            trees.append(None)
            line = getattr(error, "lineno", None)
            where = f", line {line}" if line else ""
            errors.append(f"{cell['label']}{where}: {type(error).__name__}: {getattr(error, 'msg', error)}")
    return trees, errors


def defined_names(trees):
    """Names bound by top-level def/class statements anywhere in the submission."""
    return {node.name for tree in trees if tree for node in tree.body
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))}


def is_cheap(statement, own_names, dropped=frozenset()):
    """True when `statement` only defines things and runs none of the submission's own code.

    own_names -- names the submission defines with def/class
    dropped -- names bound by statements that do not run (their use would only raise NameError)
    An assignment is dropped when a call in it involves an own name (as the function or an argument,
    e.g. `lab.run(rnn_forward)`), or when it mentions a dropped name at all; `alias = clip` runs.
    """
    if isinstance(statement, (ast.Import, ast.ImportFrom)):
        return not (_imported_modules(statement) & dropped)
    if isinstance(statement, _DEFINITIONS) or isinstance(statement, (ast.Pass, ast.Global)):
        return True
    if isinstance(statement, _ASSIGNMENTS):
        return not (_calls_involving(statement.value, own_names | dropped) or _mentions(statement.value, dropped))
    if isinstance(statement, _BLOCKS):
        headers = [getattr(statement, "test", None)] + [item.context_expr for item in getattr(statement, "items", [])]
        if any(_calls_involving(node, own_names | dropped) or _mentions(node, dropped) for node in headers):
            return False
        bodies = [statement.body, getattr(statement, "orelse", []), getattr(statement, "finalbody", [])]
        bodies += [handler.body for handler in getattr(statement, "handlers", [])]
        return all(is_cheap(inner, own_names, dropped) for body in bodies for inner in body)
    return False


def _names_in(node):
    return {inner.id for inner in ast.walk(node) if isinstance(inner, ast.Name)} if node is not None else set()


def _mentions(node, names):
    return bool(_names_in(node) & names)


def _calls_involving(node, names):
    return node is not None and any(isinstance(inner, ast.Call) and _names_in(inner) & names for inner in ast.walk(node))


def _imported_modules(statement):
    if isinstance(statement, ast.ImportFrom):
        return {(statement.module or "").split(".")[0]}
    return {alias.name.split(".")[0] for alias in statement.names}


def bound_names(statement):
    """Names a top-level statement binds (assignment targets, imports, definitions)."""
    if isinstance(statement, (ast.Import, ast.ImportFrom)):
        return {(alias.asname or alias.name).split(".")[0] for alias in statement.names}
    if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return {statement.name}
    targets = getattr(statement, "targets", None) or [getattr(statement, "target", None)]
    return set().union(*(_names_in(target) for target in targets if target is not None)) if targets else set()


def statements_to_run(cells, unavailable_modules=()):
    """The statements that run, in order. Returns (plan, errors).

    unavailable_modules -- modules not present at grading time (e.g. a plotting lab): their imports,
                           and every statement that depends on them, are dropped without an error
    plan -- list of (label, statement) with `statement` an ast node; its index is the statement number
            reported as progress, so a restarted child can skip one that killed the process
    errors -- syntax errors, one message per broken cell
    """
    trees, errors = parse_cells(cells)
    own_names = defined_names(trees)
    dropped, plan = set(unavailable_modules), []
    for cell, tree in zip(cells, trees):
        for statement in tree.body if tree else ():
            if is_cheap(statement, own_names, dropped):
                plan.append((cell["label"], statement))
            elif not isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                dropped |= bound_names(statement) - own_names
    return plan, errors


def run_statements(cells, namespace, skip=(), on_statement=None, unavailable_modules=()):
    """Execute the planned statements of `cells` in `namespace`. Returns the error messages.

    skip -- statement numbers not to run (they killed an earlier child)
    on_statement -- called with each statement number just before it runs
    """
    for cell in cells:  # so tracebacks and inspect.getsource can show the learner's lines
        lines = cell["source"].splitlines(keepends=True)
        linecache.cache[cell["label"]] = (len(cell["source"]), None, lines, cell["label"])
    plan, errors = statements_to_run(cells, unavailable_modules)
    for number, (label, statement) in enumerate(plan):
        if number in skip:
            errors.append(f"{label}, line {statement.lineno}: skipped because it ended the process "
                          f"that was loading your code")
            continue
        if on_statement:
            on_statement(number)
        try:
            code = compile(ast.Module(body=[statement], type_ignores=[]), label, "exec")
            exec(code, namespace)
        except BaseException as error:  # SystemExit and KeyboardInterrupt from learner code are results too
            errors.append(f"{label}, line {statement.lineno}: {_describe(error)}")
    return errors


def _describe(error):
    try:
        return f"{type(error).__name__}: {error}"[:300]
    except BaseException:  # a hostile exception whose __str__ raises
        return type(error).__name__
