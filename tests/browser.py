"""Browser machinery for the tests: Debian's chromium driven by Playwright, Jupyter servers on loopback.

    with JupyterServer.start(folder, env) as server:          # JupyterLab (and formgrader) on 127.0.0.1
        page.goto(server.url("lab/tree/rnn_gradients.ipynb"))

`ensure_chromium()` installs Debian's ``chromium`` package with apt-get when the binary is missing (a fresh
CI machine; Playwright's own browser download is not reachable) and does nothing when it is present.
Anything that prevents a working browser raises BrowserUnavailable: browser tests fail, they never skip.

Every page only reaches 127.0.0.1 (and file:// pages): any other request is aborted and recorded in
`page.blocked`, so a test shows what the product does without a network. Each step a test takes can be
saved as a screenshot under out/browser/<test name>/ (`shots(page, "what the step shows")`).

Fixtures (made visible to every test by tests/conftest.py): `chromium_path`, `playwright_driver`,
`browser_page`, `shots`, and `autograded_class` (a course with one autograded sample student, built once
per test run and shared by the pytest-xdist workers).
"""
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

import pytest

from machine import free_port, install_debian_package

REPO = Path(__file__).resolve().parents[1]
SCREENSHOTS = REPO / "out" / "browser"
PACKAGE = "chromium"
# Headless, no sandbox (we run as root), and no traffic of its own: no QUIC, updates, sync or first-run pages.
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
LOCAL_HOSTS = {"127.0.0.1"}
SERVER_START_TIMEOUT = 90
# Playwright waits this long (ms) for an element or a navigation before failing a step.
STEP_TIMEOUT_MS = 60_000


class BrowserUnavailable(RuntimeError):
    """No browser could be installed or started; the message says why."""


def find_chromium():
    """Path of Debian's chromium binary, or None."""
    for candidate in (shutil.which("chromium"), "/usr/bin/chromium"):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return None


def ensure_chromium():
    """Path of chromium, installing Debian's package first when it is missing."""
    found = find_chromium()
    if found:
        return found
    install_debian_package(PACKAGE, BrowserUnavailable)
    found = find_chromium()
    if not found:
        raise BrowserUnavailable(f"installed {PACKAGE!r} but found no chromium binary")
    return found


def is_local(url):
    """True for pages and requests the tests allow: 127.0.0.1, file:// and inline data."""
    parsed = urlparse(url)
    return parsed.scheme in ("file", "data", "blob", "about") or parsed.hostname in LOCAL_HOSTS


def block_the_network(page):
    """Abort every request of `page` that leaves 127.0.0.1; the aborted URLs collect in `page.blocked`."""
    page.blocked = []

    def handle(route):
        if is_local(route.request.url):
            route.continue_()
        else:
            page.blocked.append(route.request.url)
            route.abort("internetdisconnected")

    page.context.route("**/*", handle)


class JupyterServer:
    """A Jupyter server (JupyterLab, nbgrader's formgrader and Validate extensions) on 127.0.0.1 with a token.

    root -- folder the server shows (its root_dir) and runs in: nbgrader reads nbgrader_config.py there
    """

    def __init__(self, process, root, port, token, log, home):
        self.process, self.root, self.port, self.token, self.log, self.home = process, root, port, token, log, home

    @classmethod
    def start(cls, root, env=None, attempts=3):
        """Start `jupyter lab` in `root` on a free loopback port; returns once it answers. `env` replaces
        os.environ for the server (its kernels inherit it); Jupyter's user config and data stay out of it."""
        root = Path(root).resolve()
        home = Path(tempfile.mkdtemp(prefix="jupyter-home-"))
        env = {**(os.environ if env is None else env), "HOME": str(home),
               "JUPYTER_CONFIG_DIR": str(home / "config"), "JUPYTER_DATA_DIR": str(home / "data"),
               "JUPYTER_RUNTIME_DIR": str(home / "runtime"), "IPYTHONDIR": str(home / "ipython"),
               "PATH": os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])}
        settings = _write_lab_settings(home / "lab-settings")
        for attempt in range(attempts):  # another process may take the port between probe and start
            port, token = free_port(), secrets.token_hex(24)
            log = open(home / f"server-{attempt}.log", "w+")
            command = [sys.executable, "-m", "jupyter", "lab", "--no-browser", "--ServerApp.ip=127.0.0.1",
                       f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
                       f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}",
                       "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
                       "--LabApp.extension_manager=readonly",
                       f"--LabApp.user_settings_dir={settings}", f"--LabApp.workspaces_dir={home / 'workspaces'}",
                       "--allow-root"]
            process = subprocess.Popen(command, cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT,
                                       start_new_session=True)
            server = cls(process, root, port, token, log, home)
            if server._wait_until_ready():
                return server
            printed = server.output()
            server.stop(keep_home=True)
            if attempt == attempts - 1:
                shutil.rmtree(home, ignore_errors=True)
                raise BrowserUnavailable(f"JupyterLab did not start in {root}:\n{printed[-4000:]}")

    def url(self, path=""):
        """Address of `path` on this server, with the token (the browser keeps the login cookie)."""
        separator = "&" if "?" in path else "?"
        return f"http://127.0.0.1:{self.port}/{path.lstrip('/')}{separator}token={self.token}"

    def _wait_until_ready(self):
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                return False
            try:
                with urllib.request.urlopen(self.url("api/status"), timeout=5) as answer:
                    if answer.status == 200:
                        return True
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.3)
        return False

    def output(self):
        """Everything the server printed so far."""
        self.log.flush()
        self.log.seek(0)
        return self.log.read()

    def stop(self, keep_home=False):
        """Stop the server (on SIGTERM it shuts down the kernels it started) and delete its home folder."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=15)
        try:  # anything else left in the server's process group
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.log.close()
        if not keep_home:
            shutil.rmtree(self.home, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def _write_lab_settings(folder):
    """JupyterLab user settings: never ask about or fetch news, render every cell (no windowing, so the
    page holds each cell of the notebook in order). Returns the folder."""
    import json
    settings = {"@jupyterlab/apputils-extension/notification.jupyterlab-settings":
                {"fetchNews": "false", "checkForUpdates": False},
                "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"}}
    for name, values in settings.items():
        path = Path(folder) / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))
    return folder


# ---- driving JupyterLab ---------------------------------------------------------------------------------

# The notebook on show (JupyterLab keeps other open notebooks in the page, hidden).
PANEL = ".jp-NotebookPanel:not(.lm-mod-hidden)"
CELLS = f"{PANEL} .jp-Notebook .jp-Cell"
CODE_PROMPTS = f"{PANEL} .jp-Notebook .jp-CodeCell .jp-InputArea-prompt"
# JupyterLab renders error outputs and stderr streams with this MIME type.
ERROR_OUTPUT = ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']"


def open_notebook(page, server, path):
    """Open `path` (relative to the server's root) in JupyterLab and wait until its kernel is idle."""
    page.goto(server.url(f"lab/tree/{path}?reset"))  # reset: open this notebook only, not the last session's
    page.locator(CELLS).first.wait_for()
    wait_until_idle(page)


def wait_until_idle(page):
    page.get_by_text("Python 3 (ipykernel) | Idle").wait_for()


def cell_index(nb, grade_id):
    """Position of the cell with nbgrader id `grade_id` in the notebook `nb` (as JupyterLab shows it)."""
    return next(i for i, c in enumerate(nb.cells) if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)


def cell(page, index):
    return page.locator(CELLS).nth(index)


def set_cell_source(page, index, text):
    """Replace the text of cell `index` as a student does: click into its editor, select all, type `text`
    (inserted as typed text, without the editor's auto-indent or auto-closed brackets)."""
    target = cell(page, index)
    if "jp-MarkdownCell" in (target.get_attribute("class") or ""):
        target.dblclick()  # a rendered markdown cell opens its editor on double click
    target.locator(".cm-content").click()
    page.keyboard.press("Control+A")
    page.keyboard.insert_text(text)


def run_cell(page, index):
    """Run cell `index` (Ctrl+Enter) and wait for it to finish; returns the text of its outputs."""
    target = cell(page, index)
    prompt = target.locator(".jp-InputArea-prompt")
    before = prompt.inner_text()
    prompt.click()
    page.keyboard.press("Control+Enter")
    page.wait_for_function("([prompt, before]) => /\\[\\d+\\]/.test(prompt.textContent) && prompt.textContent !== before",
                           arg=[prompt.element_handle(), before])
    return output_text(page, index)


def output_text(page, index):
    outputs = cell(page, index).locator(".jp-OutputArea-output")
    return "\n".join(outputs.nth(i).inner_text() for i in range(outputs.count()))


def restart_and_run_all(page):
    """Kernel > Restart Kernel and Run All Cells, confirmed; returns when nothing is running or queued."""
    page.locator(f"{PANEL} [data-command='notebook:restart-run-all']").click()
    page.locator(".jp-Dialog .jp-mod-accept").click()
    page.wait_for_function("""(selector) => {
        const prompts = [...document.querySelectorAll(selector)].map((p) => p.textContent);
        return prompts.length && !prompts.some((p) => p.includes("*")) && prompts.some((p) => /\\d/.test(p));
    }""", arg=CODE_PROMPTS, timeout=300_000)
    wait_until_idle(page)


def save_notebook(page):
    """Save (the toolbar's save button) and wait until the tab no longer shows unsaved changes."""
    page.locator(f"{PANEL} [data-command='docmanager:save']").click()
    page.locator(".lm-TabBar-tab.jp-mod-current.jp-mod-dirty").wait_for(state="detached")


def validate(page):
    """Click nbgrader's Validate button; returns the text of the Validation Results dialog (then closes it)."""
    page.locator(f"{PANEL} .jp-NotebookPanel-toolbar").get_by_text("Validate", exact=True).click()
    header = page.locator(".jp-Dialog-header", has_text="Validation Results")
    header.wait_for(timeout=300_000)
    return page.locator(".jp-Dialog-content").text_content()


def close_dialog(page):
    page.locator(".jp-Dialog .jp-mod-accept").click()
    page.locator(".jp-Dialog").wait_for(state="detached")


def log_in(page, server):
    """Log in through the server's login page (pages outside JupyterLab, like formgrader, need the cookie)."""
    page.goto(f"http://127.0.0.1:{server.port}/login")
    page.get_by_label("Password or token:").fill(server.token)
    page.get_by_role("button", name="Log in", exact=True).click()
    page.wait_for_url(lambda url: "/login" not in url)


# ---- fixtures ----------------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def chromium_path():
    """Debian's chromium, installed first when missing (raises BrowserUnavailable: the test fails)."""
    return ensure_chromium()


@pytest.fixture(scope="session")
def playwright_driver():
    from playwright.sync_api import sync_playwright
    with sync_playwright() as driver:
        yield driver


@pytest.fixture
def browser_page(chromium_path, playwright_driver, tmp_path):
    """A page in a fresh chromium profile that can reach 127.0.0.1 only (see block_the_network)."""
    context = playwright_driver.chromium.launch_persistent_context(
        str(tmp_path / "chromium-profile"), executable_path=chromium_path, headless=True, args=CHROMIUM_ARGS,
        viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(STEP_TIMEOUT_MS)
    page = context.pages[0] if context.pages else context.new_page()
    block_the_network(page)
    yield page
    context.close()


@pytest.fixture
def shots(request):
    """shots(page, step, show=None): screenshot out/browser/<test>/<NN>-<step>.png (the folder starts empty),
    after scrolling the locator `show` into view (JupyterLab scrolls inside the notebook, not the page)."""
    folder = SCREENSHOTS / _file_name(request.node.name)
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    taken = []

    def take(page, step, show=None):
        if show is not None:
            show.scroll_into_view_if_needed()
        taken.append(step)
        path = folder / f"{len(taken):02d}-{_file_name(step)}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


def _file_name(text):
    return re.sub(r"[^\w.-]+", "_", text)[:80]


# ---- an autograded class for the instructor's and the feedback tests -------------------------------

# The sample student whose work the instructor grades: two named mistakes and four written answers.
GRADED_STUDENT = "ben"


def run_like_a_student(nb, folder):
    """`nb` after running every cell in `folder` (a copy of the released assignment), as a student does
    before handing in: errors stay in their cells, the figures in the outputs."""
    from nbclient import NotebookClient
    env_before = os.environ.get("OPENBLAS_NUM_THREADS")
    client = NotebookClient(nb, timeout=300, allow_errors=True, kernel_name="python3",
                            resources={"metadata": {"path": str(folder)}})
    try:
        os.environ["OPENBLAS_NUM_THREADS"] = "1"  # the kernel inherits it: one BLAS thread on a busy machine
        client.execute()
    finally:
        if env_before is None:
            os.environ.pop("OPENBLAS_NUM_THREADS", None)
        else:
            os.environ["OPENBLAS_NUM_THREADS"] = env_before
    return nb


def build_autograded_class(workdir):
    """A throwaway course (demo.lifecycle) where GRADED_STUDENT handed in a notebook they had run;
    autograded through the sandbox, feedback generated. Returns the lifecycle.Course."""
    import nbformat
    from demo import lifecycle
    from demo.samples import fill_in, sample_class
    course = lifecycle.create_course(workdir)
    course.nbgrader("generate_assignment", lifecycle.ASSIGNMENT, "--force")
    student = next(s for s in sample_class() if s.student_id == GRADED_STUDENT)
    released = course.root / "release" / lifecycle.ASSIGNMENT
    scratch = Path(workdir) / "student-copy"
    shutil.copytree(released, scratch)
    answered = fill_in(nbformat.read(released / lifecycle.NOTEBOOK, as_version=4), student)
    submitted = course.root / "submitted" / GRADED_STUDENT / lifecycle.ASSIGNMENT
    submitted.mkdir(parents=True)
    nbformat.write(run_like_a_student(answered, scratch), submitted / lifecycle.NOTEBOOK)
    lifecycle.autograde(course)
    lifecycle.generate_feedback(course)
    return course


def course_in(workdir):
    """The lifecycle.Course that build_autograded_class(workdir) made."""
    from demo import lifecycle
    workdir = Path(workdir).resolve()
    root = workdir / "course"
    return lifecycle.Course(root, workdir / "exchange", workdir / "students", f"sqlite:///{root / 'gradebook.db'}")


@pytest.fixture(scope="session")
def autograded_class(tmp_path_factory):
    """build_autograded_class, made once per test run: pytest-xdist workers share it through a lock file
    (the first to arrive builds it, the others wait). Tests that change its gradebook say so."""
    import fcntl
    # Under pytest-xdist each worker has its own basetemp inside one folder of the run.
    in_worker = "PYTEST_XDIST_WORKER" in os.environ
    shared = tmp_path_factory.getbasetemp().parent if in_worker else tmp_path_factory.getbasetemp()
    workdir, ready = shared / "autograded-class", shared / "autograded-class.ready"
    with open(shared / "autograded-class.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not ready.exists():
            shutil.rmtree(workdir, ignore_errors=True)  # what a failed build left
            build_autograded_class(workdir)
            ready.touch()
    return course_in(workdir)
