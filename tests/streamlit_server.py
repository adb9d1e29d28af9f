"""Starting the real `streamlit run` for tests: a free localhost port, this checkout's code,
and a wait on events rather than on the clock.

The server says "You can now view your Streamlit app" once it listens; a thread reading its
output sets an event then, and the health endpoint (`/_stcore/health`) must answer "ok".
Its output is kept for the failure message.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
READY_LINE = "You can now view your Streamlit app"
START_TIMEOUT_S = 120


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def streamlit_command(port: int, *extra: str) -> list[str]:
    """`streamlit run dashboard/serve.py` with this interpreter, as `make run` starts it."""
    return [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        "dashboard/serve.py",
        "--server.headless",
        "true",
        "--server.port",
        str(port),
        "--browser.gatherUsageStats",
        "false",
        *extra,
    ]


@dataclass
class RunningApp:
    url: str
    process: subprocess.Popen
    output: list[str] = field(default_factory=list)

    def log(self) -> str:
        return "".join(self.output)


@contextmanager
def running_app(command: list[str], port: int, database_url: str) -> Iterator[RunningApp]:
    """Run `command` from the project folder against `database_url` until the block ends."""
    env = {
        **os.environ,
        "TRACKER_DATABASE_URL": database_url,
        "PYTHONPATH": str(ROOT),
        "PYTHONUNBUFFERED": "1",
    }
    process = subprocess.Popen(
        command,
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    app = RunningApp(f"http://localhost:{port}", process)
    ready = threading.Event()

    def read() -> None:
        for line in process.stdout:
            app.output.append(line)
            if READY_LINE in line:
                ready.set()
        ready.set()  # the process ended: stop waiting

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        if not ready.wait(START_TIMEOUT_S) or process.poll() is not None:
            raise AssertionError(f"streamlit did not start:\n{app.log()}")
        with urllib.request.urlopen(f"{app.url}/_stcore/health", timeout=30) as response:
            health = response.read().decode()
        if health != "ok":
            raise AssertionError(f"health endpoint said {health!r}:\n{app.log()}")
        yield app
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        reader.join(timeout=10)
