"""nbgrader's feedback page, made to read right: `use_readable_feedback(c)` in nbgrader_config.py switches it on.

* FeedbackGrades (replaces GetGrades): also writes, for the template, each grade cell's heading (the
  function whose hidden tests it holds, or the written question) and whether a written answer awaits
  hand grading, was not answered, or was graded; the page's total then says it is not final.
* RenderMaths: the LaTeX of markdown cells becomes MathML when the feedback is generated, so maths
  renders in any browser without MathJax and without network (nbgrader's page loads MathJax from a CDN).
* The template `feedback_templates/rnn_feedback/rnn_feedback.html.j2` extends nbgrader's feedback template with those
  headings and without the MathJax script.
"""
import html
import re
from pathlib import Path

from nbconvert.exporters import HTMLExporter
from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor
from nbgrader import utils
from nbgrader.preprocessors import ClearHiddenTests, GetGrades, NbGraderPreprocessor

from autograder.contract import GRADED_FUNCTIONS, HIDDEN_TESTS_SUFFIX
from autograder.nbgrader_plugin import NOTES_CELL_ID

TEMPLATE_BASEDIR = Path(__file__).resolve().parent / "feedback_templates"
TEMPLATE_NAME = "rnn_feedback"
TEMPLATE_FILE = "rnn_feedback.html.j2"
NBGRADER_TEMPLATES = Path(utils.__file__).resolve().parent / "server_extensions" / "formgrader" / "templates"
AWAITING, NOT_ANSWERED, GRADED = "awaiting hand grading", "not answered", "graded by hand"


def function_heading(grade_id):
    """'rnn_backward (hidden tests)' for a hidden-test cell's grade id, else None."""
    name = grade_id[:-len(HIDDEN_TESTS_SUFFIX)] if grade_id.endswith(HIDDEN_TESTS_SUFFIX) else None
    return f"{name} (hidden tests)" if name in GRADED_FUNCTIONS else None


class FeedbackGrades(GetGrades):
    """nbgrader's GetGrades, plus each grade cell's heading and hand-grading status for the feedback template.

    resources["nbgrader"]["awaiting_hand_grading"] -- grade ids of the answers still to be graded by hand
    resources["nbgrader"]["awaiting_points"] -- their points
    """

    def preprocess(self, nb, resources):
        resources["nbgrader"]["awaiting_hand_grading"] = []
        resources["nbgrader"]["awaiting_points"] = 0.0
        return super().preprocess(nb, resources)

    def _get_score(self, cell, resources):
        super()._get_score(cell, resources)
        nbgrader = cell.metadata.nbgrader
        grade_id = nbgrader["grade_id"]
        if not utils.is_solution(cell):
            nbgrader["feedback_heading"] = function_heading(grade_id) or f"Test cell {grade_id}"
            return
        grade = self.gradebook.find_grade(grade_id, self.notebook_id, self.assignment_id, self.student_id)
        nbgrader["feedback_heading"] = f"Written answer '{grade_id}'"
        if grade.needs_manual_grade:
            nbgrader["feedback_status"] = f"{AWAITING}: counts 0 until your instructor grades it"
            resources["nbgrader"]["awaiting_hand_grading"].append(grade_id)
            resources["nbgrader"]["awaiting_points"] += float(grade.max_score)
        elif grade.manual_score is None:
            nbgrader["feedback_status"] = NOT_ANSWERED
        else:
            nbgrader["feedback_status"] = GRADED


# $$ display $$ first, then $ inline $ (one paragraph at most); code spans and fenced code are left alone.
CODE = re.compile(r"(```.*?```|`[^`\n]*`)", re.DOTALL)
DISPLAY_MATH = re.compile(r"\$\$(.+?)\$\$", re.DOTALL)
INLINE_MATH = re.compile(r"(?<![\\$])\$(?!\$)((?:[^$\n]|\n(?!\s*\n))+?)(?<!\\)\$")


MATHML_TAGS = frozenset("math mrow mi mo mn ms msub msup msubsup mfrac msqrt mroot mtext mspace mstyle mover munder "
                        "munderover mtable mtr mtd mpadded mphantom menclose semantics annotation merror".split())
TAG = re.compile(r"</?([A-Za-z][\w:-]*)")


def latex_to_mathml(latex, display):
    """MathML (one line) of a LaTeX formula; the formula as code if the converter cannot read it, or if what it
    gives holds anything but MathML elements (the converter copies \\text{...} verbatim, tags and all)."""
    from latex2mathml.converter import convert
    try:
        mathml = convert(" ".join(latex.split()), display="block" if display else "inline").replace("\n", "")
    except Exception:  # an unsupported macro: show the source rather than nothing
        mathml = None
    if mathml is None or any(tag not in MATHML_TAGS for tag in TAG.findall(mathml)):
        return f"<code>{html.escape(latex.strip())}</code>"
    return mathml


def render_maths(markdown):
    """`markdown` with every $...$ and $$...$$ formula replaced by MathML (code spans untouched)."""
    parts = CODE.split(markdown)
    for index in range(0, len(parts), 2):  # even parts are prose, odd ones code
        prose = DISPLAY_MATH.sub(lambda m: "\n\n" + latex_to_mathml(m.group(1), True) + "\n\n", parts[index])
        parts[index] = INLINE_MATH.sub(lambda m: latex_to_mathml(m.group(1), False), prose)
    return "".join(parts)


class RenderMaths(NbGraderPreprocessor):
    """Turns the LaTeX of every markdown cell into MathML (see render_maths); the grader's notes cell holds
    messages, not maths, and is left as it is."""

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type == "markdown" and "$" in cell.source and cell.get("id") != NOTES_CELL_ID:
            cell.source = render_maths(cell.source)
        return cell, resources


class FeedbackExporter(HTMLExporter):
    """The HTML exporter of `nbgrader generate_feedback` only: configuring HTMLExporter itself would also
    change formgrader's exporter (same server process), whose pages then fail to render."""


def use_readable_feedback(c):
    """Configure `nbgrader generate_feedback` (config object `c` of nbgrader_config.py); idempotent.

    Feedback shows each hidden-test cell's printed result, never the hidden test code itself (ClearHiddenTests).
    """
    c.GenerateFeedback.preprocessors = [FeedbackGrades, ClearHiddenTests, RenderMaths, CSSHTMLHeaderPreprocessor]
    c.GenerateFeedback.exporter_class = FeedbackExporter
    c.FeedbackExporter.template_name = TEMPLATE_NAME
    c.FeedbackExporter.template_file = TEMPLATE_FILE
    c.FeedbackExporter.extra_template_basedirs = [str(TEMPLATE_BASEDIR), str(NBGRADER_TEMPLATES)]
    return c
