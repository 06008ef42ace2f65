"""The child side of the trust boundary: everything that runs beside learner code.

A worker starts the fork server (host.py) as a fresh interpreter (`python -P -c`, see
autograder.sandbox.client) and every child is a fork of it, so a child holds a copy of whatever the
fork server imported and may read it. That is why this package imports only the standard library,
numpy (and pyseccomp, for the seccomp layer), the wire format (autograder.wire) and its own modules,
never the trusted side (autograder.sandbox's client and plan, the graders, the reference solutions);
tests/test_trust_boundary.py checks it. The trusted side imports from here, never the other way round.

* host.py -- the fork server: preloads what children need, forks and isolates one child per
  submission, sweeps up after them
* isolation.py -- each kernel isolation layer (rlimits, namespaces, chroot, uid switch, Landlock, seccomp)
* loader.py -- which statements of a submission run at grading time, and running them
* calls.py -- calling a learner's function (`invoke`) and describing what it raised
* cleanup.py -- deleting whatever tree a child left in its scratch folder
"""
