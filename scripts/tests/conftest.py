"""Harness for the simulator tests: start it as a process, talk Modbus TCP/RTU and control to it.

The Modbus clients here are written from the specification, independently of the simulator's own
framing code, so the tests cross-check it. Every process a test starts is stopped in a fixture's
teardown, even when the test fails.
"""

import contextlib
import json
import os
import re
import selectors
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SIM = ROOT / "scripts" / "modbus-sim"
SDM630 = ROOT / "hardware" / "meters" / "eastron-sdm630.toml"
SDM120 = ROOT / "hardware" / "meters" / "eastron-sdm120.toml"
sys.path.insert(0, str(ROOT / "scripts"))

# The simulator's CRC, which test_encoding pins to real SDM630 frames and the catalogued check value.
from modbussim.encoding import crc16_modbus as crc16  # noqa: E402


class ModbusError(Exception):
    def __init__(self, code):
        super().__init__(f"Modbus exception {code}")
        self.code = code


def stop_process(proc, sig=signal.SIGTERM, grace=5):
    """Sends `sig` to a child still running, and kills it if it has not ended within `grace` seconds."""
    if proc.poll() is None:
        proc.send_signal(sig)
        try:
            proc.wait(grace)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def read_line(stream, timeout):
    """One line from a pipe, or TimeoutError."""
    sel = selectors.DefaultSelector()
    sel.register(stream, selectors.EVENT_READ)
    buf = b""
    deadline = time.monotonic() + timeout
    fd = stream.fileno()
    while not buf.endswith(b"\n"):
        left = deadline - time.monotonic()
        if left <= 0 or not sel.select(left):
            raise TimeoutError(f"no line within {timeout} s (got {buf!r})")
        chunk = os.read(fd, 1)
        if not chunk:
            break
        buf += chunk
    sel.close()
    return buf.decode()


class Sim:
    """A running simulator process."""

    def __init__(self, args, timeout=10.0):
        self.stderr = tempfile.TemporaryFile()
        self.proc = subprocess.Popen([sys.executable, str(SIM), *map(str, args)],
                                     stdout=subprocess.PIPE, stderr=self.stderr)
        try:
            line = read_line(self.proc.stdout, timeout)
            if not line:
                raise RuntimeError(f"simulator exited: {self.errors()}")
            self.start = json.loads(line)
            self._ctl = None
            self.ctl({"cmd": "status"})  # the control channel answers: the simulator is up
        except BaseException:
            self.stop()
            raise

    def errors(self):
        self.stderr.seek(0)
        return self.stderr.read().decode(errors="replace")

    @property
    def port(self):
        return int(self.start["tcp"].rsplit(":", 1)[1])

    def ctl(self, cmd, ok=True):
        if self._ctl is None:
            host, port = self.start["control"].rsplit(":", 1)
            self._ctl = socket.create_connection((host, int(port)), timeout=5)
            self._ctl_file = self._ctl.makefile("rb")
        self._ctl.sendall(json.dumps(cmd).encode() + b"\n")
        reply = json.loads(self._ctl_file.readline())
        if ok is not None:
            assert reply["ok"] is ok, reply
        return reply

    def tcp(self, timeout=2.0):
        return TcpClient(self.port, timeout)

    def stop(self, sig=signal.SIGTERM):
        stop_process(self.proc, sig)
        if getattr(self, "_ctl", None) is not None:
            self._ctl.close()
            self._ctl = None
        self.proc.stdout.close()
        return self.proc.returncode


class TcpClient:
    """A minimal Modbus TCP master."""

    def __init__(self, port, timeout=2.0, host="127.0.0.1"):
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self.sock.settimeout(timeout)
        self.tid = 0

    def close(self):
        self.sock.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def recv_exactly(self, n):
        data = b""
        while len(data) < n:
            chunk = self.sock.recv(n - len(data))
            if not chunk:
                raise ConnectionResetError("closed by the server")
            data += chunk
        return data

    def request(self, unit, pdu):
        """Send a PDU; return (transaction id, unit, response PDU) as received."""
        self.tid = (self.tid + 1) & 0xFFFF
        self.sock.sendall(struct.pack(">HHHB", self.tid, 0, len(pdu) + 1, unit) + pdu)
        tid, proto, length, uid = struct.unpack(">HHHB", self.recv_exactly(7))
        assert proto == 0
        return tid, uid, self.recv_exactly(length - 1)

    def read(self, unit, address, count, function=4):
        """Registers as ints; raises ModbusError on an exception response."""
        tid, uid, pdu = self.request(unit, struct.pack(">BHH", function, address, count))
        assert tid == self.tid and uid == unit
        if pdu[0] == function | 0x80:
            raise ModbusError(pdu[1])
        assert pdu[0] == function and pdu[1] == 2 * count == len(pdu) - 2, pdu.hex()
        return list(struct.unpack(f">{count}H", pdu[2:]))

    def read_float(self, unit, address, function=4):
        regs = self.read(unit, address, 2, function)
        return struct.unpack(">f", struct.pack(">HH", *regs))[0]


class RtuClient:
    """A minimal Modbus RTU master on a serial device (a pty)."""

    def __init__(self, path):
        self.fd = os.open(path, os.O_RDWR | os.O_NOCTTY | os.O_NONBLOCK)
        import tty
        tty.setraw(self.fd)

    def close(self):
        os.close(self.fd)

    def drain(self):
        while True:
            try:
                if not os.read(self.fd, 4096):
                    return
            except BlockingIOError:
                return

    def transact(self, frame, expect=None, timeout=1.0, quiet=0.05):
        """Send raw bytes; return everything received until `expect` bytes arrived or `quiet`
        seconds passed without a byte after the first one, or `timeout` without any."""
        self.drain()
        os.write(self.fd, frame)
        sel = selectors.DefaultSelector()
        sel.register(self.fd, selectors.EVENT_READ)
        data = b""
        deadline = time.monotonic() + timeout
        try:
            while expect is None or len(data) < expect:
                wait = deadline - time.monotonic() if not data else quiet
                if wait <= 0 or not sel.select(wait):
                    break
                try:
                    data += os.read(self.fd, 4096)
                except BlockingIOError:
                    pass
        finally:
            sel.close()
        return data

    def read(self, unit, address, count, function=4, timeout=1.0):
        req = struct.pack(">BBHH", unit, function, address, count)
        return self.transact(req + crc16(req).to_bytes(2, "little"), expect=5 + 2 * count,
                             timeout=timeout)


@pytest.fixture
def start_sim():
    """start_sim(*args) -> Sim; all are stopped at teardown."""
    started = []

    def start(*args, **kw):
        sim = Sim(args, **kw)
        started.append(sim)
        return sim

    yield start
    for sim in started:
        sim.stop()


@contextlib.contextmanager
def socat_pair():
    """Start `socat -d -d pty,raw,echo=0 pty,raw,echo=0`; yields (process, path A, path B) and
    stops socat on the way out."""
    proc = subprocess.Popen(["socat", "-d", "-d", "pty,raw,echo=0", "pty,raw,echo=0"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        paths = []
        text = ""
        while "starting data transfer loop" not in text:
            line = read_line(proc.stderr, 5)
            if not line:
                raise RuntimeError(f"socat exited: {text}")
            text += line
            m = re.search(r"PTY is (\S+)", line)
            if m:
                paths.append(m.group(1))
        assert len(paths) == 2, text
        yield proc, paths[0], paths[1]
    finally:
        stop_process(proc)
        proc.stderr.close()


@pytest.fixture
def pty_pair():
    """A socat pty pair: (simulator side, master side). socat is stopped at teardown."""
    with socat_pair() as (_, a, b):
        yield a, b


@pytest.fixture
def values_file(tmp_path):
    def write(values):
        path = tmp_path / "values.json"
        path.write_text(json.dumps(values))
        return path
    return write
