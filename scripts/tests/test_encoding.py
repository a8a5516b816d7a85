"""Encoding of values into registers, independent of the Swift decoder: expected registers are
worked out by hand from the type, scale and orders, not by running the encoder backwards."""

import math
import struct

import pytest

from modbussim import encoding
from modbussim.encoding import EncodingError, crc16_modbus, crc_ok, decode, encode, encode_marker, with_crc

# The exact float32 the real meter sent in the fixture frames (the reference shows 231.685 and
# 31.2615, which are these values rounded for display).
V_FIXTURE = struct.unpack(">f", bytes.fromhex("4367AF55"))[0]
P_FIXTURE = struct.unpack(">f", bytes.fromhex("41FA177C"))[0]


def test_fixture_floats_round_to_the_values_the_reference_shows():
    assert round(V_FIXTURE, 3) == 231.685
    assert round(P_FIXTURE, 4) == 31.2615


@pytest.mark.parametrize("word,byte,expected", [
    ("big", "big", [0x4367, 0xAF55]),
    ("little", "big", [0xAF55, 0x4367]),
    ("big", "little", [0x6743, 0x55AF]),
    ("little", "little", [0x55AF, 0x6743]),
])
def test_float32_orders(word, byte, expected):
    assert encode(V_FIXTURE, "float32", word, byte) == expected


def test_float32_rounds_to_nearest_float():
    # 231.685 itself is 0x4367AF5C as float32: a different value from the fixture's 0x4367AF55.
    assert encode(231.685, "float32") == [0x4367, 0xAF5C]
    # 230.2 is 0x43663333; the reference's "230.2 V" frame carries 0x43663334, one ulp above.
    assert encode(230.2, "float32") == [0x4366, 0x3333]
    assert encode(230.20001220703125, "float32") == [0x4366, 0x3334]


@pytest.mark.parametrize("value,type_,scale,word,byte,expected", [
    (230.2, "uint32", 0.1, "big", "big", [0x0000, 0x08FE]),            # ABB voltage
    (230.2, "int32", 0.1, "little", "big", [0x08FE, 0x0000]),          # EM24 voltage, low word first
    (-1234.5, "int32", 0.1, "big", "big", [0xFFFF, 0xCFC7]),           # -12345
    (-1234.5, "int32", 0.1, "little", "big", [0xCFC7, 0xFFFF]),
    (-1234.5, "int32", 0.1, "big", "little", [0xFFFF, 0xC7CF]),
    (-1234.5, "int32", 0.1, "little", "little", [0xC7CF, 0xFFFF]),
    (-0.95, "int16", 0.001, "big", "big", [0xFC4A]),                   # ABB power factor
    (-0.95, "int16", 0.001, "big", "little", [0x4AFC]),
    (50.01, "uint16", 0.01, "big", "big", [0x1389]),                   # ABB frequency
    (50.0, "int16", 0.1, "little", "big", [0x01F4]),                   # word order: no-op on 1 register
    (123456.78, "uint64", 0.01, "big", "big", [0x0000, 0x0000, 0x00BC, 0x614E]),
    (123456.78, "uint64", 0.01, "little", "big", [0x614E, 0x00BC, 0x0000, 0x0000]),
    (123456.78, "uint64", 0.01, "big", "little", [0x0000, 0x0000, 0xBC00, 0x4E61]),
    (-1, "int64", 1.0, "big", "big", [0xFFFF] * 4),
    (-2, "int64", 1.0, "little", "big", [0xFFFE, 0xFFFF, 0xFFFF, 0xFFFF]),
    (4294967295, "uint32", 1.0, "big", "big", [0xFFFF, 0xFFFF]),
    (1.0, "float64", 1.0, "big", "big", [0x3FF0, 0, 0, 0]),
    (1.0, "float64", 1.0, "little", "big", [0, 0, 0, 0x3FF0]),
    (1.0, "float64", 1.0, "big", "little", [0xF03F, 0, 0, 0]),
    (-2.5, "float64", 1.0, "little", "little", [0, 0, 0, 0x04C0]),
    (1000.0, "float32", 1000.0, "big", "big", [0x3F80, 0x0000]),       # scale applies to floats too
    (65535, "uint16", 1.0, "big", "big", [0xFFFF]),
    (-32768, "int16", 1.0, "big", "big", [0x8000]),
])
def test_every_type_scale_and_order(value, type_, scale, word, byte, expected):
    assert encode(value, type_, word, byte, scale) == expected
    assert len(expected) == encoding.REGISTERS[type_]


@pytest.mark.parametrize("value,expected", [(0.5, 1), (-0.5, -1), (2.5, 3), (-2.5, -3), (2.4999, 2)])
def test_integer_rounding_is_half_away_from_zero(value, expected):
    assert encode(value, "int16") == [expected & 0xFFFF]


def test_scale_division_is_not_truncated():
    # 230.2 / 0.1 is 2301.9999999999995 in binary floating point: rounding, not truncation.
    assert encode(230.2, "uint16", scale=0.1) == [2302]


@pytest.mark.parametrize("value,type_,scale", [
    (65536, "uint16", 1.0), (-1, "uint16", 1.0), (-32769, "int16", 1.0), (32768, "int16", 1.0),
    (-0.1, "uint32", 0.1), (float("nan"), "int32", 1.0), (float("inf"), "uint64", 1.0),
    (429496729.6, "uint32", 0.1),
])
def test_values_that_do_not_fit_are_refused(value, type_, scale):
    with pytest.raises(EncodingError):
        encode(value, type_, scale=scale)


@pytest.mark.parametrize("marker,type_,word,byte,expected", [
    ("nan", "float32", "big", "big", [0x7FC0, 0x0000]),
    ("nan", "float32", "little", "big", [0x0000, 0x7FC0]),
    ("nan", "float64", "big", "big", [0x7FF8, 0, 0, 0]),
    ("all_ones", "uint64", "big", "big", [0xFFFF] * 4),
    ("all_ones", "uint16", "big", "little", [0xFFFF]),
    ("signed_max", "int32", "big", "big", [0x7FFF, 0xFFFF]),
    ("signed_max", "int32", "little", "big", [0xFFFF, 0x7FFF]),
    ("signed_max", "int16", "big", "little", [0xFF7F]),
    ("signed_max", "int64", "big", "big", [0x7FFF, 0xFFFF, 0xFFFF, 0xFFFF]),
])
def test_not_available_markers(marker, type_, word, byte, expected):
    assert encode_marker(marker, type_, word, byte) == expected


def test_nan_marker_decodes_as_nan_and_meaningless_markers_are_refused():
    assert math.isnan(decode(encode_marker("nan", "float32"), "float32"))
    with pytest.raises(EncodingError):
        encode_marker("nan", "int32")
    with pytest.raises(EncodingError):
        encode_marker("signed_max", "float32")
    with pytest.raises(EncodingError):
        encode_marker("maybe", "int32")


@pytest.mark.parametrize("type_", sorted(encoding.REGISTERS))
@pytest.mark.parametrize("word", ["big", "little"])
@pytest.mark.parametrize("byte", ["big", "little"])
def test_decode_inverts_encode(type_, word, byte):
    value = 123.4 if type_.startswith(("float", "uint")) else -123.4
    scale = 0.1 if type_ not in ("float32", "float64") else 1.0
    got = decode(encode(value, type_, word, byte, scale), type_, word, byte, scale)
    assert got == pytest.approx(value, rel=1e-6)


@pytest.mark.parametrize("frame", [
    "01 04 00 00 00 02 71 CB", "01 04 04 43 67 AF 55 E2 10", "01 04 00 0C 00 02 B1 C8",
    "01 04 04 41 FA 17 7C C1 98", "01 04 04 43 66 33 34 1B 38",
])
def test_crc_of_the_real_fixture_frames(frame):
    data = bytes.fromhex(frame)
    assert crc_ok(data)
    assert with_crc(data[:-2]) == data
    assert not crc_ok(data[:-1] + bytes([data[-1] ^ 1]))


def test_crc_check_value():
    assert crc16_modbus(b"123456789") == 0x4B37  # the catalogued check value of CRC-16/MODBUS
