"""Grade one submission: every graded function, through a Runner, into the results format (brief §2).

For each function, the engine below
1. calls it once per graded input set (autograder.cases) through the runner, asking for the
   arguments back, and judges each decoded return value with the function's named checks
   (autograder/functions/<name>/checks.py): every output against the reference or numerical
   gradients, plus its form;
2. applies two integrity rules: a function that changes its inputs in place (clip and
   update_parameters may change their dicts) loses MUTATION_SHARE of what it earned -- the caller
   still uses those arrays -- and one whose repeated call gives another answer gets nothing;
3. scores each check by the share of input sets it passed (the form of an answer earns points
   only when some of its values are right);
4. a bug costs once: a sequence function (rnn_forward, rnn_backward) is also judged against a correct
   loop over the learner's own cell function (autograder.composition), so a check it fails only
   because that cell function is wrong keeps its points;
5. explains: the first failure of each check (input set, output, entry, expected, got), the
   named mistake it matches (autograder.mistakes), and whether a helper function is the cause.

How long one call may take is the runner's setting (runner.DEFAULT_CALL_TIMEOUT, --call-timeout), not the engine's.

Learner code is only ever reached through `runner.call`, and only decoded plain data is judged.
"""
from autograder import composition, mistakes
from autograder.cases import cases
from autograder.compare import plain_difference
from autograder.contract import GRADED_FUNCTIONS, MAX_SCORE, POINTS, SPECS
from autograder.kit.checks import STRUCTURE, fail_all, mutation_problem
from autograder.results import FunctionResult
from autograder.runner import CRASHED, EXCEPTION, GARBAGE, MISSING, STOPS_CALLING, TIMEOUT, CallOutcome, call_each

DEFAULT_SEED = 20261123
MUTATION_SHARE = 0.3  # share of a function's earned points lost for changing its inputs in place
TYPICAL = 2  # index of the "typical" input set in every size-set list (see autograder.kit.inputs.size_sets)


class LearnerFunction:
    """Calls one learner function through a runner; after it is missing, times out or crashes, stops calling."""

    def __init__(self, runner, name):
        self.runner, self.name = runner, name
        self.stopped = None

    def call(self, *args, keep_args=False):
        return self.call_many([(args, keep_args)])[0]

    def call_many(self, calls):
        """One outcome per (args, keep_args) in `calls`, as if called one by one (a sandbox makes one round trip)."""
        outcomes = []
        if self.stopped is None:
            call_many = getattr(self.runner, "call_many", None)
            if call_many is not None:
                outcomes = call_many(self.name, calls)
            else:
                outcomes = call_each(self.runner, self.name, calls)
            stopping = [outcome for outcome in outcomes if outcome.status in STOPS_CALLING]
            self.stopped = stopping[0] if stopping else None
        for _ in range(len(calls) - len(outcomes)):
            outcomes.append(CallOutcome(self.stopped.status, message=f"not called again after: {self.stopped.message}"))
        return outcomes


def failure_reason(name, outcome):
    """One line saying why a call gave no value: missing, raised X, timed out, crashed or garbage."""
    words = {MISSING: "is missing", EXCEPTION: "raised", TIMEOUT: "timed out", CRASHED: "crashed",
             GARBAGE: "returned garbage the grader cannot read"}
    return f"{name} {words.get(outcome.status, outcome.status)}: {outcome.message}"


def judge_outcome(spec, case, outcome):
    """{check name: None or reason} for one call."""
    if not outcome.ok:
        return fail_all(spec, failure_reason(spec.name, outcome))
    try:
        return spec.judge(case, outcome.value)
    except Exception as error:  # a shape of data no check foresaw must cost the learner, not stop the batch
        return fail_all(spec, f"returned something the grader could not read ({type(error).__name__}: {error})")


def grade_function(runner, name, seed=DEFAULT_SEED, earlier=None):
    """Score and feedback of one graded function: {"score", "max_score", "feedback", "mistake"}.

    runner -- a Runner (autograder.runner) through which the learner's functions are called
    seed -- the grading run's seed; the same seed always gives the same inputs and so the same grade
    earlier -- optional {name: result} of functions of the same submission graded already, so a
               helper function (and a slow one) is not called again just to explain a failure
    """
    earlier = earlier or {}
    spec, graded_cases = SPECS[name], cases(name, seed)
    function = LearnerFunction(runner, name)
    # One round trip to a sandbox: every input set, then the first again (an answer must not change between calls).
    *outcomes, again = function.call_many([(case.args, True) for case in graded_cases] + [(graded_cases[0].args, False)])
    if not any(outcome.ok for outcome in outcomes):
        header = f"{name}: 0/{POINTS[name]:g} points. {failure_reason(name, outcomes[0])}"
        named = mistakes.recognise_failure(spec, outcomes)  # e.g. np.float, or Dinosaurus Island's gradients["db"]
        # A helper cannot be to blame for a function never called (missing, or its parameters do not fit the call).
        never_ran = outcomes[0].status == MISSING or named == mistakes.other_parameters(spec)
        notes = [] if never_ran else _dependency_notes(runner, spec, seed, function, earlier)
        lines = [f"  Recognised mistake: {named.name}. {named.hint}"] if named else []
        return _result(name, 0.0, "\n".join([header] + lines + notes), [named.name] if named else [])
    verdicts = [judge_outcome(spec, case, outcome) for case, outcome in zip(graded_cases, outcomes)]
    scored, rescued, own_cell_note = _judge_against_own_cell(runner, spec, graded_cases, outcomes, verdicts, earlier)
    earned, lines = _score_checks(spec, graded_cases, scored, rescued)
    garbage = _garbage_reason(verdicts)
    if garbage:  # one line says it all; the per-check lines would only repeat it
        lines = []
    mutation = _mutation_problem(spec, graded_cases, outcomes)
    if mutation:
        lost = round(sum(earned.values()) * MUTATION_SHARE, 2)
        earned = {check: points * (1 - MUTATION_SHARE) for check, points in earned.items()}
        lines.append(f"  [FAIL] inputs left unchanged (-{lost:g}): {mutation}")
    inconsistency = _consistency_problem(function, spec, outcomes[0], again)
    if inconsistency:
        earned = {check: 0.0 for check in earned}
        lines.append(f"  [FAIL] {inconsistency}, so {name} gets no points.")
    recognised, explanation = _explain(runner, spec, seed, function, outcomes, verdicts, earlier, own_cell_note)
    score = round(sum(earned.values()), 2)
    header = f"{name}: {score:g}/{POINTS[name]:g} points"
    if garbage:
        header += f". {name} returned nothing usable on any input set: {garbage}"
    return _result(name, score, "\n".join([header] + lines + explanation), recognised)


def _explain(runner, spec, seed, function, outcomes, verdicts, earlier, own_cell_note=None):
    """(names of the recognised mistakes, likeliest first; feedback lines naming them and helper problems).

    verdicts -- against the reference (a failure the learner's own cell function explains is still explained)
    own_cell_note -- the verdict of the composition over the learner's cell function, when there is one:
                     it replaces the vaguer "the points lost here may come back with it"
    """
    if not any(reason for verdict in verdicts for reason in verdict.values()):
        return [], []
    notes = _dependency_notes(runner, spec, seed, function, earlier, own_cell_note)
    recognised = _recognise(spec, seed, outcomes)
    if notes and spec.helper:  # the helper is wrong too: its mistake is the likelier explanation
        recognised.sort(key=lambda m: f"(in {spec.helper})" not in m.name)
    recognised = recognised or [named for named in [mistakes.recognise_failure(spec, outcomes)] if named]
    lines = [f"  Recognised mistake: {m.name}. {m.hint}" for m in recognised]
    return [m.name for m in recognised], lines + notes


def _judge_against_own_cell(runner, spec, graded_cases, outcomes, verdicts, earlier):
    """(verdicts to score, {check names some input set passed only against the composition}, feedback note or None).

    For a sequence function whose checks fail against the reference: on every input set where it returned
    a value, compose the course's loop over the learner's own cell function (called through `runner`, step
    by step, all input sets in lockstep) and let a check pass where the output equals that composition
    (autograder.composition).
    A cell function that earned full points (in `earlier`) composes to the reference: nothing to tell apart.
    """
    plan = composition.COMPOSITIONS.get(spec.name)
    failing = [index for index, (outcome, verdict) in enumerate(zip(outcomes, verdicts))
               if outcome.ok and any(reason for check, reason in verdict.items() if check != STRUCTURE)]
    cell_result = earlier.get(plan.cell) if plan else None
    if plan is None or not failing or (cell_result and cell_result["score"] == cell_result["max_score"]):
        return verdicts, set(), None
    cell = LearnerFunction(runner, plan.cell)

    def call_cells(arg_list):
        outcomes = cell.call_many([(args, False) for args in arg_list])
        return [outcome.value if outcome.ok else composition.UNUSABLE for outcome in outcomes]

    scored, rescued, cell_wrong = list(verdicts), set(), False
    compositions = composition.compose_all(call_cells, spec.name, [graded_cases[index] for index in failing])
    for index, composed in zip(failing, compositions):
        if composed is None:
            continue
        cell_wrong = cell_wrong or composition.differs_from_reference(spec.name, composed, graded_cases[index])
        passed = composition.rescued_checks(spec.name, composed, outcomes[index].value, verdicts[index])
        scored[index] = {check: (None if check in passed else reason) for check, reason in verdicts[index].items()}
        rescued |= passed
    if not cell_wrong:  # the cell is right (or unusable): nothing here to tell apart
        return verdicts, set(), None
    return scored, rescued, _own_cell_note(spec, plan.cell, scored, rescued)


def _own_cell_note(spec, cell, scored, rescued):
    """What the composition over the learner's own cell function says about where the error is."""
    still_failing = sorted({check for verdict in scored for check, reason in verdict.items() if reason})
    if rescued and not still_failing:
        return (f"  Note: your {spec.name} is right given your {cell}; the error is in {cell}. "
                f"Every output of {spec.name} equals what a correct loop over your own {cell} returns, "
                f"so {spec.name} keeps its points: fix {cell} and both are right.")
    if rescued:
        return (f"  Note: given your {cell}, your {spec.name} gets {', '.join(sorted(rescued))} right (they equal "
                f"what a correct loop over your own {cell} returns, and keep their points); "
                f"{', '.join(still_failing)} {'differs' if len(still_failing) == 1 else 'differ'} from that loop "
                f"too: that error is in {spec.name} itself.")
    return (f"  Note: the error is in {spec.name} itself: its outputs differ from what a correct loop over your "
            f"own {cell} returns, too.")


def _result(name, score, feedback, mistakes):
    """One function's entry of the results (brief section 2, autograder.results.FunctionResult as JSON);
    "mistake" is the likeliest of "mistakes" (all recognised)."""
    return FunctionResult.graded(name, score, feedback, mistakes).to_json()


def _score_checks(spec, graded_cases, verdicts, rescued=frozenset()):
    """Points earned per check (share of input sets passed) and one feedback line per check.

    rescued -- checks that passed some input set only against the learner's own cell function
    """
    total = len(graded_cases)
    against = graded_cases[0].against
    if any(case.against != against for case in graded_cases):
        against += " (the reference on the larger input set)"
    failures = {check.name: [(case, verdict[check.name]) for case, verdict in zip(graded_cases, verdicts)
                             if verdict[check.name]] for check in spec.checks}
    earned = {check.name: check.points * (total - len(failures[check.name])) / total for check in spec.checks}
    # The form of an answer earns points only when some of its values are right.
    form_only = STRUCTURE in earned and earned[STRUCTURE] > 0 and \
        sum(points for check, points in earned.items() if check != STRUCTURE) == 0
    if form_only:
        earned[STRUCTURE] = 0.0
    lines = [f"  Inputs: {total} seeded input sets; expected values from {against}."]
    for check in spec.checks:
        passing = check.passing + (f" (given your {spec.helper})" if check.name in rescued else "")
        if form_only and check.name == STRUCTURE:
            lines.append(f"  [FAIL] {STRUCTURE} (0/{check.points:g}): {passing}, but no points for the form of an "
                         f"answer whose values are all wrong")
        elif not failures[check.name]:
            lines.append(f"  [pass] {check.name} ({check.points:g}/{check.points:g}): {passing}")
        else:
            case, reason = failures[check.name][0]
            lines.append(f"  [FAIL] {check.name} ({earned[check.name]:.3g}/{check.points:g}): wrong on "
                         f"{len(failures[check.name])} of {total} input sets; first failure on {case.label}: {reason}")
    return earned, lines


def _garbage_reason(verdicts):
    """The reason when every call returned something unusable as a whole (not the documented type), else None."""
    reasons = {reason for verdict in verdicts for reason in verdict.values()}
    if len(reasons) == 1:
        reason = reasons.pop()
        if reason and reason.startswith("returned "):
            return reason
    return None


def _mutation_problem(spec, graded_cases, outcomes):
    """Where the function changed an argument it must leave alone, or None."""
    for case, outcome in zip(graded_cases, outcomes):
        if outcome.ok:
            problem = mutation_problem(spec, case, outcome.args_after)
            if problem:
                return (f"{spec.name} changed its input in place ({problem} on {case.label}); "
                        f"a function must leave its arguments as they were -- the caller still uses them")
    return None


def _consistency_problem(function, spec, first, again):
    """Why no answer of this function can be trusted (called again with the first input set, it answered
    differently), or None."""
    if function.stopped is not None:
        return None
    if again.status != first.status:
        return (f"called twice with the same inputs, {spec.name} first {_status_phrase(first)}, "
                f"then {_status_phrase(again)}; an answer that changes from call to call cannot be graded")
    if first.ok:
        difference = plain_difference(first.value, again.value, "the result", exact=False)
        if difference:
            return (f"called twice with the same inputs, {spec.name} gave different answers ({difference}); "
                    f"an answer that changes from call to call cannot be graded")
    return None


def _status_phrase(outcome):
    return "returned a value" if outcome.ok else failure_reason("it", outcome)


def _recognise(spec, seed, outcomes):
    learner_outputs = []
    for outcome in outcomes:
        try:
            learner_outputs.append(spec.outputs(outcome.value) if outcome.ok else None)
        except Exception:  # unreadable returns explain nothing; they are already scored as wrong
            learner_outputs.append(None)
    return mistakes.recognise(spec.name, seed, learner_outputs)


def _dependency_notes(runner, spec, seed, function, earlier, own_cell_note=None):
    """Notes when a failure may come from another learner function rather than this one.

    own_cell_note -- what judging against the learner's own cell function found; it replaces the helper note
    """
    notes = [own_cell_note] if own_cell_note else []
    if spec.helper and not own_cell_note:
        helper_problem = _known_problem(earlier.get(spec.helper)) if spec.helper in earlier \
            else _first_problem(runner, spec.helper, seed)
        if helper_problem:
            notes.append(f"  Note: {spec.name} is expected to call your {spec.helper}, which fails its own checks "
                         f"({helper_problem}). Fix {spec.helper} first: the points lost here may come back with it.")
    forward_unusable = "rnn_forward" in earlier and earlier["rnn_forward"]["score"] == 0
    if spec.name == "rnn_backward" and function.stopped is None and not forward_unusable:
        notes += _own_caches_note(runner, seed)
    return notes


def _known_problem(result):
    """For a function graded already: None if it earned full points, else a pointer to its feedback."""
    if result["score"] == result["max_score"]:
        return None
    return f"{result['score']:g}/{result['max_score']:g} points; see its feedback"


def _first_problem(runner, name, seed):
    """The first failed check of `name` on the typical input set, or None if it passes them all."""
    case = cases(name, seed)[TYPICAL]
    outcome = LearnerFunction(runner, name).call(*case.args)
    verdict = judge_outcome(SPECS[name], case, outcome)
    return next((reason for reason in verdict.values() if reason), None)


def _own_caches_note(runner, seed):
    """Does the learner's rnn_backward work with the caches of their own rnn_forward? (feedback only, no points)"""
    forward_case, backward_case = cases("rnn_forward", seed)[TYPICAL], cases("rnn_backward", seed)[TYPICAL]
    forward = LearnerFunction(runner, "rnn_forward").call(*forward_case.args)
    if not forward.ok or not isinstance(forward.value, tuple) or len(forward.value) != 3:
        return []
    verdict = judge_outcome(SPECS["rnn_forward"], forward_case, forward)
    if verdict["a"] or verdict["caches"] is None:
        return []
    backward = LearnerFunction(runner, "rnn_backward").call(backward_case.args[0], forward.value[2])
    verdict = judge_outcome(SPECS["rnn_backward"], backward_case, backward)
    if any(reason for check, reason in verdict.items() if check != STRUCTURE):
        return []
    return ["  Note: with the caches of your own rnn_forward, your rnn_backward gives the right gradients, "
            "but not with caches in the documented format (list of (a_next, a_prev, xt, parameters), x). "
            "Make rnn_forward store caches in that format and rnn_backward read them that way."]


def grade_submission(runner, seed=DEFAULT_SEED):
    """Grade all six functions. Returns {"score", "max_score", "functions": {name: {...}}}."""
    functions = {}
    for name in GRADED_FUNCTIONS:  # helpers come first, so their results can explain their callers'
        functions[name] = grade_function(runner, name, seed, earlier=functions)
    return {"score": round(sum(f["score"] for f in functions.values()), 2), "max_score": MAX_SCORE,
            "functions": functions}
