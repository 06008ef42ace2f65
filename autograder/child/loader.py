"""Which statements of a submission run at grading time, and running them (inside the child).

A submission is a list of cells, each {"label": "rnn.ipynb cell 4", "source": "..."}. Every cell is
parsed on its own, notebook magics and shell lines are blanked out, and the rule is: run what
defines things, each statement on its own with every exception caught (one failure never loses the
definitions around it):

* run: import, def, class; an assignment that binds a name the graded functions need (a graded
  name itself, or a global some function or class of the submission reads, and what those read in
  turn: `softmax = _make_softmax()`, `rnn_cell_backward = _CellBackward()`, `clip = partial(...)`);
  any other assignment in which no call involves a function the submission defines (`x = np.zeros(3)`
  and `alias = clip` run; `a, y, c = rnn_forward(...)` and `result = lab.run(rnn_forward)` do not);
  try/if/with blocks, keeping inside them only the statements these rules keep (a def inside `try:`
  next to its self-test keeps the def, loses the test)
* dropped: bare expressions (test calls, prints), loops, and every other statement, so the
  training and test cells of a notebook do not run when it is graded
* also dropped, silently: imports of modules that are not there at grading time (the notebook's
  plotting lab) and every statement that uses a name a dropped statement would have bound
A graded function defined twice with different parameters is reported (the last definition wins,
as it would in the learner's kernel).
"""
import ast
import functools
import io
import linecache
import os
import tokenize

CELL_MAGICS_WITH_PYTHON_BODY = ("%%time", "%%timeit", "%%capture")
_DEFINITIONS = (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
_ASSIGNMENTS = (ast.Assign, ast.AnnAssign, ast.AugAssign)
_BLOCKS = (ast.Try, ast.If, ast.With)


def strip_magics(source):
    """`source` with IPython magics (%...) and shell lines (!...) blanked, keeping line numbers.

    Only a line that starts a new statement can be a magic: `    != b)` continuing an open bracket is Python.
    Returns None for a cell whose first line is a cell magic whose body is not Python (e.g. %%bash).
    """
    if "%" not in source and "!" not in source:  # most cells: nothing to blank
        return source
    lines = source.split("\n")
    first = lines[0].strip() if lines else ""
    if first.startswith("%%") and not first.startswith(CELL_MAGICS_WITH_PYTHON_BODY):
        return None
    for number, line in enumerate(lines):
        if line.lstrip().startswith(("%", "!")) and not _continues("\n".join(lines[:number]) + "\n"):
            lines[number] = ""
    return "\n".join(lines)


def _continues(text):
    """True when `text` ends inside an open bracket, a backslash continuation or a multi-line string."""
    try:
        for _ in tokenize.generate_tokens(io.StringIO(text).readline):
            pass
    except tokenize.TokenError:  # "EOF in multi-line statement / string"
        return True
    except (SyntaxError, ValueError):  # e.g. an inconsistent dedent: the next line starts a statement
        return False
    return False


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
        except (SyntaxError, ValueError, RecursionError, MemoryError) as error:  # ValueError: NUL bytes
            trees.append(None)
            line = getattr(error, "lineno", None)
            where = f", line {line}" if line else ""
            errors.append(f"{cell['label']}{where}: {type(error).__name__}: {getattr(error, 'msg', error)}"[:300])
    return trees, errors


def _module_level(statements):
    """Every statement at module level, blocks included (not the bodies of functions or classes)."""
    for statement in statements:
        yield statement
        if isinstance(statement, _BLOCKS):
            bodies = [statement.body, getattr(statement, "orelse", []), getattr(statement, "finalbody", [])]
            bodies += [handler.body for handler in getattr(statement, "handlers", [])]
            for body in bodies:
                yield from _module_level(body)


def defined_names(trees):
    """Names bound by def/class statements at module level (inside try/if/with too) anywhere in the submission."""
    return {node.name for tree in trees if tree for node in _module_level(tree.body) if isinstance(node, _FUNCTIONS)}


def needed_names(trees, graded_names=()):
    """Names the graded functions may need at call time: the graded names, every global a function,
    lambda or class of the submission reads, and, transitively, what the module-level assignments
    binding those names read."""
    needed, assignments = set(graded_names), []
    for tree in trees:
        for node in _module_level(tree.body) if tree else ():
            if isinstance(node, _FUNCTIONS):  # nested functions and lambdas are walked with their outer one
                needed |= _free_names(node)
            elif isinstance(node, _ASSIGNMENTS) and node.value is not None:  # a lambda here: its names are the value's
                assignments.append((bound_names(node), node.value))
    while True:
        reading = [value for binds, value in assignments if binds & needed]
        assignments = [(binds, value) for binds, value in assignments if not binds & needed]
        more = set().union(*map(_names_in, reading)) - needed
        if not more:
            return needed
        needed |= more


def _free_names(scope):
    """Names read in a function, lambda or class (decorators and defaults included) that it does not bind itself."""
    loaded, bound, declared_global = set(), set(), set()
    for node in ast.walk(scope):
        if isinstance(node, ast.Name):
            (loaded if isinstance(node.ctx, ast.Load) else bound).add(node.id)
        elif isinstance(node, ast.arg):
            bound.add(node.arg)
        elif isinstance(node, ast.Global):
            declared_global.update(node.names)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            bound.update((alias.asname or alias.name).split(".")[0] for alias in node.names)
        elif isinstance(node, _FUNCTIONS) and node is not scope:
            bound.add(node.name)
    return (loaded - bound) | declared_global


def runnable(statement, own_names, needed, dropped):
    """The part of `statement` that runs at grading time (the statement itself, a block with only its
    runnable statements inside, or None). `dropped` grows by the names of what does not run.

    own_names -- names the submission defines with def/class
    needed -- needed() gives the names the graded functions need (see needed_names): assignments binding
              them run; asked only for an assignment that calls the submission's own functions, since
              walking every function body costs more than parsing it
    dropped -- names bound by statements that do not run (their use would only raise NameError)
    """
    if isinstance(statement, (ast.Import, ast.ImportFrom)):
        return None if _imported_modules(statement) & dropped else statement
    if isinstance(statement, _DEFINITIONS) or isinstance(statement, (ast.Pass, ast.Global)):
        return statement
    if isinstance(statement, _ASSIGNMENTS):
        if _mentions(statement.value, dropped):
            return None
        if not _calls_involving(statement.value, own_names | dropped) or bound_names(statement) & needed():
            return statement
        return None
    if isinstance(statement, _BLOCKS):
        headers = [getattr(statement, "test", None)] + [item.context_expr for item in getattr(statement, "items", [])]
        if any(_calls_involving(node, own_names | dropped) or _mentions(node, dropped) for node in headers):
            return None
        return _filtered_block(statement, own_names, needed, dropped)
    return None


def _filtered_block(block, own_names, needed, dropped):
    """A copy of a try/if/with block holding only its runnable statements, or None when none is left."""
    def keep(body):
        kept = []
        for inner in body:
            part = runnable(inner, own_names, needed, dropped)
            if part is None:
                dropped.update(bound_names(inner) - own_names)
            else:
                kept.append(part)
        return kept

    copy = ast.copy_location(type(block)(**{field: getattr(block, field) for field in block._fields}), block)
    copy.body = keep(block.body)
    kept_any = bool(copy.body)
    for field in ("orelse", "finalbody"):
        if hasattr(copy, field):
            setattr(copy, field, keep(getattr(block, field)))
            kept_any = kept_any or bool(getattr(copy, field))
    if isinstance(block, ast.Try):
        copy.handlers = []
        for handler in block.handlers:
            inner = ast.copy_location(ast.ExceptHandler(type=handler.type, name=handler.name, body=keep(handler.body)),
                                      handler)
            kept_any = kept_any or bool(inner.body)
            inner.body = inner.body or [ast.copy_location(ast.Pass(), handler)]
            copy.handlers.append(inner)
    if not kept_any:
        return None
    copy.body = copy.body or [ast.copy_location(ast.Pass(), block)]
    if isinstance(copy, ast.Try) and not copy.handlers and not copy.finalbody:  # `try:` needs one of them
        copy.finalbody = [ast.copy_location(ast.Pass(), block)]
    return copy


def _names_in(node):
    return {inner.id for inner in ast.walk(node) if isinstance(inner, ast.Name)} if node is not None else set()


def _mentions(node, names):
    return bool(_names_in(node) & names)


def _calls_involving(node, names):
    """True when evaluating `node` calls something with one of `names` in the call (lambda bodies do not run)."""
    if node is None:
        return False
    pending = [node]
    while pending:
        inner = pending.pop()
        if isinstance(inner, ast.Lambda):
            pending += inner.args.defaults + [d for d in inner.args.kw_defaults if d is not None]
            continue
        if isinstance(inner, ast.Call) and _names_in(inner) & names:
            return True
        pending += ast.iter_child_nodes(inner)
    return False


def _imported_modules(statement):
    if isinstance(statement, ast.ImportFrom):
        return {(statement.module or "").split(".")[0]}
    return {alias.name.split(".")[0] for alias in statement.names}


def bound_names(statement):
    """Names a statement binds (assignment targets, imports, definitions; inside a block, its statements')."""
    if isinstance(statement, (ast.Import, ast.ImportFrom)):
        return {(alias.asname or alias.name).split(".")[0] for alias in statement.names}
    if isinstance(statement, _FUNCTIONS):
        return {statement.name}
    if isinstance(statement, _BLOCKS):
        return set().union(*(bound_names(inner) for inner in list(_module_level([statement]))[1:]))
    targets = getattr(statement, "targets", None) or [getattr(statement, "target", None)]
    return set().union(*(_names_in(target) for target in targets if target is not None)) if targets else set()


def signature_conflicts(cells, trees, graded_names):
    """Messages for graded functions defined more than once with different parameters (the last one wins)."""
    definitions = {}
    for cell, tree in zip(cells, trees):
        for node in _module_level(tree.body) if tree else ():
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name in graded_names:
                definitions.setdefault(node.name, []).append((cell["label"], node.lineno, ast.unparse(node.args)))
    messages = []
    for name, found in definitions.items():
        if len({parameters for _, _, parameters in found}) > 1:
            places = "; ".join(f"{label}, line {line}: {name}({parameters})" for label, line, parameters in found)
            messages.append(f"{name} is defined more than once with different parameters ({places}); "
                            f"the last one, in {found[-1][0]}, is the one graded")
    return messages


def statements_to_run(cells, unavailable_modules=(), graded_names=()):
    """The statements that run, in order. Returns (plan, errors).

    unavailable_modules -- modules not present at grading time (e.g. a plotting lab): their imports,
                           and every statement that depends on them, are dropped without an error
    graded_names -- the functions the grader will call (assignments binding them always run)
    plan -- list of (label, statement) with `statement` an ast node; its index is the statement number
            reported as progress, so a restarted child can skip one that killed the process
    errors -- syntax errors, one message per broken cell, and graded functions redefined with other parameters
    """
    trees, errors = parse_cells(cells)
    own_names = defined_names(trees)
    needed = functools.cache(lambda: needed_names(trees, graded_names))
    dropped, plan = set(unavailable_modules), []
    for cell, tree in zip(cells, trees):
        for statement in tree.body if tree else ():
            part = runnable(statement, own_names, needed, dropped)
            if part is None:
                dropped |= bound_names(statement) - own_names
            else:
                plan.append((cell["label"], part))
                dropped -= bound_names(part)
    return plan, errors + signature_conflicts(cells, trees, graded_names)


def write_modules(cells, folder):
    """Make the submission's own .py files importable: each cell with a "module" name becomes `<module>.py`
    in `folder` (the child's scratch folder), unless a file of that name is there already (a course helper)."""
    for cell in cells:
        module = cell.get("module")
        if module and module.isidentifier():
            path = os.path.join(folder, module + ".py")
            if not os.path.exists(path):
                with open(path, "w", encoding="utf-8", errors="surrogateescape") as handle:
                    handle.write(cell["source"])


def run_statements(cells, namespace, skip=(), on_statement=None, unavailable_modules=(), graded_names=()):
    """Execute the planned statements of `cells` in `namespace`. Returns the error messages.

    skip -- statement numbers not to run (they killed an earlier child)
    on_statement -- called with each statement number just before it runs
    """
    for cell in cells:  # so tracebacks and inspect.getsource can show the learner's lines
        lines = cell["source"].splitlines(keepends=True)
        linecache.cache[cell["label"]] = (len(cell["source"]), None, lines, cell["label"])
    plan, errors = statements_to_run(cells, unavailable_modules, graded_names)
    for number, (label, statement) in enumerate(plan):
        if number in skip:
            errors.append(f"{label}, line {statement.lineno}: skipped because it ended the process "
                          f"that was loading your code")
            continue
        if on_statement:
            on_statement(number)
        try:  # a statement is its own node, or a filtered block whose new nodes have their locations copied
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
