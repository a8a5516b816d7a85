"""Meter profiles (hardware/meters/*.toml): loading, validation and the register map."""

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from . import encoding

FUNCTIONS = {"input": 4, "holding": 3}
UNITS = {"V", "A", "W", "VA", "var", "", "Hz", "kWh", "Wh", "°C"}
DEFAULT_KEYS = {"function", "type", "word_order", "byte_order", "scale", "not_available"}
QUANTITY_KEYS = DEFAULT_KEYS | {"address", "unit"}


class ProfileError(ValueError):
    pass


@dataclass(frozen=True)
class Quantity:
    name: str
    address: int
    unit: str
    function: int          # 3 or 4
    type: str
    word_order: str
    byte_order: str
    scale: float
    not_available: tuple

    @property
    def count(self):
        return encoding.REGISTERS[self.type]

    def encode(self, value):
        return encoding.encode(value, self.type, self.word_order, self.byte_order, self.scale)

    def encode_marker(self, marker):
        return encoding.encode_marker(marker, self.type, self.word_order, self.byte_order)


@dataclass
class Profile:
    path: str
    manufacturer: str
    model: str
    phases: int
    source: str
    signature: list
    quantities: dict                    # name -> Quantity
    # function (3|4) -> {register address -> (quantity name, index of the register in the value)}
    tables: dict = field(default_factory=dict)

    def describe(self):
        return {"manufacturer": self.manufacturer, "model": self.model, "phases": self.phases,
                "profile": self.path}


def _check(cond, path, msg):
    if not cond:
        raise ProfileError(f"{path}: {msg}")


def _settings(table, base, path, where):
    s = dict(base)
    for key in DEFAULT_KEYS & table.keys():
        s[key] = table[key]
    _check(s["function"] in FUNCTIONS, path, f"{where}: function must be 'input' or 'holding'")
    _check(s["type"] in encoding.REGISTERS, path, f"{where}: unknown type {s['type']!r}")
    _check(s["word_order"] in encoding.ORDERS, path, f"{where}: word_order must be big|little")
    _check(s["byte_order"] in encoding.ORDERS, path, f"{where}: byte_order must be big|little")
    _check(isinstance(s["scale"], (int, float)) and s["scale"] != 0, path, f"{where}: bad scale")
    na = s["not_available"]
    _check(isinstance(na, list) and all(m in encoding.MARKERS for m in na), path,
           f"{where}: not_available must be a list among {sorted(encoding.MARKERS)}")
    return s


def load(path):
    path = str(path)
    try:
        with open(path, "rb") as f:
            data = tomllib.load(f)
    except (OSError, tomllib.TOMLDecodeError) as e:
        raise ProfileError(f"{path}: {e}") from e
    meter = data.get("meter", {})
    for key in ("manufacturer", "model", "phases"):
        _check(key in meter, path, f"[meter] lacks {key}")
    defaults = data.get("defaults", {})
    unknown = set(defaults) - DEFAULT_KEYS
    _check(not unknown, path, f"[defaults] has unknown keys {sorted(unknown)}")
    base = {"function": "input", "type": "float32", "word_order": "big", "byte_order": "big",
            "scale": 1.0, "not_available": ["nan"]}
    base = _settings(defaults, base, path, "[defaults]")
    quantities = {}
    tables = {3: {}, 4: {}}
    for name, q in data.get("quantities", {}).items():
        _check(isinstance(q, dict), path, f"quantity {name} must be a table")
        unknown = set(q) - QUANTITY_KEYS
        _check(not unknown, path, f"quantity {name} has unknown keys {sorted(unknown)}")
        _check(isinstance(q.get("address"), int) and 0 <= q["address"] <= 0xFFFF, path,
               f"quantity {name}: address must be 0..0xFFFF")
        _check(q.get("unit") in UNITS, path, f"quantity {name}: unit must be one of {sorted(UNITS)}")
        s = _settings(q, base, path, f"quantity {name}")
        quantity = Quantity(name=name, address=q["address"], unit=q["unit"],
                            function=FUNCTIONS[s["function"]], type=s["type"],
                            word_order=s["word_order"], byte_order=s["byte_order"],
                            scale=float(s["scale"]), not_available=tuple(s["not_available"]))
        _check(quantity.address + quantity.count <= 0x10000, path, f"quantity {name} runs past 0xFFFF")
        table = tables[quantity.function]
        for i in range(quantity.count):
            a = quantity.address + i
            _check(a not in table, path, f"quantity {name} overlaps {table.get(a, ('?',))[0]} at {a:#06x}")
            table[a] = (name, i)
        quantities[name] = quantity
    _check(quantities, path, "no [quantities]")
    signature = data.get("signature", {}).get("quantities", [])
    for name in signature:
        _check(name in quantities, path, f"signature names unknown quantity {name}")
    return Profile(path=path, manufacturer=meter["manufacturer"], model=meter["model"],
                   phases=int(meter["phases"]), source=meter.get("source", ""),
                   signature=list(signature), quantities=quantities, tables=tables)


def repo_root():
    return Path(__file__).resolve().parents[2]


def default_profile_path():
    return repo_root() / "hardware" / "meters" / "eastron-sdm630.toml"
