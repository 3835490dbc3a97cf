"""Running tests/reliability/child.py in another process against a copy of the test database."""

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

from tests.support.scratch import ROOT, scenario_env


def start(url: str, directory: Path, *args) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "tests.reliability.child", *map(str, args)], cwd=ROOT,
                            env=scenario_env(url, directory), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)


def run(url: str, directory: Path, *args) -> dict:
    """Run to the end; the last line of output is JSON."""
    process = start(url, directory, *args)
    out, err = process.communicate(timeout=300)
    assert process.returncode == 0, err[-3000:]
    return json.loads(out.strip().splitlines()[-1])


def kill_when_paused(url: str, directory: Path, table: str, nth: int, job: str, *args) -> None:
    """Start the job, wait until it stops after its `nth` INSERT into `table` (inside its
    transaction), and kill it there with SIGKILL."""
    process = start(url, directory, "pause", table, nth, job, *args)
    line = process.stdout.readline().strip()
    if line != "PAUSED":
        out, err = process.communicate(timeout=300)
        raise AssertionError(f"the job did not pause: {line}{out}\n{err[-3000:]}")
    os.kill(process.pid, signal.SIGKILL)
    process.communicate(timeout=30)
    assert process.returncode == -signal.SIGKILL
