# hil-mode: systemd
# systemd as PID 1 (booted from the overlay of the host's root) runs a Type=notify service the way
# meterd.service will be run: active only after READY=1, STATUS= text in systemctl status, a
# stalled poll loop restarted by the watchdog, a clean stop on SIGTERM within TimeoutStopSec; and
# the device sandbox its hardening will use (DevicePolicy=closed + DeviceAllow, groups from udev)
# is enforced in this guest, so a check of the real unit's access cannot pass vacuously.
setup() {
    install_unit "$HIL_DIR/units/hil-notify.service"
}

scenario() {
    local unit=hil-notify.service
    expect systemd-is-pid-1 systemd "$(cat /proc/1/comm)"

    systemctl start --no-block "$unit"
    sleep 0.5
    expect activating-until-ready-1 activating "$(systemctl is-active "$unit")"
    wait_for 20 systemctl is-active --quiet "$unit"
    expect active-running-after-ready-1 "active running" "$(unit_property $unit ActiveState) $(unit_property $unit SubState)"
    expect_match status-shows-the-status-text 'Status: "polling, pid [0-9]+"' "$(systemctl status --no-pager "$unit")"

    local first_pid
    first_pid=$(unit_property $unit MainPID)
    mkdir -p /run/hil-notify && touch /run/hil-notify/stall
    restarted() { [ "$(unit_property $unit NRestarts)" -ge 1 ]; }
    wait_for 20 restarted
    expect watchdog-restarts-a-stalled-service 1 "$(unit_property $unit NRestarts)"
    expect_match journal-names-the-watchdog 'Watchdog timeout' "$(journalctl -b -u "$unit" --no-pager 2>&1)"
    wait_for 20 systemctl is-active --quiet "$unit"
    local second_pid
    second_pid=$(unit_property $unit MainPID)
    expect restarted-with-a-new-main-pid "new" "$([ "$second_pid" != "$first_pid" ] && [ "$second_pid" != 0 ] && echo new || echo "same $second_pid")"

    local start=$SECONDS took
    systemctl stop "$unit"
    took=$((SECONDS - start))
    expect stop-ends-cleanly "inactive success" "$(unit_property $unit ActiveState) $(unit_property $unit Result)"
    expect stop-within-timeout-stop-sec yes "$([ "$took" -lt 5 ] && echo yes || echo "took $took s")"

    # The device sandbox: the cgroup device filter and udev's i2c group (i2c-tools' rule).
    local sandbox=(systemd-run --wait --pipe --quiet -p DevicePolicy=closed)
    run_cmd "${sandbox[@]}" -p "DeviceAllow=/dev/gpiochip0 rw" gpiodetect
    expect_match device-allow-lets-the-gpiochip-through '^gpiochip0 \[gpio-sim' "$OUT"
    run_cmd "${sandbox[@]}" -p "DeviceAllow=char-i2c rw" gpiodetect
    expect_match device-policy-closed-keeps-the-gpiochip-out 'Operation not permitted' "$OUT"
    run_cmd "${sandbox[@]}" -p "DeviceAllow=char-i2c rw" -p User=nobody -p SupplementaryGroups=i2c \
        /usr/sbin/i2cget -y 0 0x40 0x00 w
    expect i2c-group-opens-the-adapter-under-device-allow 0 "$RC"
    run_cmd "${sandbox[@]}" -p "DeviceAllow=char-i2c rw" -p User=nobody /usr/sbin/i2cget -y 0 0x40 0x00 w
    expect_match without-the-i2c-group-no-access 'Permission denied' "$OUT"
}
