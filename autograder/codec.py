"""Plain-data wire format between a grader and the process that runs student code.

A value (arrays, dicts, tuples, lists, numbers, strings, None, nested) becomes one byte string:
a JSON tree describing the structure (each array's dtype and shape included) plus every array's
raw bytes. Decoding never unpickles: an array is rebuilt with ``np.frombuffer`` only when its dtype
is a plain numeric one (bool, int, uint, float, complex) and its byte count matches its shape,
and anything the encoder could not represent arrives as an ``Opaque`` marker naming its type.
The encoder runs beside student code, so the decoder trusts nothing it receives.
"""
import json
import math
import re
import struct
from dataclasses import dataclass

import numpy as np

MAX_MESSAGE_BYTES = 256 * 1024 * 1024
MAX_DEPTH = 16
NUMERIC_KINDS = "biufc"
_NUMERIC_DTYPE = re.compile(r"^[<>|=]?[biufc](1|2|4|8|16)$")
_LENGTH = struct.Struct("<Q")


class DecodeError(ValueError):
    """The bytes are not a well-formed message of this format."""


@dataclass(frozen=True)
class Opaque:
    """Stands in for a value the encoder could not express as plain data (e.g. a custom object)."""
    type_name: str



@dataclass(frozen=True)
class ArraySubclass:
    """A returned array whose type was a subclass of np.ndarray (e.g. np.matrix); `array` is its data."""
    type_name: str
    array: np.ndarray


def encode(value):
    """Serialise `value` to bytes. Never raises for odd values: they become Opaque markers."""
    arrays = []
    tree = _encode_node(value, arrays, 0)
    header = json.dumps(tree).encode()
    parts = [_LENGTH.pack(len(header)), header, _LENGTH.pack(len(arrays))]
    for blob in arrays:
        parts += [_LENGTH.pack(len(blob)), blob]
    return b"".join(parts)


def _encode_node(value, arrays, depth):
    if depth > MAX_DEPTH:
        return {"t": "opaque", "type": "too deeply nested"}
    if value is None:
        return {"t": "none"}
    if isinstance(value, (bool, np.bool_)) and type(value) in (bool, np.bool_):
        return {"t": "bool", "v": bool(value)}
    if type(value) is int:
        return {"t": "int", "v": value}
    if type(value) in (float, np.float64):
        return {"t": "float", "v": float(value)}
    if type(value) is str:
        return {"t": "str", "v": value[:10000]}
    if isinstance(value, np.generic) and type(value).__module__ == "numpy":
        value = np.asarray(value)
    if isinstance(value, np.ndarray):
        return _encode_array(value, arrays)
    if type(value) in (tuple, list):
        return {"t": type(value).__name__, "items": [_encode_node(v, arrays, depth + 1) for v in value]}
    if type(value) is dict:
        if not all(type(k) is str for k in value):
            return {"t": "opaque", "type": "dict with non-string keys"}
        return {"t": "dict", "items": [[k, _encode_node(v, arrays, depth + 1)] for k, v in value.items()]}
    return {"t": "opaque", "type": _type_name(value)}


def _encode_array(value, arrays):
    node = {"t": "arr", "i": len(arrays)}
    if type(value) is not np.ndarray:
        node["subclass"] = _type_name(value)
        value = np.asarray(value).view(np.ndarray)
    if value.dtype.kind not in NUMERIC_KINDS or value.dtype.fields is not None:
        return {"t": "opaque", "type": f"array of dtype {value.dtype}"}
    node.update(dtype=value.dtype.str, shape=list(value.shape))
    arrays.append(np.ascontiguousarray(value).tobytes())
    return node


def _type_name(value):
    try:
        cls = type(value)
        return f"{cls.__module__}.{cls.__qualname__}" if cls.__module__ != "builtins" else cls.__qualname__
    except Exception:  # a hostile type can make even this fail
        return "unknown object"


def decode(message):
    """Rebuild a value from bytes made by `encode`. Raises DecodeError on anything malformed."""
    if not isinstance(message, (bytes, bytearray, memoryview)) or len(message) > MAX_MESSAGE_BYTES:
        raise DecodeError("message missing or too large")
    view = memoryview(message)
    header, offset = _read_block(view, 0)
    try:
        tree = json.loads(bytes(header))
    except (ValueError, UnicodeDecodeError) as error:
        raise DecodeError(f"bad header: {error}") from None
    (count,), offset = _read_count(view, offset)
    blobs = []
    for _ in range(count):
        blob, offset = _read_block(view, offset)
        blobs.append(blob)
    if offset != len(view):
        raise DecodeError("trailing bytes")
    return _decode_node(tree, blobs, 0)


def _read_count(view, offset):
    if offset + _LENGTH.size > len(view):
        raise DecodeError("truncated message")
    return _LENGTH.unpack_from(view, offset), offset + _LENGTH.size


def _read_block(view, offset):
    (length,), offset = _read_count(view, offset)
    if offset + length > len(view):
        raise DecodeError("truncated message")
    return view[offset:offset + length], offset + length


def _load_array(node, blob):
    """The array described by `node` (dtype, shape) from its raw bytes, after checking both."""
    dtype, shape = node.get("dtype"), node.get("shape")
    if not isinstance(dtype, str) or not _NUMERIC_DTYPE.match(dtype):
        raise DecodeError("non-numeric array")
    if not isinstance(shape, list) or len(shape) > 32 or not all(type(n) is int and n >= 0 for n in shape):
        raise DecodeError("bad array shape")
    dtype = np.dtype(dtype)
    if math.prod(shape) * dtype.itemsize != len(blob):
        raise DecodeError("array size does not match its shape")
    return np.frombuffer(blob, dtype=dtype).reshape(shape).copy()


def _decode_node(node, arrays, depth):
    if depth > MAX_DEPTH + 1 or not isinstance(node, dict):
        raise DecodeError("malformed tree")
    kind = node.get("t")
    if kind == "none":
        return None
    if kind in ("bool", "int", "float", "str"):
        value = node.get("v")
        expected = {"bool": bool, "int": int, "float": (int, float), "str": str}[kind]
        if not isinstance(value, expected):
            raise DecodeError(f"bad {kind}")
        return float(value) if kind == "float" else value
    if kind == "arr":
        index = node.get("i")
        if type(index) is not int or not 0 <= index < len(arrays):
            raise DecodeError("bad array index")
        array = _load_array(node, arrays[index])
        if "subclass" in node:
            return ArraySubclass(str(node["subclass"]), array)
        return array
    if kind in ("tuple", "list"):
        items = [_decode_node(item, arrays, depth + 1) for item in _items(node)]
        return tuple(items) if kind == "tuple" else items
    if kind == "dict":
        result = {}
        for pair in _items(node):
            if not (isinstance(pair, list) and len(pair) == 2 and isinstance(pair[0], str)):
                raise DecodeError("bad dict item")
            result[pair[0]] = _decode_node(pair[1], arrays, depth + 1)
        return result
    if kind == "opaque":
        return Opaque(str(node.get("type", "unknown object")))
    raise DecodeError(f"unknown node {kind!r}")


def _items(node):
    items = node.get("items")
    if not isinstance(items, list):
        raise DecodeError("bad items")
    return items
