#!/usr/bin/env python3
"""Host side of the HIL harness: boots Debian's kernel in qemu (TCG) on the prepared initramfs,
with the host's root shared read-only (the guest overlays it with a tmpfs) and a writable share
for the results, runs one scenario there and returns its checks.

    scripts/hil/run-tests [SCENARIO...]   runs the scenarios given (names under scenarios/ or paths),
                                          every one by default

Every run keeps its console log and results in .hil-cache/runs/NAME/.
"""
import json
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

HIL = Path(__file__).resolve().parent
ROOT = HIL.parent.parent
RUNS = ROOT / ".hil-cache" / "runs"


class GuestError(Exception):
    """The guest could not run at all (no qemu, no kernel, no boot): one line says why."""


@dataclass
class Check:
    name: str
    ok: bool
    detail: str


@dataclass
class Run:
    scenario: str
    checks: list
    seconds: float
    console: Path

    @property
    def ok(self):
        return bool(self.checks) and all(c.ok for c in self.checks)


def prepare():
    """Runs scripts/hil/prepare (cached) and returns the cache folder."""
    done = subprocess.run([HIL / "prepare"], stdout=subprocess.PIPE, text=True)
    if done.returncode != 0:
        raise GuestError("preparing the guest failed (see the messages above)")
    return Path(done.stdout.strip().splitlines()[-1])


def scenario_mode(path):
    """shell, or systemd when the scenario's header says `# hil-mode: systemd`."""
    for line in path.read_text().splitlines()[:10]:
        if line.startswith("# hil-mode:"):
            return line.split(":", 1)[1].strip()
    return "shell"


def run(scenario, cache, meterd, timeout=None):
    scenario = Path(scenario).resolve()
    name = scenario.stem
    mode = scenario_mode(scenario)
    timeout = timeout or 420
    qemu = shutil.which("qemu-system-x86_64")
    if qemu is None:
        raise GuestError("qemu-system-x86_64 is not installed (scripts/hil/prepare installs it)")
    out = RUNS / name
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    (out / "meterd-path").write_text(str(meterd))
    console = out / "console.log"
    append = (f"console=ttyS0 panic=-1 loglevel=4 hil.mode={mode} hil.guest={HIL / 'guest'} hil.scenario={scenario}"
              + (" systemd.unit=hil.target" if mode == "systemd" else ""))
    command = [
        qemu, "-accel", "tcg", "-m", "1024", "-smp", "2", "-no-reboot",
        "-display", "none", "-monitor", "none", "-serial", f"file:{console}",
        "-serial", "null",  # ttyS1: a UART with nothing on the line, the RS-485 port of the service test
        "-kernel", str(cache / "vmlinuz"), "-initrd", str(cache / "initrd.gz"), "-append", append,
        "-virtfs", "local,path=/,mount_tag=host,security_model=none,readonly=on,multidevs=remap",
        "-virtfs", f"local,path={out},mount_tag=out,security_model=none",
    ]
    start = time.monotonic()
    with open(out / "qemu.log", "w") as qemu_log:
        try:
            subprocess.run(command, stdin=subprocess.DEVNULL, stdout=qemu_log, stderr=qemu_log,
                           timeout=timeout, check=False)
            timed_out = False
        except subprocess.TimeoutExpired:
            timed_out = True
    seconds = time.monotonic() - start

    results = out / "results.jsonl"
    log = console.read_text(errors="replace") if console.exists() else ""
    if not results.exists():
        qemu_said = (out / "qemu.log").read_text(errors="replace").strip().splitlines()
        why = next((l for l in log.splitlines() if "HIL-INIT-FAILED" in l or "Kernel panic" in l),
                   qemu_said[-1] if qemu_said else None)
        raise GuestError(f"the guest never reached scenario {name}"
                         f" ({why or ('timed out after %ds' % timeout if timed_out else 'qemu exited')});"
                         f" console: {console}")
    checks, done = [], False
    for line in results.read_text().splitlines():
        record = json.loads(line)
        if record.get("done"):
            done = True
        else:
            checks.append(Check(record["check"], record["ok"], record["detail"]))
    if not checks:
        checks.append(Check("checks", False, "the scenario recorded no check"))
    if not done:
        checks.append(Check("finished", False, f"timed out after {timeout}s" if timed_out
                            else "the scenario stopped before its end"))
    return Run(name, checks, seconds, console)


def meterd_binary():
    """The meterd the scenarios run: the host's debug build, shared into the guest by path."""
    done = subprocess.run(["swift", "build", "--product", "meterd"], cwd=ROOT,
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if done.returncode != 0:
        raise GuestError("swift build --product meterd failed: " + done.stderr.strip()[-300:])
    path = subprocess.run(["swift", "build", "--show-bin-path"], cwd=ROOT, capture_output=True,
                          text=True, check=True).stdout.strip()
    return Path(path) / "meterd"


def scenario_paths(names):
    found = []
    for name in names or sorted(p.stem for p in (HIL / "scenarios").glob("*.sh")):
        path = Path(name) if name.endswith(".sh") else HIL / "scenarios" / f"{name}.sh"
        if not path.exists():
            raise GuestError(f"no scenario {name} (scenarios are in {HIL / 'scenarios'})")
        found.append(path)
    return found


def main(argv):
    sys.stdout.reconfigure(line_buffering=True)
    started = time.monotonic()
    passed = failed = 0
    try:
        paths = scenario_paths(argv)
        meterd = meterd_binary()
        cache = prepare()
    except GuestError as error:
        print(f"hil: cannot run the guest: {error}")
        print("0 passed, 1 failed")
        return 1
    for path in paths:
        try:
            result = run(path, cache, meterd)
        except GuestError as error:
            print(f"hil: cannot run the guest: {error}")
            failed += 1
            continue
        for check in result.checks:
            print(f"{result.scenario}::{check.name} {'PASSED' if check.ok else 'FAILED'}"
                  + ("" if check.ok else f"\n    {check.detail}"))
            passed += check.ok
            failed += not check.ok
        print(f"  ({result.scenario}: {result.seconds:.0f} s in the guest;"
              f" console log {result.console.relative_to(ROOT)})")
        if not result.ok:
            tail = result.console.read_text(errors="replace").splitlines()[-15:]
            print("    console tail:\n" + "\n".join("    | " + l for l in tail))
    print(f"(hil: {time.monotonic() - started:.0f} s)")
    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 and passed > 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
