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
