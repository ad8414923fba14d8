"""The build is reproducible: one list of direct pins, and a lock of the whole tree that run.py installs."""

from __future__ import annotations

import re
import tomllib

from conftest import PROJECT_DIR

PIN = re.compile(r"^([A-Za-z0-9_.-]+)(?:\[[^\]]*\])?==([^\s;\\]+)", re.M)  # a name may carry extras: streamlit[auth]


def _pins(text: str) -> dict[str, str]:
    return {name.lower().replace("_", "-"): version for name, version in PIN.findall(text)}


def test_pyproject_and_requirements_name_the_same_pins():
    project = tomllib.loads((PROJECT_DIR / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = _pins("\n".join(project["dependencies"] + project["optional-dependencies"]["dev"]))
    assert declared == _pins((PROJECT_DIR / "requirements.txt").read_text(encoding="utf-8"))


def test_the_lock_pins_every_direct_dependency_at_its_version_with_hashes():
    lock = (PROJECT_DIR / "requirements.lock").read_text(encoding="utf-8")
    locked = _pins(lock)
    direct = _pins((PROJECT_DIR / "requirements.txt").read_text(encoding="utf-8"))
    assert {k: locked.get(k) for k in direct} == direct
    body = re.sub(r"\A(?:#.*\n)*\n?", "", lock)  # after pip-compile's header (with or without a blank line)
    blocks = re.split(r"\n(?=[A-Za-z0-9_.-]+==)", body)
    assert all("--hash=sha256:" in b for b in blocks if PIN.match(b))
    assert len(locked) > len(direct)  # the transitive packages are pinned too


def test_run_py_installs_the_lock_with_hashes():
    text = (PROJECT_DIR / "run.py").read_text(encoding="utf-8")
    assert 'LOCK = ROOT / "requirements.lock"' in text and '"--require-hashes"' in text
