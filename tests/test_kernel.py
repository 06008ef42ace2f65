"""Will notebooks (nbclient, nbgrader autograde) run in this environment's Python, through the `python3` kernel?"""
import os
import sys

from jupyter_client.kernelspec import KernelSpecManager


def test_python3_kernelspec_runs_this_interpreter():
    """Does the kernelspec named python3 start this interpreter (the venv with numpy), not some other Python?"""
    spec = KernelSpecManager().get_kernel_spec("python3")
    command = spec.argv[0]
    # jupyter_client replaces a bare "python"/"python3" with the interpreter that launches the kernel.
    same = command in ("python", "python3") or os.path.realpath(command) == os.path.realpath(sys.executable)
    assert same, (f"kernelspec python3 ({spec.resource_dir}) runs {command}; install one for this environment "
                  "with `python -m ipykernel install --sys-prefix`")
