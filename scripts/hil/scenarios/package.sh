# hil-mode: systemd
# The meterd .deb on a Debian guest with systemd 252 as PID 1, as an operator runs it: dpkg -i of
# revision 1 (user, key, enabled but not started), a Modbus TCP meter (the simulator) configured and
# the service started (READY, STATUS), dpkg -i of revision 2 over the running service (restarted,
# the operator's configuration kept, the journal intact and verifying), dpkg -r (stopped; config,
# key and journal kept) and dpkg -P (config gone; key and journal kept, with the message).
# The packages come from scripts/package (scripts/test builds both revisions into .build/deb).
CONFIG=/etc/meterd/meterd.toml
UNIT=meterd.service
STATE=/var/lib/meterd
PYTHON=$ROOT/.venv/bin/python

# The host is a container whose /usr/sbin/policy-rc.d forbids maintainer scripts to start or stop
# services (exit 101); a Pi has none, so the guest's overlay drops it. man-db's trigger would index
# every man page of the host's root under emulation (minutes); without its auto-update flag it
# skips, and man still finds meterd's pages by their file names.
setup() { rm -f /usr/sbin/policy-rc.d /var/lib/man-db/auto-update; }

package_revision() { compgen -G "$ROOT/.build/deb/meterd_*-$1_*.deb" | head -1; }
unit_state() { echo "$(unit_property "$UNIT" ActiveState) $(unit_property "$UNIT" SubState)"; }
journal_records() { runuser -u meterd -- meterd journal stats 2>&1 | awk '/^records:/ { print $2; exit }'; }

scenario() {
    local first second
    first=$(package_revision 1)
    second=$(package_revision 2)
    if [ -z "$first" ] || [ -z "$second" ]; then
        record packages-built false "no .build/deb/meterd_*-1_*.deb and -2_ (scripts/test builds both: scripts/package, then scripts/package --binary <the release build> --revision 2)"
        return 0
    fi
    record packages-built true "$(basename "$first") $(basename "$second")"

    run_cmd dpkg -i "$first"
    expect install-exits-0 0 "$RC"
    expect_match install-prints-the-device-address 'agreement contract: 0x[0-9a-fA-F]{40}' "$OUT"
    expect_match install-says-why-not-started 'enabled, not started' "$OUT"
    expect install-enables-the-unit enabled "$(systemctl is-enabled "$UNIT" 2>&1)"
    expect install-does-not-start-it "inactive dead" "$(unit_state)"
    expect user-in-device-groups "dialout gpio i2c meterd" "$(id -nG meterd | tr ' ' '\n' | sort | tr '\n' ' ' | sed 's/ $//')"
    expect config-readable-by-meterd-only "root meterd 640" "$(stat -c '%U %G %a' "$CONFIG")"
    expect key-owned-by-meterd "meterd 600" "$(stat -c '%U %a' "$STATE/device.key")"
    expect_match man-page-of-the-relay-commands 'meterd-relay-open' "$(man -P cat meterd-relay 2>&1)"
    expect binary-in-usr-bin "$(dpkg-query -W -f='${Version}' meterd | cut -d- -f1)" "$(/usr/bin/meterd --version)"

    "$PYTHON" "$ROOT/scripts/modbus-sim" --tcp 127.0.0.1:0 > /tmp/modbus-sim.json 2>/tmp/modbus-sim.log &
    wait_for 60 grep -q '"tcp"' /tmp/modbus-sim.json
    local port
    port=$(sed -n 's/.*"tcp": "127.0.0.1:\([0-9]*\)".*/\1/p' /tmp/modbus-sim.json)
    expect_match simulator-answers '^[0-9]+$' "$port"

    # The operator's configuration: written over the conffile, keeping its owner, group and mode.
    cat > "$CONFIG" <<TOML
[meterd]
clock = "trusted"
poll_interval_seconds = 1.0
slot_length_seconds = 900

[buses.site]
kind = "modbus-tcp"
host = "127.0.0.1"
port = $port

[meters.main]
bus = "site"
unit_id = 1
profile = "eastron-sdm630"
TOML
    local edited
    edited=$(sha256sum < "$CONFIG")
    run_cmd runuser -u meterd -- meterd config check --config "$CONFIG"
    expect config-check-passes 0 "$RC"

    systemctl start "$UNIT"
    expect start-ends-running "active running" "$(unit_state)"
    wait_for 30 sh -c "systemctl status $UNIT | grep -q '1/1 meters answering'"
    expect_match status-shows-the-meter 'Status: "1/1 meters answering' "$(systemctl status "$UNIT" 2>&1)"
    expect_match journal-has-readings '^[1-9][0-9]*$' "$(journal_records)"
    local before_pid before_records
    before_pid=$(unit_property "$UNIT" MainPID)
    before_records=$(journal_records)

    run_cmd dpkg -i "$second"
    expect upgrade-exits-0 0 "$RC"
    expect upgrade-installed-revision-2 "$(dpkg-deb -f "$second" Version)" "$(dpkg-query -W -f='${Version}' meterd)"
    expect upgrade-keeps-the-operators-config "$edited" "$(sha256sum < "$CONFIG")"
    expect upgrade-keeps-config-mode "root meterd 640" "$(stat -c '%U %G %a' "$CONFIG")"
    expect upgrade-leaves-it-running "active running" "$(unit_state)"
    local after_pid
    after_pid=$(unit_property "$UNIT" MainPID)
    expect_match upgrade-restarts-the-service "^restarted" "$([ "$after_pid" != "$before_pid" ] && [ "$after_pid" != 0 ] && echo restarted || echo "same pid $after_pid")"
    wait_for 30 sh -c "systemctl status $UNIT | grep -q '1/1 meters answering'"
    expect_match upgraded-service-reads-the-meter 'Status: "1/1 meters answering' "$(systemctl status "$UNIT" 2>&1)"
    local after_records
    after_records=$(journal_records)
    expect_match journal-kept-across-upgrade "^kept" "$([ "${after_records:-0}" -ge "${before_records:-1}" ] && echo kept || echo "records $before_records -> $after_records")"
    run_cmd runuser -u meterd -- meterd journal verify
    expect journal-verifies-after-upgrade 0 "$RC"

    run_cmd dpkg -r meterd
    expect remove-exits-0 0 "$RC"
    expect remove-stops-the-service inactive "$(systemctl is-active "$UNIT" 2>&1)"
    expect remove-removes-the-binary absent "$([ -e /usr/bin/meterd ] && echo present || echo absent)"
    expect remove-keeps-the-config "$edited" "$(sha256sum < "$CONFIG")"
    expect remove-keeps-key-and-journal "yes yes" "$([ -s "$STATE/device.key" ] && echo yes || echo no) $([ -d "$STATE/journal" ] && echo yes || echo no)"

    run_cmd dpkg -P meterd
    expect purge-exits-0 0 "$RC"
    expect_match purge-says-key-and-journal-kept 'kept /var/lib/meterd: the device key and the signed journal are settlement evidence' "$OUT"
    expect purge-removes-the-config absent "$([ -e /etc/meterd ] && echo present || echo absent)"
    expect purge-keeps-key-and-journal "yes yes" "$([ -s "$STATE/device.key" ] && echo yes || echo no) $([ -d "$STATE/journal" ] && echo yes || echo no)"
    expect purge-forgets-the-package "" "$(dpkg-query -W -f='${Status}' meterd 2>/dev/null)"
    kill %1 2>/dev/null
}
