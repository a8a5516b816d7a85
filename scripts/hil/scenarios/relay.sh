# The relay through libgpiod on gpio-sim, driven by `meterd relay` without a daemon: each command
# requests the line with the journaled state, applies its order, journals it and releases the line
# on exit (docs/cutoff.md); --hold keeps it requested for a while after the order, so the level the
# order set can be read at the simulator. The simulator's pull stands for the board's resistor,
# which holds the released line at the de-energised level (the fail state).
# Lines (scripts/hil/init): 0 "relay", 1 "feedback", 2 "button".
# The journal and key live on the run folder (9p to the host disk): kept for diagnosis, and each
# journal fsync is a real one, as on a Pi.
WORK=/hil/relay

# relay_config ACTIVE_LOW ENERGISED: a fresh journal and a config for that wiring.
relay_config() {
    local fail_state=connected
    [ "$2" = connects ] && fail_state=disconnected
    rm -rf "$WORK/journal" "$WORK/requests" && mkdir -p "$WORK/requests"
    [ -f "$WORK/device.key" ] || "$METERD" key generate --out "$WORK/device.key" > /dev/null 2>&1
    cat > "$WORK/meterd.toml" <<TOML
[meterd]
user = "root"
poll_interval_seconds = 1.0
slot_length_seconds = 900

$(ina228_tables)

[relay]
chip = "$(sim_chip)"
line = "relay"
active_low = $1
energised = "$2"
fail_state = "$fail_state"
remote_reconnection = "local"
request_dir = "$WORK/requests"

[relay.feedback]
line = "feedback"
active_when_closed = true
TOML
    # The board's resistor: pulled to the de-energised level (low for an active-high input).
    if [ "$1" = true ]; then sim_pull 0 up; else sim_pull 0 down; fi
    sim_pull 1 up    # auxiliary contact closed: the supply is live, as commanded at start
}
relay() { run_cmd "$METERD" relay "$@" --config "$WORK/meterd.toml" --journal "$WORK/journal" --key "$WORK/device.key"; }
# traced CMD...: runs `meterd relay CMD...` while sampling line 0; the trace is left in $TRACE.
traced() { sim_trace_start 0; relay "$@"; TRACE=$(sim_trace_stop); }
# held_at LEVEL: meterd holds line 0 as an output and the simulator sees LEVEL. Read in this order,
# a level seen after the release cannot pass: the line is no longer meterd's by then.
held_at() {
    [ "$(sim_value 0)" = "$1" ] && gpioinfo "$(sim_chip)" | grep -Eq 'line +0: +"relay" +"meterd" +output'
}
# ordered NAME LEVEL open|close --reason R: runs the order with --hold 5s in the background (long
# enough for a few samples when the emulated guest runs slowly on a busy host) and
# checks that the line, while meterd holds it after the order, is at LEVEL; then that the command
# succeeds and the released line returns to the fail state's level FAIL_LEVEL.
ordered() {
    local name=$1 level=$2 pid; shift 2
    "$METERD" relay "$@" --hold 5s --config "$WORK/meterd.toml" --journal "$WORK/journal" \
        --key "$WORK/device.key" > "$WORK/out" 2>&1 & pid=$!
    if wait_for 20 held_at "$level"; then record "$name" true "held at $level"
    else record "$name" false "never held at $level; now $(sim_value 0), $(gpioinfo "$(sim_chip)" | grep 'line *0:')"; fi
    wait "$pid"; RC=$?; OUT=$(cat "$WORK/out")
    expect "$name-exits-0" 0 "$RC"
    expect "$name-then-releases-to-the-fail-state" "$FAIL_LEVEL" "$(sim_value 0)"
}

scenario() {
    mkdir -p "$WORK"
    # "Energise to cut", active-high: the supply is cut while the line is high; the released line,
    # pulled low, leaves it connected (the fail state).
    relay_config false cuts; FAIL_LEVEL=0
    ordered open-drives-the-line-high 1 open --reason "hil open"
    expect_match open-reports-disconnected '^state: +disconnected' "$OUT"
    ordered close-drives-the-line-low 0 close --reason "hil close"
    expect_match close-reports-connected '^state: +connected' "$OUT"
    traced test --pulse 500ms
    expect test-exits-0 0 "$RC"
    expect test-pulses-the-line-high-and-back 010 "$TRACE"

    # SIGKILL while the line is held energised (a long test pulse): the kernel releases it and the
    # simulator sees the de-energised level, the supply connected: the documented fail state.
    "$METERD" relay test --pulse 10s --config "$WORK/meterd.toml" --journal "$WORK/journal" --key "$WORK/device.key" > /dev/null 2>&1 &
    local holder=$!
    wait_for 30 held_at 1
    expect line-held-energised-during-a-long-pulse 1 "$(sim_value 0)"
    kill -KILL "$holder"; wait "$holder" 2>/dev/null
    sleep 0.2
    expect sigkill-releases-the-line-to-the-fail-state 0 "$(sim_value 0)"

    # Active-low, "energise to cut": the coil is energised by pulling the input low; the board pulls
    # it up, so at rest and after release the line is high.
    relay_config true cuts; FAIL_LEVEL=1
    ordered active-low-open-drives-the-line-low 0 open --reason "hil open active-low"
    ordered active-low-close-drives-the-line-high 1 close --reason "hil close active-low"
    traced test --pulse 500ms
    expect active-low-test-pulses-the-line-low-and-back 101 "$TRACE"

    # "Energise to connect" (fail state disconnected): the supply is live only while the coil is
    # energised; without a journal meterd starts from the fail state, ready for reconnection.
    relay_config false connects; FAIL_LEVEL=0
    ordered energise-to-connect-close-drives-the-line-high 1 close --reason "hil commission"
    expect_match energise-to-connect-close-reports-connected '^state: +connected' "$OUT"
    ordered energise-to-connect-open-drives-the-line-low 0 open --reason "hil open energise-to-connect"
    relay_config true connects; FAIL_LEVEL=1
    ordered active-low-energise-to-connect-close-drives-the-line-low 0 close --reason "hil commission active-low"

    # The auxiliary contact, read through a real input line when a command reconciles at start:
    # closed (pulled up) agrees with "connected", so a close changes nothing; open (pulled down)
    # while commanded connected is doubt, so meterd goes to "ready for reconnection" and the close
    # becomes a journaled reconnection.
    relay_config false cuts
    relay close --reason "feedback agrees"
    expect_match feedback-closed-agrees-with-connected '^journaled: +nothing changed' "$OUT"
    sim_pull 1 down
    relay close --reason "feedback disagrees"
    expect_match feedback-open-makes-the-close-a-reconnection '^journaled: +local reconnect: meterd relay close: feedback disagrees' "$OUT"
    run_cmd "$METERD" journal show --journal "$WORK/journal"
    expect_match feedback-open-journals-the-doubt 'reconciliation at start' "$OUT"
}
