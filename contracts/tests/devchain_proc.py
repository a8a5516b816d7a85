"""Starts `python -m contracts.devchain` on a free port for a test and always stops it."""

import json
import select
import subprocess
import sys
import urllib.request
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


@contextmanager
def running_devchain(*args, timeout=60):
    proc = subprocess.Popen(
        [sys.executable, "-m", "contracts.devchain", "--port", "0", *args],
        cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        ready, _, _ = select.select([proc.stdout], [], [], timeout)
        if not ready:
            raise RuntimeError("devchain did not print its first line in time")
        line = proc.stdout.readline()
        if not line:
            raise RuntimeError(f"devchain exited: {proc.stderr.read()}")
        yield json.loads(line), proc
    finally:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        proc.stdout.close()
        proc.stderr.close()


def post(url, body):
    """POSTs raw bytes and returns (HTTP status, decoded JSON or None)."""
    req = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=60) as resp:
        data = resp.read()
        return resp.status, (json.loads(data) if data else None)


def rpc(url, method, *params):
    """One JSON-RPC call; returns the whole response object."""
    _, response = post(url, json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": list(params)}).encode())
    return response


def result(url, method, *params):
    response = rpc(url, method, *params)
    assert "error" not in response, response
    return response["result"]
