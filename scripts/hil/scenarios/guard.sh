# The slot guard's GPIO output (docs/slot-guard.md, "The output") on gpio-sim: `meterd run` with a
# simulated settlement meter, 10 s slots and a maximum of 12 Wh a slot. The simulated site draws
# at least about 6 kW (a full slot: 16 Wh or more) and at most about 37 kW (12 Wh in 1.2 s or more),
# so each slot's first reading, half a second into it, projects it heading over the maximum, and a
# little later it is over: the guard asks to shed at the start of every slot.
# Lines (scripts/hil/init): 0 "relay" (the cutoff relay, energise to cut, active-high: low while the
# supply is connected), 3 the shed line, 4 the add line (unnamed).
# Run 1, active-high, min_on_seconds = 2: the shed line goes high at the slot's start, low again once
# the slot is over and the request's minimum has passed, high at the next slot; the add line stays
# inactive; the relay line is never moved. The add line is pulled up at the simulator (not what a
# board would do) so that the trace shows meterd driving it inactive while it runs, not just leaving it.
# Run 2, active-low (the board pulls the shed line up, to its inactive level), min_on_seconds = 600:
# the shed line goes low and stays low until SIGTERM, which clears it, journals the end and releases it.
# The journals live on the run folder (9p to the host disk), kept for diagnosis.
WORK=/hil/guard

# guard_config ACTIVE_LOW MIN_ON: a fresh state folder and a config with the relay on line 0, the shed
# line 3 and, active-high only, the add line 4.
guard_config() {
    STATE=$WORK/state-$RUN
    rm -rf "$STATE" && mkdir -p "$STATE"
    [ -f "$WORK/device.key" ] || "$METERD" key generate --out "$WORK/device.key" > /dev/null 2>&1
    CONF=$WORK/meterd-$RUN.toml
    cat > "$CONF" <<TOML
[meterd]
user = "root"
clock = "trusted"
state_directory = "$STATE"
key_file = "$WORK/device.key"
poll_interval_seconds = 0.5
slot_length_seconds = 10
settlement_meter = "site"

[journal]
fsync = "group"

[meters.site]
kind = "simulated"
seed = 1
peak_power_w = 36000

[relay]
chip = "$(sim_chip)"
line = "relay"
active_low = false
energised = "cuts"
fail_state = "connected"
remote_reconnection = "local"

[guard]
slot_min_wh = 0
slot_max_wh = 12
output = "gpio"
output_chip = "$(sim_chip)"
shed_line = 3
$([ "$1" = false ] && echo "add_line = 4")
output_active_low = $1
min_on_seconds = $2
min_off_seconds = 0
release_margin_percent = 5
TOML
}

# trace_start N...: samples lines N... at the simulator about every 2 ms (forkless, as
# sim_trace_start); each change of any of them is one line "LEVELS SECONDS" in $WORK/trace-$RUN.
trace_start() {
    local files=() n
    for n in "$@"; do files+=("$SIM_DIR/sim_gpio$n/value"); done
    [ -p /tmp/guard-idle ] || mkfifo /tmp/guard-idle    # never written: reads on it time out
    ( prev=""
      while :; do
        s=""; for f in "${files[@]}"; do read -r v < "$f"; s+=$v; done
        [ "$s" != "$prev" ] && { echo "$s $EPOCHREALTIME"; prev=$s; }
        read -r -t 0.002 -u "$idle"
      done ) > "$WORK/trace-$RUN" {idle}<> /tmp/guard-idle &
    TRACER=$!
    sleep 0.05
}
trace_stop() { sleep 0.05; kill "$TRACER"; wait "$TRACER" 2>/dev/null; }
# column I: the distinct levels the I-th traced line went through, in order, e.g. "010".
column() { awk -v i="$1" '{ c = substr($1, i, 1); if (c != p) { printf "%s", c; p = c } }' "$WORK/trace-$RUN"; }

# held LINE LEVEL [POLARITY]: the simulator sees LEVEL on LINE and gpioinfo shows meterd holding it as
# an output (of POLARITY, active-high or active-low). The level is read first: a level seen after a
# release cannot pass, the line is no longer meterd's by then.
held() {
    [ "$(sim_value "$1")" = "$2" ] && gpioinfo "$(sim_chip)" | grep -Eq "line +$1: +[^ ]+ +\"meterd\" +output +${3:-active}"
}
# unheld LINE: nobody holds LINE.
unheld() { gpioinfo "$(sim_chip)" | grep -Eq "line +$1: +[^ ]+ +unused"; }
# all_held: meterd holds the relay line at 0 (connected), the add line at 0 (inactive) and the shed
# line, all as outputs.
all_held() {
    local info
    [ "$(sim_value 0)" = 0 ] && [ "$(sim_value 4)" = 0 ] || return 1
    info=$(gpioinfo "$(sim_chip)")
    grep -Eq 'line +0: +"relay" +"meterd" +output' <<< "$info" && grep -Eq 'line +3: +[^ ]+ +"meterd" +output' <<< "$info" \
        && grep -Eq 'line +4: +[^ ]+ +"meterd" +output' <<< "$info"
}
# shed_traced LEVEL PATTERN: the shed line is held at LEVEL (active-high) and its levels so far, in the
# trace of run 1, match PATTERN (a glob): a release only counts after the line was seen active.
shed_traced() { held 3 "$1" active-high && [[ $(column 2) == $2 ]]; }
log_tail() { tail -n 8 "$WORK/run-$RUN.log" 2>/dev/null; }
# waited NAME SECONDS CMD...: a check that CMD succeeds within SECONDS (the detail says what was seen).
waited() {
    local name=$1 seconds=$2; shift 2
    if wait_for "$seconds" "$@"; then record "$name" true "$* within ${seconds} s"
    else record "$name" false "not within ${seconds} s: $*; lines: $(gpioinfo "$(sim_chip)" | grep -E 'line +[034]:' | tr -s ' \t' ' '); log: $(log_tail)"; fi
}
start_meterd() {
    "$METERD" run --config "$CONF" > "$WORK/run-$RUN.log" 2>&1 & PID=$!
}
# stop_meterd: SIGTERM, then waits for the exit (SIGKILL after 30 s); its status in $RC.
stop_meterd() {
    kill -TERM "$PID"
    ( sleep 30; kill -KILL "$PID" 2> /dev/null ) & local killer=$!
    wait "$PID"; RC=$?
    kill "$killer" 2> /dev/null; wait "$killer" 2> /dev/null
}
guard_records() { run_cmd "$METERD" journal show --config "$CONF" --type guard-output; }

scenario() {
    mkdir -p "$WORK"
    local chip
    chip=$(sim_chip)

    # Run 1: active-high, the request held 2 s at least, then released once the slot is over.
    RUN=1
    guard_config false 2
    sim_pull 0 down; sim_pull 3 down; sim_pull 4 up
    trace_start 0 3 4
    start_meterd
    waited meterd-holds-relay-shed-and-add-lines 30 all_held
    waited shed-line-goes-active-while-heading-over 40 held 3 1 active-high
    run_cmd "$METERD" slot --config "$CONF"
    expect_match slot-reports-heading-over-or-over '^state: +(heading-over|over)$' "$OUT"
    expect_match slot-sees-the-daemon-running 'daemon: +running' "$OUT"
    waited shed-line-goes-inactive-once-the-slot-is-over 20 shed_traced 0 '010*'
    waited shed-line-active-again-in-the-next-slot 20 shed_traced 1 '0101*'
    expect add-line-held-inactive 0 "$(sim_value 4)"
    stop_meterd
    trace_stop
    expect sigterm-exits-0 0 "$RC"
    expect_match sigterm-releases-the-shed-and-add-lines 'unused' "$(unheld 3 && unheld 4 && echo unused || gpioinfo "$chip")"
    expect shed-line-at-its-inactive-level-after-release 0 "$(sim_value 3)"
    # The traced columns: relay, shed, add.
    expect relay-line-never-moved-by-the-guard 0 "$(column 1)"
    expect_match shed-line-traced-on-off-on-off '^0101' "$(column 2)"
    expect add-line-driven-inactive-while-running-then-released 101 "$(column 3)"
    guard_records
    expect guard-output-records-show-exits-0 0 "$RC"
    expect_match journal-records-the-shed-request 'guard-output request=shed previous=none slot=[0-9]+ state=heading-over ' "$OUT"
    expect_match journal-records-its-end-once-over 'guard-output request=none previous=shed slot=[0-9]+ state=over ' "$OUT"
    expect_match journal-records-a-second-shed-request '^[2-9]|^[1-9][0-9]' "$(grep -c 'request=shed previous=none' <<< "$OUT")"
    expect output-never-failed-to-write 0 "$(grep -c 'cannot write' "$WORK/run-$RUN.log")"

    # Run 2: active-low, held until meterd stops.
    RUN=2
    guard_config true 600
    sim_pull 3 up
    trace_start 3
    start_meterd
    waited active-low-shed-line-goes-low-while-shedding 40 held 3 0 active-low
    run_cmd "$METERD" slot --config "$CONF"
    expect_match active-low-slot-reports-heading-over-or-over '^state: +(heading-over|over)$' "$OUT"
    stop_meterd
    trace_stop
    expect active-low-sigterm-exits-0 0 "$RC"
    expect_match active-low-sigterm-releases-the-shed-line 'unused' "$(unheld 3 && echo unused || gpioinfo "$chip")"
    expect active-low-shed-line-back-high-after-release 1 "$(sim_value 3)"
    expect active-low-shed-line-traced-high-low-high 101 "$(column 1)"
    guard_records
    expect_match active-low-journal-records-the-shed-request 'guard-output request=shed previous=none slot=[0-9]+ state=heading-over ' "$OUT"
    expect_match active-low-journal-records-the-clear-at-stop 'guard-output request=none previous=shed state=stopping reason="meterd stops: the output is cleared"' "$OUT"
    expect active-low-journal-has-exactly-two-guard-output-records 2 "$(grep -c 'guard-output' <<< "$OUT")"
}
