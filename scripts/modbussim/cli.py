"""Command line: scripts/modbus-sim [options]. The first stdout line is JSON (see the docs)."""

import argparse
import asyncio
import datetime
import json
import logging
import math
import os
import signal
import sys

from . import control, profile
from .servers import RtuServer, TcpServer, format_hostport, split_hostport
from .sim import Clock, Coil, CommandError, Simulator, Unit, coil_log

log = logging.getLogger("modbussim")
DEFAULT_FRACTION = 0.3


def parse_args(argv):
    p = argparse.ArgumentParser(
        prog="modbus-sim",
        description="Modbus TCP/RTU meter simulator for meterd's tests and demo. Prints one JSON line "
                    "on stdout when it answers, then runs until SIGTERM/SIGINT.")
    p.add_argument("--unit", action="append", metavar="ID=PROFILE",
                   help="serve a meter with this unit id (1..247) and profile TOML; repeatable "
                        "(default: 1=hardware/meters/eastron-sdm630.toml)")
    p.add_argument("--tcp", metavar="HOST:PORT",
                   help="Modbus TCP listen address (port 0 picks a free one); default 127.0.0.1:0 "
                        "unless only --rtu is given")
    p.add_argument("--rtu", metavar="DEVICE", help="serve Modbus RTU on this serial device (e.g. a socat pty)")
    p.add_argument("--baud", type=int, default=9600,
                   help="RTU baud rate, sets the device and the 3.5-character silence (default 9600)")
    p.add_argument("--control", metavar="HOST:PORT", default="127.0.0.1:0",
                   help="control channel, line-oriented JSON over TCP (default 127.0.0.1:0)")
    p.add_argument("--values", metavar="FILE.json",
                   help='fixed values: {"UNIT": {"quantity": number | "absent" | "nan" | "all_ones" | '
                        '"signed_max"}} in the profile\'s units')
    p.add_argument("--load-curve", type=int, metavar="SEED",
                   help="deterministic commercial-site load curve from this seed (values from --values "
                        "stay fixed on top of it)")
    p.add_argument("--time-scale", type=float, default=1.0, metavar="X",
                   help="simulated seconds per wall second (load curve); 0 freezes time")
    p.add_argument("--sim-start", metavar="TIME",
                   help="simulated time at start: POSIX seconds or ISO 8601 (default: now)")
    p.add_argument("--strict-map", action="store_true",
                   help="any undefined register in a range is exception 2 (default: reads 0 inside a "
                        "range that touches a defined register)")
    p.add_argument("--unknown-unit-exception", type=int, default=0x0B, metavar="CODE",
                   help="over TCP, the exception answered for unit ids that have no meter (default 11, gateway "
                        "target failed to respond; 4 behaves like gateways that answer server device failure)")
    c = p.add_argument_group("a load controller (the site sheds or adds load when a master writes a coil)")
    c.add_argument("--shed-coil", metavar="UNIT[:ADDRESS]",
                   help="this unit id (a meter's or one of its own) answers a coil at ADDRESS (default 0): "
                        "while it is on, every meter's load is lowered by --shed-fraction (default: no coil)")
    c.add_argument("--shed-fraction", type=float, metavar="F",
                   help="the fraction of the load shed while the shed coil is on, 0 < F <= 1 (default 0.3)")
    c.add_argument("--add-coil", metavar="UNIT[:ADDRESS]",
                   help="like --shed-coil, but while it is on the load rises by --add-fraction")
    c.add_argument("--add-fraction", type=float, metavar="F",
                   help="the fraction of load added while the add coil is on, 0 < F <= 10 (default 0.3)")
    f = p.add_argument_group("faults at start (all can be changed through the control channel)")
    f.add_argument("--delay", type=int, metavar="MS", help="delay every answer by MS milliseconds")
    f.add_argument("--silence", type=int, action="append", metavar="UNIT", help="never answer this unit")
    f.add_argument("--garble", type=int, metavar="N", help="garble the next N responses")
    f.add_argument("--drop-after", type=int, metavar="N",
                   help="close the TCP connection that carries the request after the next N")
    f.add_argument("--absent", action="append", metavar="UNIT:QUANTITY",
                   help="the quantity is absent (exception 2 when read)")
    f.add_argument("--not-available", action="append", metavar="UNIT:QUANTITY[:MARKER]",
                   help="serve the quantity's 'not available' marker")
    f.add_argument("--fault", action="append", metavar="JSON", help="any control command, run at start")
    p.add_argument("-v", "--verbose", action="count", default=0, help="log to stderr (-vv: every frame)")
    return p.parse_args(argv)


def parse_time(text):
    try:
        return float(text)
    except ValueError:
        d = datetime.datetime.fromisoformat(text)
        if d.tzinfo is None:
            d = d.replace(tzinfo=datetime.timezone.utc)
        return d.timestamp()


def parse_coil(option, spec, fraction, role, limit):
    if fraction is None:
        fraction = DEFAULT_FRACTION
    if not (math.isfinite(fraction) and 0 < fraction <= limit):
        raise CommandError(f"--{role}-fraction {fraction}: expected 0 < F <= {limit:g}")
    uid, _, address = spec.partition(":")
    try:
        uid, address = int(uid, 10), int(address or "0", 0)
    except ValueError:
        raise CommandError(f"{option} {spec!r}: expected UNIT[:ADDRESS], e.g. 1:0 or 10:0x20") from None
    return Coil(uid, address, role, fraction)


def build(args):
    specs = args.unit or [f"1={profile.default_profile_path()}"]
    values = {}
    if args.values:
        with open(args.values, encoding="utf-8") as fh:
            values = json.load(fh)
        if not isinstance(values, dict) or not all(isinstance(v, dict) for v in values.values()):
            raise CommandError(f"{args.values}: expected {{\"unit\": {{\"quantity\": value}}}}")
    clock = Clock(parse_time(args.sim_start) if args.sim_start else None, args.time_scale)
    units = []
    for spec in specs:
        uid, sep, path = spec.partition("=")
        if not sep or not uid.isdigit() or not 1 <= int(uid) <= 247:
            raise CommandError(f"--unit {spec!r}: expected ID=PROFILE with ID 1..247")
        if any(u.id == int(uid) for u in units):
            raise CommandError(f"unit {uid} given twice")
        units.append(Unit(int(uid), profile.load(path), values.pop(uid, None), args.load_curve, clock))
    if values:
        raise CommandError(f"{args.values}: no such unit(s) {sorted(values)}")
    sim = Simulator(units, strict_map=args.strict_map, clock=clock)
    sim.unknown_unit_exception = args.unknown_unit_exception
    for role, limit in (("shed", 1.0), ("add", 10.0)):
        spec, fraction = getattr(args, f"{role}_coil"), getattr(args, f"{role}_fraction")
        if spec is None:
            if fraction is not None:
                raise CommandError(f"--{role}-fraction needs --{role}-coil")
            continue
        sim.add_coil(parse_coil(f"--{role}-coil", spec, fraction, role, limit))
    commands = []
    if args.delay is not None:
        commands.append({"cmd": "delay", "ms": args.delay})
    for uid in args.silence or []:
        commands.append({"cmd": "silence", "unit": uid})
    if args.garble is not None:
        commands.append({"cmd": "garble", "count": args.garble})
    if args.drop_after is not None:
        commands.append({"cmd": "drop", "after": args.drop_after})
    for spec in args.absent or []:
        uid, _, q = spec.partition(":")
        commands.append({"cmd": "absent", "unit": uid, "quantity": q})
    for spec in args.not_available or []:
        parts = spec.split(":")
        cmd = {"cmd": "not_available", "unit": parts[0], "quantity": parts[1] if len(parts) > 1 else None}
        if len(parts) > 2:
            cmd["marker"] = parts[2]
        commands.append(cmd)
    for text in args.fault or []:
        commands.append(json.loads(text))
    return sim, commands


async def run(args):
    sim, commands = build(args)
    servers = []
    tcp_addr = args.tcp or (None if args.rtu else "127.0.0.1:0")
    tcp = None
    if tcp_addr:
        tcp = TcpServer(sim, *split_hostport(tcp_addr))
        await tcp.start()
        servers.append(tcp)
    rtu = None
    if args.rtu:
        rtu = RtuServer(sim, args.rtu, args.baud)
        rtu.start()
        servers.append(rtu)
    ctl = await control.serve_control(sim, *split_hostport(args.control))
    ctl_host, ctl_port = ctl.sockets[0].getsockname()[:2]
    for cmd in commands:  # after the transports exist, so "off" at start works too
        control.execute(sim, cmd, "--fault at start")
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    # A parent may hand down a mask that blocks these (a Swift test process does): stopping must work anyway.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
    start = {
        "tcp": tcp.address if tcp else None,
        "rtu": args.rtu,
        "control": format_hostport(ctl_host, ctl_port),
        "pid": os.getpid(),
        "mode": "load-curve" if args.load_curve is not None else "static",
        "strict_map": args.strict_map,
        "units": {str(uid): u.profile.describe() for uid, u in sorted(sim.units.items())},
        "coils": [{k: v for k, v in c.describe().items() if k in ("unit", "address", "role", "fraction")}
                  for c in sim.all_coils()],
    }
    sys.stdout.write(json.dumps(start) + "\n")
    sys.stdout.flush()
    await stop.wait()
    log.info("stopping")
    ctl.close()
    for server in servers:
        server.close()


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    level = [logging.WARNING, logging.INFO, logging.DEBUG][min(args.verbose, 2)]
    logging.basicConfig(level=level, stream=sys.stderr, format="modbus-sim: %(message)s")
    coil_log.setLevel(min(level, logging.INFO))  # a coil's changes are logged without -v too
    try:
        asyncio.run(run(args))
    except (CommandError, profile.ProfileError, OSError, ValueError) as e:
        print(f"modbus-sim: {e}", file=sys.stderr)
        return 2
    return 0
