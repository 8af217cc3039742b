"""The queue survives restarts: a task enqueued while no worker runs waits in the database and
runs when ``manage.py qcluster`` starts (ADR 0002). Real processes on a file SQLite database."""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)
DEADLINE_SECONDS = 90


def manage(env: dict[str, str], *args: str, timeout: int = 240) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own manage.py with fixed arguments
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
        check=True,
    )


def query(db: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(db, timeout=20) as conn:
        return conn.execute(sql).fetchall()


def base_env(var_dir: Path, db: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("PYTEST_", "DJANGO_ALLOW"))}
    env.update(
        DATABASE_URL=f"sqlite:///{db}",
        ISSA_VAR_DIR=str(var_dir),
        ISSA_ENV="development",
        ISSA_QUEUE_SYNC="0",
        ISSA_WORKERS="1",
        DJANGO_SETTINGS_MODULE="issa.config.settings",
    )
    env.pop("REDIS_URL", None)
    return env


@pytest.fixture(scope="module")
def migrated_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated file database per module, copied by each test (migrating is the slow part)."""
    folder = tmp_path_factory.mktemp("migrated")
    db = folder / "template.sqlite3"
    env = base_env(folder / "var", db)
    manage(env, "migrate", "--no-input", "-v", "0")
    manage(env, "createcachetable")
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # everything in the main file before copying
    return db


@pytest.fixture
def worker_env(tmp_path: Path, migrated_db: Path) -> dict[str, str]:
    shutil.copyfile(migrated_db, tmp_path / "worker.sqlite3")
    return base_env(tmp_path / "var", tmp_path / "worker.sqlite3")


def test_a_task_enqueued_without_a_worker_runs_after_restart_when_the_worker_starts(
    tmp_path: Path, worker_env: dict[str, str]
):
    db = tmp_path / "worker.sqlite3"
    marker = tmp_path / "task-ran"

    # given: a process enqueues a task and exits, with no worker running anywhere
    manage(
        worker_env,
        "shell",
        "-c",
        f"from issa.core.queue import enqueue_immediately; enqueue_immediately('os.mkdir', {str(marker)!r})",
    )
    # then: after that process is gone ("restart"), the task waits in the database, not yet run
    assert query(db, "SELECT COUNT(*) FROM django_q_ormq") == [(1,)]
    assert not marker.exists()

    # when: the worker starts
    log = (tmp_path / "qcluster.log").open("w")
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "qcluster"],
        cwd=BASE_DIR,
        env=worker_env,
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        start_new_session=True,  # its own process group, so the test can stop all its children
    )
    try:
        deadline = time.monotonic() + DEADLINE_SECONDS
        done: list[tuple] = []
        while time.monotonic() < deadline and worker.poll() is None:
            done = query(db, "SELECT success FROM django_q_task WHERE func = 'os.mkdir'")
            if done:
                break
            time.sleep(0.5)
        # then: it ran once, successfully, and the queue is empty
        assert done == [(1,)], (tmp_path / "qcluster.log").read_text()
        assert marker.is_dir()
        # the broker row is acknowledged (deleted) after the result is saved: wait for it too
        left = query(db, "SELECT COUNT(*) FROM django_q_ormq")
        while left != [(0,)] and time.monotonic() < deadline:
            time.sleep(0.2)
            left = query(db, "SELECT COUNT(*) FROM django_q_ormq")
        assert left == [(0,)]
    finally:
        if worker.poll() is None:
            os.killpg(worker.pid, signal.SIGINT)  # the cluster's own graceful stop
            try:
                worker.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(worker.pid, signal.SIGKILL)
                worker.wait(timeout=10)
        log.close()


def group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_issa_run_serves_the_portal_and_runs_the_worker_until_sigterm_stops_both(
    tmp_path: Path, worker_env: dict[str, str]
):
    """What ``make demo`` ends with: web server and worker from one command, stopped together."""
    import json
    import urllib.request

    db = tmp_path / "worker.sqlite3"
    marker = tmp_path / "ran-under-issa-run"
    manage(
        worker_env,
        "shell",
        "-c",
        "from issa.testing.factories import subscriber_with_balance;"
        " subscriber_with_balance(2540, msisdn='375291000001')",
    )
    addr = f"127.0.0.1:{free_port()}"
    log = (tmp_path / "issa_run.log").open("w")
    run = subprocess.Popen(  # noqa: S603
        [sys.executable, "manage.py", "issa_run", "--addr", addr],
        cwd=BASE_DIR,
        env=worker_env,
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        health: dict = {}
        deadline = time.monotonic() + DEADLINE_SECONDS
        while time.monotonic() < deadline and run.poll() is None and not health:
            try:
                with urllib.request.urlopen(f"http://{addr}/healthz", timeout=5) as response:
                    health = json.load(response)
            except OSError:
                time.sleep(0.5)
        assert health.get("status") == "ok", (tmp_path / "issa_run.log").read_text()

        with urllib.request.urlopen(f"http://{addr}/", timeout=10) as response:
            assert response.status == 200
        request = urllib.request.Request(
            f"http://{addr}/ussd/gateway",
            data=json.dumps({"session_id": "issa-run-1", "msisdn": "375291000001", "text": "*100#"}).encode(),
            headers={"Content-Type": "application/json", "X-Ussd-Token": "dev-ussd-token"},
        )
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            reply = json.load(response)
        assert reply["end"] is True
        assert reply["text"] == "Баланс: 25,40\xa0руб."

        # the worker started by issa_run takes a task enqueued by another process
        manage(
            worker_env,
            "shell",
            "-c",
            f"from issa.core.queue import enqueue_immediately; enqueue_immediately('os.mkdir', {str(marker)!r})",
        )
        # the task runs (the marker) before the worker's monitor saves its result: wait for both
        saved: list = []
        deadline = time.monotonic() + DEADLINE_SECONDS
        while time.monotonic() < deadline and not (marker.exists() and saved):
            time.sleep(0.5)
            saved = query(db, "SELECT success FROM django_q_task WHERE func = 'os.mkdir'")
        assert marker.is_dir(), (tmp_path / "issa_run.log").read_text()
        assert saved == [(1,)]

        # SIGTERM (a service manager's stop) ends issa_run, the web server and the worker
        run.send_signal(signal.SIGTERM)
        assert run.wait(timeout=30) == 0
        deadline = time.monotonic() + 10
        while group_alive(run.pid) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not group_alive(run.pid)
    finally:
        if group_alive(run.pid):
            os.killpg(run.pid, signal.SIGKILL)
        if run.poll() is None:
            run.wait(timeout=10)
        log.close()
