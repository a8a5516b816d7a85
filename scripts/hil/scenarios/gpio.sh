# gpio-sim as the relay will see it: the chip and its named lines are visible through the
# character device, a line held by gpioset reaches the simulated hardware, and SIGKILL of the
# holder hands the line back to its default (the fail state the relay design relies on).
scenario() {
    local chip
    chip=$(sim_chip)
    run_cmd gpiodetect
    expect_match gpiodetect-lists-the-sim-chip "^$chip \[gpio-sim\.0-.*\] \(8 lines\)" "$OUT"
    run_cmd gpioinfo "$chip"
    expect_match gpioinfo-names-the-relay-line 'line +0: +"relay" +unused +input' "$OUT"
    expect_match gpioinfo-names-the-feedback-line 'line +1: +"feedback"' "$OUT"

    expect line-starts-low-at-the-simulator 0 "$(sim_value 0)"
    gpioset --mode=signal "$chip" 0=1 & local holder=$!
    sleep 0.5
    expect held-line-reads-1-at-the-simulator 1 "$(sim_value 0)"
    run_cmd gpioinfo "$chip"
    expect_match gpioinfo-shows-the-line-used-as-output 'line +0: +"relay" +"gpioset" +output' "$OUT"
    kill -KILL "$holder"; wait "$holder" 2>/dev/null
    sleep 0.2
    expect sigkill-releases-the-line-to-its-default 0 "$(sim_value 0)"

    sim_pull 2 up
    expect pull-up-drives-an-input-high "1" "$(gpioget "$chip" 2)"
    sim_pull 2 down
    expect pull-down-drives-an-input-low "0" "$(gpioget "$chip" 2)"
}
