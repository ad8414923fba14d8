#!/usr/bin/env python3
"""One entry point that needs only python3: it creates .venv, installs the locked requirements, then runs.

python3 run.py app     start the dashboard on the shipped data (without [auth] sign-in settings: loopback only)
python3 run.py serve   N replicas of the dashboard behind nginx (--replicas N, --port P; installs Debian's nginx)
python3 run.py test    run every test (installs Debian's chromium and nginx for the browser tests if missing)
python3 run.py lint    ruff check and ruff format --check
python3 run.py bench   run the benchmark (arguments after 'bench' are passed on;
                       'bench load …' runs the many-sessions load test, bench/load.py)
python3 run.py core …  run 'python -m core …' (ingest, build, check, seed)
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
PY = VENV / "bin" / "python"
LOCK = ROOT / "requirements.lock"  # every package of the tree, pinned with hashes (pip-compile of pyproject.toml)
MIN_PYTHON = (3, 11)
COMMANDS = ("app", "serve", "test", "lint", "bench", "core")


def check_python() -> None:
    if sys.version_info < MIN_PYTHON:
        sys.exit(f"Python {MIN_PYTHON[0]}.{MIN_PYTHON[1]} 이상이 필요합니다 (지금 {sys.version.split()[0]}).")


def ensure_venv() -> None:
    digest = hashlib.sha256(LOCK.read_bytes()).hexdigest()
    stamp = VENV / ".requirements.sha256"
    if PY.exists() and stamp.exists() and stamp.read_text() == digest:
        return
    if not PY.exists():
        subprocess.check_call([sys.executable, "-m", "venv", str(VENV)])
    subprocess.check_call(
        [str(PY), "-m", "pip", "install", "-q", "--disable-pip-version-check", "--require-hashes", "-r", str(LOCK)]
    )
    stamp.write_text(digest)


BROWSER_PACKAGES = ["chromium", "fonts-noto-cjk", "fonts-noto-color-emoji"]  # Hangul and emoji in screenshots
SERVER_PACKAGES = ["nginx"]  # the proxy of 'serve', started by its test too
REQUIRED_PACKAGES = {"chromium", "nginx"}  # the others only make screenshots look right
# Without dpkg (another distribution), the file a package installs tells whether it is there.
PACKAGE_FILES = {"chromium": "/usr/bin/chromium", "nginx": "/usr/sbin/nginx"}


def _missing_debian_packages(packages: list[str]) -> list[str]:
    if shutil.which("dpkg-query") is None:
        return [p for p in packages if p in PACKAGE_FILES and not Path(PACKAGE_FILES[p]).exists()]
    missing = []
    for name in packages:
        status = subprocess.run(["dpkg-query", "-W", "-f=${Status}", name], capture_output=True, text=True).stdout
        if "install ok installed" not in status:
            missing.append(name)
    return missing


def ensure_debian_packages(packages: list[str], purpose: str) -> None:
    missing = _missing_debian_packages(packages)
    if not missing:
        return
    if shutil.which("apt-get") is None or os.geteuid() != 0:
        if not REQUIRED_PACKAGES & set(missing):
            print(f"참고: {' '.join(missing)} 패키지가 없어 화면 캡처의 글꼴이 깨질 수 있습니다.", file=sys.stderr)
            return
        sys.exit(f"{purpose}에 Debian 패키지가 필요합니다: sudo apt-get install -y {' '.join(missing)}")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    subprocess.check_call(["apt-get", "update", "-qq"], env=env)
    subprocess.check_call(["apt-get", "install", "-y", "-qq", *missing], env=env)


def ensure_chromium() -> None:
    ensure_debian_packages(BROWSER_PACKAGES + SERVER_PACKAGES, "브라우저·프록시 테스트")


def ensure_nginx() -> None:
    ensure_debian_packages(SERVER_PACKAGES, "'python3 run.py serve'(nginx 프록시)")


def main() -> int:
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        print(__doc__)
        return 2
    check_python()
    cmd, rest = sys.argv[1], sys.argv[2:]
    ensure_venv()
    os.chdir(ROOT)
    if cmd == "app":
        subprocess.check_call([str(PY), "-m", "core", "build"]) if not (
            ROOT / "datasets" / "dashboard.duckdb"
        ).exists() else None
        # Without sign-in ([auth] in .streamlit/secrets.toml) only a loopback address may serve the dashboard.
        if subprocess.call([str(PY), "-m", "core.auth", *rest]) != 0:
            return 3
        return subprocess.call([str(PY), "-m", "streamlit", "run", "app.py", *rest])
    if cmd == "serve":
        ensure_nginx()
        # Replaced, not waited for: Ctrl-C and SIGTERM reach the supervisor, which stops nginx and the replicas.
        os.execv(str(PY), [str(PY), "-m", "core.serve", *rest])
    if cmd == "test":
        ensure_chromium()
        return subprocess.call([str(PY), "-m", "pytest", *rest])
    if cmd == "lint":
        checks = [
            [str(PY), "-m", "ruff", "check", *(rest or ["."])],
            [str(PY), "-m", "ruff", "format", "--check", *(rest or ["."])],
        ]
        return max(subprocess.call(c) for c in checks)
    if cmd == "bench":
        if "--browser" in rest:  # first visits and filter changes timed in Chromium (bench/browser.py)
            ensure_chromium()
        if rest[:1] == ["load"]:  # many browser sessions against replicas behind nginx (bench/load.py)
            ensure_chromium()
            return subprocess.call([str(PY), "-m", "bench.load", *rest[1:]])
        return subprocess.call([str(PY), "-m", "bench", *rest])
    return subprocess.call([str(PY), "-m", "core", *rest])


if __name__ == "__main__":
    sys.exit(main())
