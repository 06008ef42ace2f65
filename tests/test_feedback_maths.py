"""Does the feedback's maths become MathML a browser shows offline, and nothing else?"""
from autograder.feedback import function_heading, render_maths


def test_inline_and_display_maths_become_mathml_and_code_stays_code():
    text = render_maths("Shapes: $x$ is $(n_x, m,\nT_x)$.\n\n$$\\frac{\\partial L}{\\partial a}$$\n\nCode: `a$b$`")
    assert "$" not in text.replace("`a$b$`", "")
    assert text.count('<math xmlns="http://www.w3.org/1998/Math/MathML" display="inline">') == 2
    assert text.count('display="block"') == 1 and "<mfrac>" in text
    assert "`a$b$`" in text


def test_a_formula_that_would_carry_html_is_shown_as_escaped_source():
    text = render_maths(r"see $\text{<script>steal()</script>}$")
    assert "<script>" not in text and "&lt;script&gt;" in text and "<code>" in text


def test_a_hidden_test_heading_names_its_function():
    assert function_heading("rnn_backward_hidden_tests") == "rnn_backward (hidden tests)"
    assert function_heading("question_decay") is None


def test_the_feedback_template_applies_to_generate_feedback_only_not_to_formgrader():
    """formgrader renders submissions with its own HTMLExporter in the same server process: does the course
    config leave that exporter's template alone while generate_feedback gets the readable feedback page?"""
    from nbconvert.exporters import HTMLExporter
    from nbgrader.converters import GenerateFeedback
    from traitlets.config import Config

    from autograder.feedback import TEMPLATE_NAME, FeedbackExporter, use_readable_feedback
    config = use_readable_feedback(Config())
    assert HTMLExporter(config=config).template_name != TEMPLATE_NAME
    assert FeedbackExporter(config=config).template_name == TEMPLATE_NAME
    assert GenerateFeedback(config=config).exporter_class is FeedbackExporter
