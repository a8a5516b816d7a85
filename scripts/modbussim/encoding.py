"""Encoding of a quantity's value into 16-bit registers as a profile describes it.

This is written independently from the Swift decoder on purpose: it is the cross-check.

A register is returned as the integer a Modbus master reads (first byte on the wire in the high
half). The order of operations: the value is turned into its big-endian bytes (most significant
byte first), cut into 16-bit words, the words are reversed when word_order is "little" (least
significant word first), and the two bytes of each word are swapped when byte_order is "little".
"""

import math
import struct

REGISTERS = {
    "int16": 1, "uint16": 1,
    "int32": 2, "uint32": 2, "float32": 2,
    "int64": 4, "uint64": 4, "float64": 4,
}
INTEGER_TYPES = {"int16", "uint16", "int32", "uint32", "int64", "uint64"}
SIGNED_TYPES = {"int16", "int32", "int64"}
FLOAT_TYPES = {"float32", "float64"}
ORDERS = {"big", "little"}
MARKERS = {"nan", "all_ones", "signed_max"}


class EncodingError(ValueError):
    pass


def _round_half_away(x):
    return int(math.copysign(math.floor(abs(x) + 0.5), x))


def integer_range(type_):
    bits = 16 * REGISTERS[type_]
    if type_ in SIGNED_TYPES:
        return -(1 << (bits - 1)), (1 << (bits - 1)) - 1
    return 0, (1 << bits) - 1


def raw_bytes(value, type_, scale=1.0):
    """Big-endian bytes of value / scale in type_ (before word and byte order)."""
    if type_ not in REGISTERS:
        raise EncodingError(f"unknown type {type_!r}")
    if scale == 0:
        raise EncodingError("scale must not be 0")
    if type_ in FLOAT_TYPES:
        x = float(value) / scale
        return struct.pack(">f" if type_ == "float32" else ">d", x)
    x = float(value) / scale
    if math.isnan(x) or math.isinf(x):
        raise EncodingError(f"{value!r} cannot be encoded as {type_}")
    raw = _round_half_away(x)
    lo, hi = integer_range(type_)
    if not lo <= raw <= hi:
        raise EncodingError(f"{value!r} / {scale} = {raw} does not fit {type_}")
    return raw.to_bytes(2 * REGISTERS[type_], "big", signed=type_ in SIGNED_TYPES)


def marker_bytes(marker, type_):
    """Big-endian bytes of a "not available" marker in type_."""
    n = 2 * REGISTERS[type_]
    if marker == "all_ones":
        return b"\xff" * n
    if marker == "nan":
        if type_ == "float32":
            return b"\x7f\xc0\x00\x00"
        if type_ == "float64":
            return b"\x7f\xf8" + b"\x00" * 6
        raise EncodingError(f"marker 'nan' is meaningless for {type_}")
    if marker == "signed_max":
        if type_ in FLOAT_TYPES:
            raise EncodingError(f"marker 'signed_max' is meaningless for {type_}")
        return b"\x7f" + b"\xff" * (n - 1)
    raise EncodingError(f"unknown marker {marker!r}")


def order_bytes(data, word_order="big", byte_order="big"):
    """Apply word and byte order to big-endian bytes; return the bytes as sent on the wire."""
    if word_order not in ORDERS or byte_order not in ORDERS:
        raise EncodingError(f"bad order word={word_order!r} byte={byte_order!r}")
    words = [data[i:i + 2] for i in range(0, len(data), 2)]
    if word_order == "little":
        words.reverse()
    if byte_order == "little":
        words = [w[::-1] for w in words]
    return b"".join(words)


def wire_to_registers(data):
    return [int.from_bytes(data[i:i + 2], "big") for i in range(0, len(data), 2)]


def encode(value, type_, word_order="big", byte_order="big", scale=1.0):
    """Registers (ints 0..65535) holding value as described."""
    return wire_to_registers(order_bytes(raw_bytes(value, type_, scale), word_order, byte_order))


def encode_marker(marker, type_, word_order="big", byte_order="big"):
    return wire_to_registers(order_bytes(marker_bytes(marker, type_), word_order, byte_order))


def decode(registers, type_, word_order="big", byte_order="big", scale=1.0):
    """Inverse of encode (for tests and tools; the daemon has its own decoder)."""
    data = b"".join(r.to_bytes(2, "big") for r in registers)
    if len(registers) != REGISTERS[type_]:
        raise EncodingError(f"{type_} needs {REGISTERS[type_]} registers")
    # order_bytes is its own inverse (a reversal and a swap).
    data = order_bytes(data, word_order, byte_order)
    if type_ == "float32":
        return struct.unpack(">f", data)[0] * scale
    if type_ == "float64":
        return struct.unpack(">d", data)[0] * scale
    return int.from_bytes(data, "big", signed=type_ in SIGNED_TYPES) * scale


def crc16_modbus(data):
    """CRC-16/Modbus (poly 0xA001 reflected, init 0xFFFF); sent low byte first."""
    crc = 0xFFFF
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
    return crc


def with_crc(frame):
    return frame + crc16_modbus(frame).to_bytes(2, "little")


def crc_ok(frame):
    return len(frame) >= 4 and crc16_modbus(frame[:-2]) == int.from_bytes(frame[-2:], "little")
