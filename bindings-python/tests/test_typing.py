"""Type checkers read the package: the generated types and stubs, and the package itself, pass
`mypy --strict`; typical user code (typing/sample.py) type-checks under `mypy --strict` and
pyright, and mistakes (typing/wrong_field.py) are reported."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent / "typing"
PKG_SRC = Path(__file__).resolve().parents[1] / "python"


def mypy(*args: str, cwd: Path, cache: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "mypy", "--cache-dir", str(cache), "--no-error-summary", *args],
                          cwd=cwd, capture_output=True, text=True, timeout=600)


def test_the_package_passes_mypy_strict(tmp_path):
    r = mypy("--config-file", str(HERE / "mypy.ini"), "-p", "empiriolabs", cwd=PKG_SRC, cache=tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr


def test_typical_user_code_passes_mypy_strict(tmp_path):
    r = mypy("--strict", "sample.py", cwd=HERE, cache=tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr


def test_mistakes_are_reported(tmp_path):
    r = mypy("--strict", "wrong_field.py", cwd=HERE, cache=tmp_path)
    assert r.returncode == 1, r.stdout + r.stderr
    out = r.stdout
    assert 'wrong_field.py:12: error: "ChatCompletionMessage" has no attribute "contnet"' in out, out
    assert 'wrong_field.py:15: error: "ChoiceDelta" has no attribute "text"' in out, out
    assert "wrong_field.py:17: error: Argument \"encoding_format\"" in out, out
    assert out.count(": error:") == 3, out


def _pyright() -> str:
    exe = shutil.which("pyright", path=str(Path(sys.executable).parent))
    if exe is None:
        pytest.skip("pyright is not installed")
    return exe


def test_pyright_reads_the_same_types():
    exe = _pyright()
    ok = subprocess.run([exe, "--pythonpath", sys.executable, "sample.py"], cwd=HERE, capture_output=True, text=True, timeout=600)
    assert ok.returncode == 0 and "0 errors" in ok.stdout, ok.stdout + ok.stderr
    bad = subprocess.run([exe, "--pythonpath", sys.executable, "wrong_field.py"], cwd=HERE, capture_output=True, text=True, timeout=600)
    assert bad.returncode == 1 and "3 errors" in bad.stdout, bad.stdout + bad.stderr
    assert 'Cannot access attribute "contnet" for class "ChatCompletionMessage"' in bad.stdout, bad.stdout
