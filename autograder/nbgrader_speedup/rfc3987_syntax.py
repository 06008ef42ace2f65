"""Stand-in that makes `import rfc3987_syntax` fail at once in the nbgrader processes the lifecycle starts.

jsonschema imports rfc3987_syntax only if it can (to check "iri" string formats, which nbgrader's
schemas never use), and importing the real package compiles a grammar: about 2 s of every nbgrader
command. This folder is put on PYTHONPATH of those processes only; nothing else sees it.
"""
raise ImportError("rfc3987_syntax is switched off in nbgrader processes started by autograder.lifecycle")
