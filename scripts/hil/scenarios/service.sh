# hil-mode: systemd
# meterd.service as scripts/install installs it (the .deb scripts/package built), run by systemd 252 as PID 1 on the simulated
# hardware: the relay on gpio-sim line 0 ("energise to cut", active-high, fail state connected: the
# line is low while the supply is connected), the contactor's auxiliary contact on line 1, the
# reconnection button on line 2, an INA228 on i2c-stub, a simulated meter and, at the end, an RS-485
# bus on ttyS1 (a second UART of qemu's with nothing attached).
#
# The test's only changes to the installed unit, in a drop-in: WatchdogSec=6s (30 s installed),
# RestartSec=1s (5 s installed; time only) and the stall hook METERD_TEST_STALL_FILE. /dev/gpiochip*
# gets group gpio, mode 0660, from a udev rule written here (what Raspberry Pi OS's own rules do;
# Debian has none); /dev/i2c-* gets group i2c from i2c-tools' rule.
#
# The simulator's pulls stand for the hardware: line 0 pulled down (the board's resistor: a
# released line leaves the coil de-energised, the supply connected), line 1 follows the contactor
# (up: main contacts closed), line 2 is the button (up while pressed).
CONFIG=/etc/meterd/meterd.toml
BIN=/usr/bin/meterd
UNIT=meterd.service
STALL=/run/meterd-stall

setup() {
    local t0=$EPOCHREALTIME
    # The package scripts/test built (scripts/package), installed as scripts/install installs it.
    # man-db's trigger would index every man page of the host's root under emulation (minutes).
    rm -f /var/lib/man-db/auto-update
    local deb
    deb=$(compgen -G "$ROOT/.build/deb/meterd_*-1_*.deb" | head -1)
    if [ -z "$deb" ]; then
        record install-exits-0 false "no .build/deb/meterd_*-1_*.deb: build it with scripts/package (scripts/test does)"
        return 0
    fi
    run_cmd bash "$ROOT/scripts/install" --no-start --deb "$deb"
    expect install-exits-0 0 "$RC"
    expect_match install-prints-the-device-address 'agreement contract: 0x[0-9a-fA-F]{40}$' "$OUT"
    echo "HIL-SETUP: scripts/install took $(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }') s" > /dev/console
    echo 'SUBSYSTEM=="gpio", KERNEL=="gpiochip[0-9]*", GROUP="gpio", MODE="0660"' > /etc/udev/rules.d/60-hil-gpiochip.rules
    mkdir -p /etc/systemd/system/meterd.service.d
    cat > /etc/systemd/system/meterd.service.d/hil.conf <<UNIT
# The HIL test's changes: a shorter watchdog and restart pause, and the hook that stalls the poll loop.
[Service]
WatchdogSec=6s
RestartSec=1s
Environment=METERD_TEST_STALL_FILE=$STALL
UNIT
}

write_config() {  # keeps the installed file's owner, group and mode (root:meterd 0640)
    cat > "$CONFIG" <<TOML
[meterd]
clock = "trusted"
poll_interval_seconds = 1.0
slot_length_seconds = 900

$(ina228_tables)

[meters.demo]
kind = "simulated"
seed = 1

[relay]
chip = "$SIM_CHIP"
line = "relay"
active_low = false
energised = "cuts"
fail_state = "connected"
remote_reconnection = "local"

[relay.feedback]
line = "feedback"
active_when_closed = true

[relay.button]
line = "button"
active_low = false
TOML
}

as_meterd() { run_cmd runuser -u meterd -- "$BIN" "$@" --config "$CONFIG"; }
line_at() { local v; read -r v < "$SIM_DIR/sim_gpio0/value"; [ "$v" = "$1" ]; }
unit_log() { journalctl -b -u "$UNIT" -o cat --no-pager 2>&1; }
# unit_props P1,P2,...: the unit's properties, values only, space-separated, in the order asked.
unit_props() {
    local out p values=()
    out=$(systemctl show -p "$1" "$UNIT")
    for p in ${1//,/ }; do
        [[ $out =~ (^|$'\n')$p=([^$'\n']*) ]] && values+=("${BASH_REMATCH[2]}") || values+=("?")
    done
    echo "${values[*]}"
}
# held_by_meterd: gpioinfo shows meterd holding the relay as an output and the two inputs.
held_by_meterd() {
    local info
    info=$(gpioinfo "$SIM_CHIP")
    [[ $info =~ line\ +0:\ +\"relay\"\ +\"meterd\"\ +output ]] && [[ $info =~ line\ +1:\ +\"feedback\"\ +\"meterd\"\ +input ]] \
        && [[ $info =~ line\ +2:\ +\"button\"\ +\"meterd\"\ +input ]]
}
# new_pid NAME OLD: checks that the unit has a main process again, and not OLD.
new_pid() {
    local pid
    pid=$(unit_props MainPID)
    if [ "$pid" != "$2" ] && [ "$pid" != 0 ]; then record "$1" true "MainPID $2 -> $pid"
    else record "$1" false "MainPID $pid (before: $2)"; fi
}
# traced NAME WANT: checks $TRACE (from sim_trace_stop); the detail keeps the timeline and, for a
# drop, how long the line spent low (the fail state: supply connected).
traced() {
    local timeline gap
    timeline=$(sim_trace_timeline)
    gap=$(awk '{ for (i = 1; i <= NF; i++) { split($i, p, "@"); t[i] = p[2]; v[i] = p[1] }
                 for (i = 2; i < NF; i++) if (v[i] == 0) printf "; line low (supply connected) for %.2f s", t[i + 1] - t[i] }' <<< "$timeline")
    if [ "$TRACE" = "$2" ]; then record "$1" true "$TRACE: $timeline$gap"
    else record "$1" false "expected '$2', got '$TRACE': $timeline$gap"; fi
}
# restarted_after N: the unit restarted more than N times and is active again.
restarted_after() { [ "$(unit_props NRestarts,ActiveState)" = "$(($1 + 1)) active" ]; }

scenario() {
    # systemd-udev-trigger only queues the "add" events of the devices that existed before udevd
    # started (the gpio-sim chip among them): wait until udevd has applied the rules to them.
    udevadm settle --timeout=60
    expect gpiochip-and-i2c-adapter-by-group-only "root gpio 660 root i2c 660" "$(stat -c '%U %G %a' "/dev/$SIM_CHIP" /dev/i2c-0 | paste -sd' ')"
    write_config
    stub_ina228
    sim_pull 0 down; sim_pull 1 up; sim_pull 2 down
    # systemd's debug log names each notification a unit sends and each state change it makes.
    systemd-analyze log-level debug

    # Start: activating until READY=1, whose STATUS= begins "running:".
    systemctl start "$UNIT"
    expect active-running-after-start "active running" "$(unit_props ActiveState,SubState)"
    systemd-analyze log-level info    # the debug log costs the guest time the rest needs
    local log order
    log=$(unit_log)
    order=$(grep -Eo 'Changed start-pre -> start$|Got notification message from PID [0-9]+ \(READY=1|Changed start -> running$' <<< "$log" \
            | sed -E 's/Got notification.*READY=1/READY=1/; s/Changed //' | uniq | head -3 | paste -sd' ')
    expect running-only-after-ready-1 "start-pre -> start READY=1 start -> running" "$order"
    expect_match ready-1-status-begins-running 'READY=1, STATUS=running: 2 meters' "$(grep -m1 'READY=1' <<< "$log")"
    local answering='Status: "2/2 meters answering; dc 2048 W; demo [0-9]+ W'
    status_answering() { systemctl status --no-pager "$UNIT" | grep -Eq "$answering"; }
    wait_for 20 status_answering
    expect_match status-then-says-both-meters-answering "$answering" "$(systemctl status --no-pager "$UNIT" 2>&1)"

    # The sandbox: meterd runs as its user with the unit's groups and reaches both devices.
    local pid groups
    pid=$(unit_props MainPID)
    groups=$(ps -o user=,supgrp= -p "$pid")
    if [[ $groups =~ ^meterd\ .*gpio ]] && [[ $groups =~ i2c ]]; then record runs-as-meterd-with-groups-gpio-and-i2c true "$groups"
    else record runs-as-meterd-with-groups-gpio-and-i2c false "$groups"; fi
    expect ina228-shunt-cal-written-through-the-unit 0xb80b "$(/usr/sbin/i2cget -y 0 0x40 0x02 w)"
    expect relay-and-inputs-held-by-meterd yes "$(held_by_meterd && echo yes || gpioinfo "$SIM_CHIP" | grep -E 'line +[012]:')"
    # Connected is the low level, also the pull's: against a pull-up it stays low only if driven.
    sim_pull 0 up; sleep 0.2
    expect relay-driven-low-connected-while-held 0 "$(sim_value 0)"
    sim_pull 0 down

    # A restart while connected: low while held, low while released (the pull), so any pulse
    # would be meterd driving the line high.
    sim_trace_start 0
    systemctl restart "$UNIT"
    TRACE=$(sim_trace_stop)
    traced restart-while-connected-no-chatter 0
    new_pid restart-gives-a-new-main-pid "$pid"

    # meterd relay open as the service user while the daemon runs: queued, executed by the daemon.
    as_meterd relay open --reason hil
    expect_match relay-open-is-queued-for-the-daemon '^queued: +/var/lib/meterd/relay-requests/' "$OUT"
    if wait_for 10 line_at 1; then record relay-open-drives-the-line-high true 1
    else record relay-open-drives-the-line-high false "line still $(sim_value 0); $(unit_log | tail -5)"; fi
    sim_pull 1 down    # the contactor opens: its auxiliary contact follows
    as_meterd relay status
    if [[ $OUT =~ state:\ +disconnected ]] && [[ $OUT =~ daemon:\ +running ]]; then record relay-status-disconnected-daemon-running true "$OUT"
    else record relay-status-disconnected-daemon-running false "$OUT"; fi

    # A restart while disconnected: the old process's exit releases the line, the pull takes it to
    # the fail state (supply connected) until the new process requests it with the journaled cut.
    pid=$(unit_props MainPID)
    sim_trace_start 0
    systemctl restart "$UNIT"
    TRACE=$(sim_trace_stop)
    traced restart-while-disconnected-drops-to-the-fail-state-then-cuts-again 101
    new_pid restart-while-disconnected-gives-a-new-main-pid "$pid"

    # SIGKILL of the main process while disconnected: the kernel releases the line (fail state);
    # Restart=on-failure brings meterd back and it restores the journaled cut.
    local restarts
    read -r pid restarts <<< "$(unit_props MainPID,NRestarts)"
    sim_trace_start 0
    kill -KILL "$pid"
    if wait_for 5 line_at 0; then record sigkill-releases-the-line-to-the-fail-state true 0
    else record sigkill-releases-the-line-to-the-fail-state false "line $(sim_value 0)"; fi
    wait_for 60 restarted_after "$restarts"
    TRACE=$(sim_trace_stop)
    expect systemd-restarts-after-sigkill "$((restarts + 1)) active" "$(unit_props NRestarts,ActiveState)"
    new_pid sigkill-restart-gives-a-new-main-pid "$pid"
    traced sigkill-then-restart-restores-the-cut 101

    # The reconnection button, held over a second, lifts the manual cut.
    sim_pull 2 up
    if wait_for 10 line_at 0; then record button-reconnects true 0; else record button-reconnects false "line $(sim_value 0)"; fi
    sim_pull 2 down; sim_pull 1 up
    log=$(unit_log)
    expect_match daemon-journaled-open-then-button \
        'relay open requested by meterd: hil.*relay connected -> disconnected.*relay disconnected -> connected cause="local reconnect: reconnection button"' \
        "$(grep -E 'relay (open requested|connected ->|disconnected ->)' <<< "$log" | paste -sd' ')"

    # The stall hook blocks the poll loop: the watchdog pings stop, systemd aborts meterd and
    # restarts it. The trace spans the whole of it: connected, so the line must stay low.
    read -r pid restarts <<< "$(unit_props MainPID,NRestarts)"
    sim_trace_start 0
    touch "$STALL"
    watchdog_fired() { [ "$(unit_props Result)" = watchdog ] || [ "$(unit_props NRestarts)" -gt "$restarts" ]; }
    wait_for 60 watchdog_fired
    rm -f "$STALL"    # the restarted meterd must run normally
    wait_for 60 restarted_after "$restarts"
    TRACE=$(sim_trace_stop)
    expect_match journal-names-the-watchdog-timeout 'Watchdog timeout \(limit 6s\)' "$(unit_log | grep -A2 'Watchdog timeout')"
    expect watchdog-restarts-the-stalled-service "$((restarts + 1)) active" "$(unit_props NRestarts,ActiveState)"
    new_pid watchdog-restart-gives-a-new-main-pid "$pid"
    traced watchdog-restart-while-connected-no-chatter 0

    # A clean stop, within TimeoutStopSec: exit status 0 and meterd's last words.
    local t0 took
    t0=$EPOCHREALTIME
    systemctl stop "$UNIT"
    took=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')
    expect stop-ends-cleanly "inactive success 1 0" "$(unit_props ActiveState,Result,ExecMainCode,ExecMainStatus)"
    record stop-within-timeout-stop-sec "$(awk -v t="$took" 'BEGIN { print (t < 15 ? "true" : "false") }')" \
        "took $took s; $(unit_props TimeoutStopUSec)"
    expect_match journal-says-stopped-cleanly 'meterd stopped cleanly' "$(unit_log | tail -5)"
    expect released-line-at-the-fail-state-after-stop 0 "$(sim_value 0)"

    # The serial port through the unit's group (dialout) and DeviceAllow=char-ttyS: an RS-485 bus on
    # ttyS1, a UART of qemu's with nothing attached. meterd opens it and its meter times out; a
    # sandbox that kept it out would show as "not readable and writable" instead.
    expect serial-port-by-group-only "root dialout 660" "$(stat -c '%U %G %a' /dev/ttyS1)"
    cat >> "$CONFIG" <<TOML

[buses.rs485]
kind = "modbus-rtu"
device = "/dev/ttyS1"
baud = 9600

[meters.line]
bus = "rs485"
unit_id = 7
profile = "eastron-sdm120"
TOML
    systemctl start "$UNIT"
    serial_meter_timed_out() { unit_log | grep -q 'meter does not answer: unit 7 did not answer'; }
    wait_for 30 serial_meter_timed_out
    expect_match rtu-meter-times-out-on-the-opened-port 'meter does not answer: unit 7 did not answer within the response timeout meter=line' \
        "$(unit_log | grep -E 'meter does not answer|not readable and writable|ttyS1' | tail -3)"
    pid=$(unit_props MainPID)
    expect_match meterd-holds-ttys1-open '/dev/ttyS1' "$(ls -l "/proc/$pid/fd" 2>&1)"
    systemctl stop "$UNIT"
}
