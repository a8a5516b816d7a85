"""meterd's Modbus meter simulator (stdlib only).

It serves the meters described by hardware/meters/*.toml over Modbus TCP and RTU and lets tests
inject the faults real meters and buses show. See docs/modbus-simulator.md.
"""
