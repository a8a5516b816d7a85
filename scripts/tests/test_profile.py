"""Profile loading: the real profiles and every per-quantity override the format allows."""

import pytest
from conftest import SDM120, SDM630

from modbussim import profile

ABB_LIKE = """
[meter]
manufacturer = "Test"
model = "Mixed"
phases = 3
source = "test"

[defaults]
function = "holding"
type = "uint32"
word_order = "big"
byte_order = "big"
scale = 0.1
not_available = ["all_ones"]

[signature]
quantities = ["voltage_l1"]

[quantities]
voltage_l1 = { address = 0x5B00, unit = "V" }
active_power_total = { address = 0x5B14, unit = "W", type = "int32", scale = 0.01, not_available = ["signed_max"] }
power_factor_total = { address = 0x5B3A, unit = "", type = "int16", scale = 0.001 }
frequency = { address = 0x5B2C, unit = "Hz", type = "uint16", scale = 0.01 }
import_active_energy = { address = 0x5000, unit = "kWh", type = "uint64", scale = 0.01 }
current_l1 = { address = 0x000C, unit = "A", function = "input", type = "int32", word_order = "little", scale = 0.001 }
export_active_energy = { address = 0x0010, unit = "Wh", function = "input", type = "float64", byte_order = "little", scale = 1.0, not_available = ["nan"] }
"""


def write(tmp_path, text, name="p.toml"):
    path = tmp_path / name
    path.write_text(text)
    return path


def test_sdm630_profile():
    p = profile.load(SDM630)
    assert (p.manufacturer, p.model, p.phases) == ("Eastron", "SDM630", 3)
    assert len(p.quantities) == 25
    v = p.quantities["voltage_l1"]
    assert (v.address, v.function, v.type, v.word_order, v.byte_order, v.scale) == (0, 4, "float32", "big", "big", 1.0)
    assert v.not_available == ("nan",)
    assert p.tables[4][0x0049] == ("import_active_energy", 1)
    assert p.tables[3] == {}
    assert p.signature == ["voltage_l1", "frequency"]


def test_sdm120_profile():
    p = profile.load(SDM120)
    assert p.phases == 1 and p.quantities["apparent_power_total"].address == 0x12


def test_overrides_of_every_setting(tmp_path):
    p = profile.load(write(tmp_path, ABB_LIKE))
    q = p.quantities
    assert (q["voltage_l1"].function, q["voltage_l1"].type, q["voltage_l1"].scale) == (3, "uint32", 0.1)
    assert q["voltage_l1"].not_available == ("all_ones",)
    assert (q["active_power_total"].type, q["active_power_total"].scale) == ("int32", 0.01)
    assert q["active_power_total"].not_available == ("signed_max",)
    assert q["import_active_energy"].count == 4
    assert (q["current_l1"].function, q["current_l1"].word_order) == (4, "little")
    assert (q["export_active_energy"].type, q["export_active_energy"].byte_order) == ("float64", "little")
    assert sorted(p.tables[4]) == [0x0C, 0x0D, 0x10, 0x11, 0x12, 0x13]
    assert p.tables[3][0x5003] == ("import_active_energy", 3)


@pytest.mark.parametrize("change,message", [
    (('type = "uint32"', 'type = "uint24"'), "unknown type"),
    (('word_order = "big"', 'word_order = "middle"'), "word_order"),
    (('function = "holding"', 'function = "coil"'), "function"),
    (('not_available = ["all_ones"]', 'not_available = ["zero"]'), "not_available"),
    (('address = 0x5B3A', 'address = 0x5B15'), "overlaps"),
    (('unit = "Hz"', 'unit = "rpm"'), "unit"),
    (('scale = 0.1', 'scale = 0'), "scale"),
    (('quantities = ["voltage_l1"]', 'quantities = ["voltage_l9"]'), "signature"),
    (('address = 0x5000', 'address = 0xFFFE'), "past 0xFFFF"),
    (('unit = "V" }', 'unit = "V", adress = 1 }'), "unknown keys"),
])
def test_bad_profiles_are_refused(tmp_path, change, message):
    old, new = change
    assert old in ABB_LIKE
    with pytest.raises(profile.ProfileError, match=message):
        profile.load(write(tmp_path, ABB_LIKE.replace(old, new, 1)))
