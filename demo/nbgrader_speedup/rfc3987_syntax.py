"""Stand-in that makes `import rfc3987_syntax` fail at once in the nbgrader processes the demo starts.

jsonschema imports rfc3987_syntax only if it can (to check "iri" string formats, which nbgrader's
schemas never use), and importing the real package compiles a grammar: about 2 s of every nbgrader
command. This folder is put on PYTHONPATH of the nbgrader processes that demo/lifecycle.py (and the tests and
benchmarks built on it) starts; nothing else sees it. The course's own nbgrader (nbgrader_config.py, a real
term) never uses it, so it lives with the demo, not in the autograder package.
"""
raise ImportError("rfc3987_syntax is switched off in nbgrader processes started by demo.lifecycle")
