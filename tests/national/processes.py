"""Real processes for the fault tests: a private ``nats-server`` with JetStream, ``jiuzhu relay`` and ``national``."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from chaos.cluster import stop_process

JIUZHU = str(Path(sys.executable).parent / "jiuzhu")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class NatsServer:
    """``nats-server -js`` on a port of its own, its JetStream store in ``directory`` (kept across restarts)."""

    def __init__(self, directory: Path):
        binary = shutil.which("nats-server") or "/usr/sbin/nats-server"
        if not Path(binary).exists():
            raise FileNotFoundError("nats-server is not installed")
        self.binary, self.directory, self.port = binary, directory, free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"nats://127.0.0.1:{self.port}"

    def start(self) -> None:
        args = [self.binary, "-js", "-sd", str(self.directory), "-a", "127.0.0.1", "-p", str(self.port)]
        with (self.directory / "nats.log").open("ab") as log:
            self.process = subprocess.Popen(args, stdout=log, stderr=log)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return
            except OSError:
                time.sleep(0.05)
        raise TimeoutError(f"nats-server did not answer on {self.port}")

    def kill(self) -> None:
        if self.process is not None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait()
            self.process = None


class Command:
    """A ``jiuzhu`` subcommand in its own process, with its output in a log file."""

    def __init__(self, args: list[str], env: dict[str, str], log: Path):
        self.args, self.env, self.log = args, env, log
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> Command:
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                [JIUZHU, *self.args], env={**os.environ, **self.env}, stdout=out, stderr=out
            )
        return self

    def kill(self) -> None:
        """SIGKILL: no clean-up of any kind."""
        if self.process is not None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait()
            self.process = None

    def stop(self) -> None:
        if self.process is not None:
            stop_process(self.process, timeout=10)
            self.process = None


def wait_until(condition: object, timeout: float, what: str, every: float = 0.05) -> None:
    assert callable(condition)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(every)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")
