"""Judging shared by the two backward functions, which both return a dict of five gradients."""
from autograder.checks.base import STRUCTURE, dict_entry_problem, dict_structure_problem, not_a_dict
from autograder.compare import all_close


def judge_gradient_dict(case, value, keys):
    """Verdict of one returned gradient dict: each key against case.expected, plus its structure."""
    if not isinstance(value, dict):
        return not_a_dict(keys, value)
    if all(key in value for key in keys) and all_close([(value[key], case.expected[key]) for key in keys]):
        verdict = {key: None for key in keys}  # the common right answer, checked at once
    else:
        verdict = {key: dict_entry_problem(value, key, case.expected[key]) for key in keys}
    shapes = {key: case.expected[key].shape for key in keys}
    verdict[STRUCTURE] = dict_structure_problem(value, shapes, exact_keys=True)
    return verdict


def gradient_outputs(value, keys):
    if not isinstance(value, dict):
        return None
    return {key: value[key] for key in keys if key in value}
