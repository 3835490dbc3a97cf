"""`make test` on a fresh machine (DESIGN §8): .ci/system-packages installs what the suite needs as
root, and for anyone else stops at once with the one apt-get line to run."""

import os
import subprocess
import time

from django.conf import settings

SCRIPT = settings.BASE_DIR / ".ci" / "system-packages"


def run_as_uid(uid: int, tmp_path, *packages):
    """Run the script as if `id -u` said `uid`: a stand-in `id` first on the PATH."""
    shim = tmp_path / "bin"
    shim.mkdir()
    (shim / "id").write_text(f"#!/bin/sh\necho {uid}\n")
    (shim / "id").chmod(0o755)
    env = dict(os.environ, PATH=f"{shim}:{os.environ['PATH']}")
    started = time.monotonic()
    result = subprocess.run(["bash", str(SCRIPT), *packages], capture_output=True, text=True, env=env, timeout=60)
    return result, time.monotonic() - started


def test_anyone_but_root_gets_the_one_apt_get_line_within_a_second(tmp_path):
    result, seconds = run_as_uid(1000, tmp_path, "linli-no-such-package")
    assert result.returncode == 1
    assert "apt-get install -y --no-install-recommends linli-no-such-package" in result.stderr
    assert seconds < 1


def test_nothing_is_installed_or_asked_when_everything_is_there(tmp_path):
    result, _seconds = run_as_uid(1000, tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout == result.stderr == ""


def test_the_pdf_language_pack_is_never_installed():
    """The PDF tests prove our fonts are embedded only on a machine without poppler-data."""
    assert "--no-install-recommends" in SCRIPT.read_text()
    assert subprocess.run(["dpkg", "-s", "poppler-data"], capture_output=True).returncode != 0
