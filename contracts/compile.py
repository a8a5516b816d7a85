"""Compiles the agreement contract with the pinned Vyper and writes contracts/build/.

    .venv/bin/python -m contracts.compile          # rewrite contracts/build/Agreements.json
    .venv/bin/python -m contracts.compile --check  # exit 1 when the committed build is stale

The build file holds the ABI, the deployment bytecode, the runtime bytecode, the storage
layout, the compiler version and the EVM version; the Swift side and electro-admin read it.
"""

import json
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SOURCE = HERE / "src" / "Agreements.vy"
BUILD = HERE / "build" / "Agreements.json"
EVM_VERSION = "london"
COMPILER = "vyper==0.4.3"
# Vyper's Venom pipeline: the contract with its consent rules does not fit the
# 24,576-byte code limit (EIP-170) through the legacy pipeline (26,263 bytes),
# and Venom's code is also cheaper on the device path (BENCHMARKS.md).
CODEGEN = ["--experimental-codegen"]


def compiler_version() -> str:
    import vyper

    return vyper.__version__


def build() -> dict:
    """Compiles the source and returns the build record (nothing is written)."""
    version = compiler_version()
    if not version.startswith(COMPILER.split("==")[1]):
        raise SystemExit(f"compile: vyper {version} installed, {COMPILER} pinned; reinstall contracts/requirements.txt")
    out = subprocess.run(
        [
            sys.executable, "-m", "vyper",
            "--evm-version", EVM_VERSION,
            *CODEGEN,
            "-p", str(HERE / "src"),
            "-f", "abi,bytecode,bytecode_runtime,layout",
            str(SOURCE),
        ],
        check=True, capture_output=True, text=True,
    ).stdout.strip().splitlines()
    abi, bytecode, runtime, layout = out[0], out[1], out[2], out[3]
    return {
        "contract": "Agreements",
        "source": "contracts/src/Agreements.vy",
        "compiler": f"vyper {version}",
        "evm_version": EVM_VERSION,
        "codegen": "venom",
        "abi": json.loads(abi),
        "bytecode": bytecode,
        "bytecode_runtime": runtime,
        "storage_layout": json.loads(layout)["storage_layout"],
    }


def render(record: dict) -> str:
    return json.dumps(record, indent=1, sort_keys=True) + "\n"


def load() -> dict:
    return json.loads(BUILD.read_text())


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    text = render(build())
    if "--check" in argv:
        if not BUILD.exists() or BUILD.read_text() != text:
            print("compile: contracts/build/Agreements.json is stale; run .venv/bin/python -m contracts.compile", file=sys.stderr)
            return 1
        return 0
    BUILD.parent.mkdir(parents=True, exist_ok=True)
    BUILD.write_text(text)
    print(f"wrote {BUILD.relative_to(HERE.parent)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
