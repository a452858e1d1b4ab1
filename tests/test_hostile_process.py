"""Process hygiene (issue 16): a worker does not outlive a driver killed by SIGKILL."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

DRIVER = textwrap.dedent("""
    import multiprocessing, os, sys, time
    from cleanse.executors.local import _exit_with_driver

    def worker(driver_pid, path):
        _exit_with_driver(driver_pid)
        with open(path, "w") as fh:
            fh.write(str(os.getpid()))
        time.sleep(120)

    if __name__ == "__main__":
        ctx = multiprocessing.get_context("fork")
        ctx.Process(target=worker, args=(os.getpid(), sys.argv[1])).start()
        time.sleep(120)
""")


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().split(")")[-1].split()[0] != "Z"
    except FileNotFoundError:
        return False


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="parent-death signal is Linux's prctl")
def test_worker_dies_with_a_killed_driver(tmp_path) -> None:
    pid_file = tmp_path / "worker.pid"
    driver = subprocess.Popen([sys.executable, "-c", DRIVER, str(pid_file)], cwd=os.getcwd())
    try:
        for _ in range(600):  # the worker starts (a bounded wait for an event, not a threshold)
            if pid_file.exists() and pid_file.read_text():
                break
            time.sleep(0.05)
        worker = int(pid_file.read_text())
        assert _alive(worker)
        driver.send_signal(signal.SIGKILL)
        driver.wait()
        for _ in range(600):
            if not _alive(worker):
                break
            time.sleep(0.05)
        assert not _alive(worker)
    finally:
        driver.kill()
        if pid_file.exists() and pid_file.read_text() and _alive(int(pid_file.read_text())):
            os.kill(int(pid_file.read_text()), signal.SIGKILL)
