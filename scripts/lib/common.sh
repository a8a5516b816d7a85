# Shared by scripts/test, scripts/demo and scripts/bench: install what is missing, never more.
# Source it; it defines functions and sets ROOT.

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
VENV="$ROOT/.venv"

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# Debian packages meterd builds against, packages with (scripts/package, scripts/check-package) and its tests talk to.
DEBIAN_PACKAGES=(
    pkg-config libmodbus-dev libgpiod-dev gpiod libi2c-dev i2c-tools libsecp256k1-dev dpkg-dev fakeroot lintian
    libssl-dev libcurl4-openssl-dev libsodium-dev socat mbpoll python3-venv systemd
)

# The release binary as installed on a device, built to stay small in memory (BENCHMARKS.md, meterd run):
# the Swift runtime linked in (the device needs no toolchain; only the code meterd uses is loaded),
# relative relocations packed (DT_RELR, glibc 2.36+: a megabyte of them was read at every start;
# ld.bfd writes them, gold cannot) and no exported symbols (scripts/lib/meterd.exports).
RELEASE_BUILD=(swift build -c release --static-swift-stdlib -Xswiftc -use-ld=bfd
               -Xlinker -z -Xlinker pack-relative-relocs -Xlinker "--version-script=$ROOT/scripts/lib/meterd.exports")

ensure_debian_packages() {
    local missing=()
    local package
    for package in "$@"; do
        dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    say "installing Debian packages: ${missing[*]}"
    local sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    $sudo apt-get update -qq || die "apt-get update failed"
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
        || die "apt-get install ${missing[*]} failed"
}

# The project's Python environment: one venv under the project, fed by every requirements file
# given. A stamp of the requirements' contents skips pip when nothing changed.
ensure_python_env() {
    local stamp="$VENV/.requirements.sha256"
    local want
    want=$(cat "$@" "$ROOT"/contracts/constraints.txt 2>/dev/null | sha256sum | cut -d' ' -f1)
    if [ -x "$VENV/bin/python" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
        return 0
    fi
    say "preparing the Python environment in .venv"
    [ -x "$VENV/bin/python" ] || python3 -m venv "$VENV" || die "could not create $VENV (is python3-venv installed?)"
    local args=()
    local file
    for file in "$@"; do args+=(-r "$file"); done
    "$VENV/bin/pip" install -q --disable-pip-version-check "${args[@]}" || die "pip install failed"
    echo "$want" > "$stamp"
}

python_requirement_files() {
    local files=("$ROOT/scripts/requirements.txt")
    [ -f "$ROOT/contracts/requirements.txt" ] && files+=("$ROOT/contracts/requirements.txt")
    printf '%s\n' "${files[@]}"
}

ensure_everything() {
    command -v swift >/dev/null || die "the Swift toolchain is not on PATH (https://www.swift.org/install/linux/)"
    ensure_debian_packages "${DEBIAN_PACKAGES[@]}"
    mapfile -t requirement_files < <(python_requirement_files)
    ensure_python_env "${requirement_files[@]}"
}
