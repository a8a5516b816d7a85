"""The main process of hil-notify.service: says READY=1 after a start-up pause, pings the
watchdog every 0.5 s, and stops pinging for good when /run/hil-notify/stall appears (the test hook
that blocks its poll loop; consumed, so the restarted instance runs normally). SIGTERM ends it with
STOPPING=1 and exit status 0.

The main process sends its own notifications, as meterd will: a shell script calling systemd-notify
would send them from a child that exits at once, and systemd may then fail to attribute the message
to the unit (a race the systemd-notify manual describes)."""
import os, signal, socket, sys, time

def notify(message):
    address = os.environ["NOTIFY_SOCKET"]
    if address.startswith("@"):
        address = "\0" + address[1:]
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
        sock.sendto(message.encode(), address)

def stop(*_):
    notify("STOPPING=1\nSTATUS=stopping on SIGTERM")
    sys.exit(0)

signal.signal(signal.SIGTERM, stop)
stall = "/run/hil-notify/stall"
notify("STATUS=starting: 2 s until ready")
time.sleep(2)
notify(f"READY=1\nSTATUS=polling, pid {os.getpid()}")
while True:
    if os.path.exists(stall):
        os.remove(stall)
        notify("STATUS=poll loop blocked by the test hook")
        while True:
            time.sleep(60)
    notify("WATCHDOG=1")
    time.sleep(0.5)
