"""Shared by the course tests: paths, and loading the shipped public_tests.py as learners import it."""
import importlib.util
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE_DIR = ROOT / "source" / "rnn_gradients"
RELEASE_DIR = ROOT / "release" / "rnn_gradients"
NOTEBOOK = "rnn_gradients.ipynb"


def load_public_tests(directory=SOURCE_DIR):
    """The public_tests module of `directory` (it reads public_tests_data.npz beside itself)."""
    spec = importlib.util.spec_from_file_location(f"public_tests_{abs(hash(str(directory)))}",
                                                  Path(directory) / "public_tests.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module
