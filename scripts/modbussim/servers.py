"""Transports: Modbus TCP (MBAP) and Modbus RTU on a serial device (e.g. a socat pty)."""

import asyncio
import errno
import logging
import os
import socket
import struct
import termios
import tty

from .encoding import crc_ok, with_crc

log = logging.getLogger("modbussim")


def split_hostport(text):
    host, sep, port = text.rpartition(":")
    if not sep or not host:
        raise ValueError(f"expected HOST:PORT, got {text!r}")
    host = host.strip("[]")
    return host, int(port)


def format_hostport(host, port):
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


class TcpServer:
    """MBAP framing; any number of concurrent connections, requests answered in order on each.

    Power off closes the listening socket and every connection (a meter that is off refuses
    connections); power on listens again on the same port.
    """

    def __init__(self, sim, host, port):
        self.sim = sim
        self.host, self.port = host, port
        self.server = None
        self.sock = None
        self.task = None
        self.writers = set()
        sim.on_power.append(self._power)

    async def start(self):
        self._listen()
        await self.task

    def _listen(self):
        family = socket.AF_INET6 if ":" in self.host else socket.AF_INET
        sock = socket.create_server((self.host, self.port), family=family, backlog=64)
        self.port = sock.getsockname()[1]
        # The socket listens now: connections queue in its backlog until asyncio serves them.
        self.sock = sock
        self.task = asyncio.get_running_loop().create_task(self._serve(sock))

    async def _serve(self, sock):
        try:
            server = await asyncio.start_server(self._client, sock=sock)
        except OSError:
            return  # switched off before it served
        if self.sock is not sock:
            server.close()
            return
        self.server = server

    @property
    def address(self):
        return format_hostport(self.host, self.port)

    def _power(self, on):
        if on:
            self._listen()
        else:
            self.close()

    def close(self):
        if self.server is not None:
            self.server.close()
            self.server = None
        if self.sock is not None:
            self.sock.close()
            self.sock = None
        for writer in list(self.writers):
            writer.transport.abort()
        self.writers.clear()

    async def _client(self, reader, writer):
        self.writers.add(writer)
        self.sim.connections += 1
        requests = 0
        try:
            while True:
                header = await reader.readexactly(7)
                tid, pid, length, uid = struct.unpack(">HHHB", header)
                if pid != 0 or not 2 <= length <= 254:
                    log.info("tcp: bad MBAP header %s, closing", header.hex(" "))
                    break
                pdu = await reader.readexactly(length - 1)
                requests += 1
                if self.sim.tcp_should_drop(requests):
                    log.info("tcp: dropping the connection at request %d", requests)
                    writer.transport.abort()
                    return
                action = self.sim.process(uid, pdu, "tcp")
                log.debug("tcp: unit %d %s -> %s", uid, pdu.hex(" "),
                          action.reply.hex(" ") if action.reply else "silence")
                if action.reply is None:
                    continue
                if action.delay > 0:
                    await asyncio.sleep(action.delay)
                reply = action.reply
                if action.garble == "tid":
                    tid = (tid + 1) & 0xFFFF
                elif action.garble:
                    reply = reply[:max(1, len(reply) // 2)]
                writer.write(struct.pack(">HHHB", tid, 0, len(reply) + 1, uid) + reply)
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError, OSError):
            pass
        except asyncio.CancelledError:
            pass  # shutting down: end quietly (3.11 logs a cancelled stream handler otherwise)
        finally:
            self.writers.discard(writer)
            writer.transport.abort()


BAUDS = {getattr(termios, f"B{b}"): b for b in (1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200)}


class RtuServer:
    """Modbus RTU slave(s) on a serial device path.

    Frames are cut by their expected length for the functions whose length is known (01..06: 8
    bytes, 15/16: 9 + byte count) and otherwise by the 3.5-character silence. A frame with a bad
    CRC is discarded with everything up to the next silence, as a real slave does. Unit ids this
    server does not serve, and broadcasts (0), get no answer.
    """

    def __init__(self, sim, path, baud=9600):
        self.sim = sim
        self.path = path
        self.baud = baud
        # 3.5 characters of 11 bits; the spec fixes 1.75 ms above 19200 baud.
        self.t35 = max(3.5 * 11 / baud, 0.00175)
        self.fd = None
        self.buf = bytearray()
        self.discarding = False
        self.timer = None
        self.out = bytearray()
        self.writing = False
        self.bad_frames = 0
        self.hung_up = False

    def start(self):
        self.fd = os.open(self.path, os.O_RDWR | os.O_NOCTTY | os.O_NONBLOCK)
        try:
            tty.setraw(self.fd)
            attrs = termios.tcgetattr(self.fd)
            speed = {v: k for k, v in BAUDS.items()}.get(self.baud)
            if speed is not None:
                attrs[4] = attrs[5] = speed
            attrs[3] &= ~termios.ECHO
            termios.tcsetattr(self.fd, termios.TCSANOW, attrs)
        except termios.error:
            pass  # not a tty (a FIFO in a test, say): framing still works
        self.loop = asyncio.get_running_loop()
        self.loop.add_reader(self.fd, self._readable)

    def close(self):
        if self.fd is not None:
            self.loop.remove_reader(self.fd)
            if self.writing:
                self.loop.remove_writer(self.fd)
            os.close(self.fd)
            self.fd = None

    def _readable(self):
        try:
            data = os.read(self.fd, 4096)
        except BlockingIOError:
            return
        except OSError as e:
            if e.errno != errno.EIO:
                raise
            data = b""
        if not data:
            # The other end of the pty hung up (socat stopped): a readable fd that gives nothing
            # would spin, so stop watching it and look again a few times a second.
            if not self.hung_up:
                log.warning("rtu: %s hung up; waiting for it to come back", self.path)
                self.hung_up = True
            self.loop.remove_reader(self.fd)
            self.loop.call_later(0.2, self._rearm)
            return
        if self.hung_up:
            log.warning("rtu: %s is back", self.path)
            self.hung_up = False
        self.buf += data
        if self.timer is not None:
            self.timer.cancel()
        self.timer = self.loop.call_later(self.t35, self._silence)
        self._frames()

    def _rearm(self):
        if self.fd is not None:
            self.loop.add_reader(self.fd, self._readable)

    def _expected(self):
        if len(self.buf) < 2:
            return None
        fn = self.buf[1]
        if fn in (1, 2, 3, 4, 5, 6):
            return 8
        if fn in (15, 16) and len(self.buf) >= 7:
            return 9 + self.buf[6]
        return None

    def _frames(self):
        while not self.discarding:
            n = self._expected()
            if n is None or len(self.buf) < n:
                return
            frame = bytes(self.buf[:n])
            if not crc_ok(frame):
                self.bad_frames += 1
                log.info("rtu: bad CRC in %s, discarding until silence", self.buf.hex(" "))
                self.buf.clear()
                self.discarding = True
                return
            del self.buf[:n]
            self._handle(frame)

    def _silence(self):
        self.timer = None
        if self.buf and not self.discarding:
            frame = bytes(self.buf)
            if crc_ok(frame):
                self._handle(frame)
            else:
                self.bad_frames += 1
                log.info("rtu: bad frame %s", frame.hex(" "))
        self.buf.clear()
        self.discarding = False

    def _handle(self, frame):
        uid, pdu = frame[0], frame[1:-2]
        if uid == 0:
            return  # broadcast: reads are never answered
        action = self.sim.process(uid, pdu, "rtu")
        log.debug("rtu: unit %d %s -> %s", uid, pdu.hex(" "),
                  action.reply.hex(" ") if action.reply else "silence")
        if action.reply is None:
            return
        out = with_crc(bytes([uid]) + action.reply)
        if action.garble == "short":
            out = out[:max(1, len(out) // 2)]
        elif action.garble:
            out = out[:-2] + bytes(b ^ 0xFF for b in out[-2:])
        if action.delay > 0:
            self.loop.call_later(action.delay, self._send, out)
        else:
            self._send(out)

    def _send(self, data):
        if self.fd is None or not self.sim.powered:
            return
        self.out += data
        self._flush()

    def _flush(self):
        while self.out:
            try:
                n = os.write(self.fd, self.out)
            except BlockingIOError:
                n = 0
            except OSError as e:
                log.info("rtu: write failed: %s", e)
                self.out.clear()
                n = 0
            if n == 0:
                break
            del self.out[:n]
        if self.out and not self.writing:
            self.writing = True
            self.loop.add_writer(self.fd, self._writable)
        elif not self.out and self.writing:
            self.writing = False
            self.loop.remove_writer(self.fd)

    def _writable(self):
        self._flush()
