# The I2C path through the kernel's i2c-dev on i2c-stub (an SMBus-only adapter with a chip at 0x40).
#
# i2c-stub keeps one 16-bit word per register: SMBus word reads return it (low byte first on the
# wire, so an INA228 register 0xABCD is stored as 0xCDAB) and an I2C-block read of N bytes from R
# returns the low bytes of words R..R+N-1. The INA228's 3-byte VBUS (0x05), CURRENT (0x07), POWER
# (0x08) and 5-byte ENERGY (0x09) therefore overlap; with these low bytes
#   0x05..0x0D: 1E 0C 0F 40 00 10 20 30 40    and DIETEMP (word 0x06) = 0x0C80
# the driver must see VBUS 0x1E0C0F, CURRENT 0x0F4000, POWER 0x400010, ENERGY 0x0010203040, so with
# shunt 1.5 mΩ and 80 A (current LSB 80/2^19 A):
#   VBUS    0x1E0C0 × 195.3125 µV     = 24.0375 V        CURRENT 0xF400 × LSB    = 9.53125 A
#   POWER   0x400010 × 3.2 × LSB      = 2048.0078 W      DIETEMP 3200 × 7.8125 m°C = 25.00 °C
#   ENERGY  270544960 × 51.2 × LSB / 3.6 = 587120 mWh (whole mWh, rounded down)
CONFIGS=$HIL_DIR/configs

scenario() {
    stub_ina228

    run_cmd "$METERD" probe i2c --bus 0
    expect probe-exits-0 0 "$RC"
    expect_match probe-names-the-ina228-at-0x40 '^/dev/i2c-0 0x40: TI INA228 \(revision 1\)$' "$OUT"

    run_cmd "$METERD" read --json --config "$CONFIGS/ina228.toml"
    expect read-exits-0 0 "$RC"
    local got
    got=$(python3 -c '
import json, sys
r = json.loads(sys.stdin.read().strip().splitlines()[-1]); v = r["values"]
print(r["meter"], "%.4f V %.5f A %.4f W %.2f C" % (v["dc_voltage"], v["dc_current"], v["active_power_total"], v["temperature"]),
      r["energy"]["import_active_energy"]["milliwatt_hours"], "mWh")' <<< "$OUT" 2>&1)
    expect read-json-gives-the-preloaded-values "dc 24.0375 V 9.53125 A 2048.0078 W 25.00 C 587120 mWh" "$got"
    # The driver programmed SHUNT_CAL = 3000 (0x0BB8) and reset CONFIG through SMBus word writes.
    expect driver-wrote-shunt-cal 0xb80b "$(/usr/sbin/i2cget -y 0 0x40 0x02 w)"
    expect driver-wrote-config-reset 0x0080 "$(/usr/sbin/i2cget -y 0 0x40 0x00 w)"

    run_cmd "$METERD" read --json --config "$CONFIGS/ina228-absent.toml"
    expect absent-chip-exits-non-zero 1 "$RC"
    expect_match absent-chip-error-names-bus-address-and-fix \
        'i2c-0 address 0x45: no acknowledge; check that the chip is powered.*"meter":"dc"' "$OUT"
}
