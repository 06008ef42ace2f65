"""Plain-data wire format between a grader and the process that runs student code.

A value (arrays, dicts, tuples, lists, numbers, strings, None, nested) becomes one byte string:
a JSON tree describing the structure plus every array in ``.npy`` format. Decoding never
unpickles: arrays come back through ``np.load(..., allow_pickle=False)`` with a numeric dtype,
and anything the encoder could not represent arrives as an ``Opaque`` marker naming its type.
The encoder runs beside student code, so the decoder trusts nothing it receives, and bounds
what it builds: the header's size, the number of nodes, and the bytes of all arrays handed out
(each further reference to one array is a copy, so a small message could otherwise decode to
gigabytes).
"""
import functools
import io
import json
import math
import re
import struct
from dataclasses import dataclass

import numpy as np

MAX_MESSAGE_BYTES = 256 * 1024 * 1024
MAX_HEADER_BYTES = 4 * 1024 * 1024  # the JSON tree; a grading reply's is a few kB
MAX_NODES = 200_000  # values in one decoded tree; a grading reply has about a hundred
MAX_DECODED_BYTES = 64 * 1024 * 1024  # bytes of all arrays of one decoded value, every copy counted
MAX_DEPTH = 16
NUMERIC_KINDS = "biufc"
_LENGTH = struct.Struct("<Q")
# The .npy v1.0 files this encoder writes; the decoder reads them without numpy's header parser
# (ast.literal_eval, ~10x slower) and hands anything else to np.load(allow_pickle=False).
_NPY_MAGIC = b"\x93NUMPY\x01\x00"
_NPY_HEADER = re.compile(rb"\{'descr': '([<>|][biufc][0-9]{1,2})', 'fortran_order': False, "
                         rb"'shape': \(((?:[0-9]+, ?)*[0-9]*)\), \} *\n")


# The tree is built here from fresh dicts and lists, so it cannot be circular: skip that check.
_JSON_ENCODER = json.JSONEncoder(check_circular=False, separators=(",", ":"))


# What a reply carries instead of the arguments after a call that changed none of them (autograder.child.calls).
ARGS_UNCHANGED = "arguments unchanged"


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


class _Arrays(list):
    """The array blobs of one message. An ndarray object met again (e.g. the `parameters` every cache
    of rnn_forward shares) is sent once; the decoder gives each later reference its own copy."""

    def __init__(self):
        super().__init__()
        self.nodes_by_id, self.originals = {}, []


def encode(value):
    """Serialise `value` to bytes. Never raises for odd values: they become Opaque markers."""
    arrays = _Arrays()
    tree = _encode_node(value, arrays, 0)
    header = _JSON_ENCODER.encode(tree).encode()
    parts = [_LENGTH.pack(len(header)), header, _LENGTH.pack(len(arrays))]
    for blob in arrays:
        parts += [_LENGTH.pack(len(blob)), blob]
    return b"".join(parts)


def _encode_node(value, arrays, depth):
    if depth > MAX_DEPTH:
        return {"t": "opaque", "type": "too deeply nested"}
    if type(value) is np.ndarray:  # the most common node first
        if id(value) not in arrays.nodes_by_id:
            arrays.nodes_by_id[id(value)] = _encode_array(value, arrays)
            arrays.originals.append(value)  # alive until the message is built, so no id is reused
        return dict(arrays.nodes_by_id[id(value)])
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
    arrays.append(_npy_bytes(np.ascontiguousarray(value)))
    return node


def _npy_bytes(array):
    """`array` (C-contiguous, numeric) in .npy v1.0 format, as np.save writes it."""
    return _npy_header(array.dtype.str, array.shape) + array.tobytes()


@functools.lru_cache(maxsize=1024)
def _npy_header(descr, shape):
    header = f"{{'descr': '{descr}', 'fortran_order': False, 'shape': {tuple(shape)!r}, }}".encode()
    header += b" " * (-(len(_NPY_MAGIC) + 2 + len(header) + 1) % 64) + b"\n"
    return _NPY_MAGIC + struct.pack("<H", len(header)) + header


def _type_name(value):
    try:
        cls = type(value)
        return f"{cls.__module__}.{cls.__qualname__}" if cls.__module__ != "builtins" else cls.__qualname__
    except Exception:  # a hostile type can make even this fail
        return "unknown object"


def decode(message, max_bytes=MAX_DECODED_BYTES, max_nodes=MAX_NODES):
    """Rebuild a value from bytes made by `encode`. Raises DecodeError on anything malformed, and on a value
    of more than `max_nodes` nodes or whose arrays (a copy for each further reference) hold more than `max_bytes`."""
    if not isinstance(message, (bytes, bytearray, memoryview)) or len(message) > MAX_MESSAGE_BYTES:
        raise DecodeError("message missing or too large")
    view = memoryview(message)
    header, offset = _read_block(view, 0)
    if len(header) > MAX_HEADER_BYTES:
        raise DecodeError(f"header of {len(header)} bytes is larger than the {MAX_HEADER_BYTES}-byte limit")
    header = bytes(header)
    if header.count(b"{") > max_nodes:  # every node is a JSON object, and no escape writes one without "{"
        raise DecodeError("the value has more nodes than the limit")
    try:
        tree = json.loads(header)
    except (ValueError, UnicodeDecodeError) as error:
        raise DecodeError(f"bad header: {error}") from None
    (count,), offset = _read_count(view, offset)
    arrays = []
    for _ in range(count):
        blob, offset = _read_block(view, offset)
        arrays.append(_load_array(blob))
    if offset != len(view):
        raise DecodeError("trailing bytes")
    return _decode_node(tree, _Used(arrays, max_bytes), 0)


def _read_count(view, offset):
    if offset + _LENGTH.size > len(view):
        raise DecodeError("truncated message")
    return _LENGTH.unpack_from(view, offset), offset + _LENGTH.size


def _read_block(view, offset):
    (length,), offset = _read_count(view, offset)
    if offset + length > len(view):
        raise DecodeError("truncated message")
    return view[offset:offset + length], offset + length


def _load_array(blob):
    array = _load_own_npy(blob)
    if array is not None:
        return array
    try:
        array = np.load(io.BytesIO(bytes(blob)), allow_pickle=False)
    except Exception as error:
        raise DecodeError(f"bad array: {error}") from None
    if type(array) is not np.ndarray or array.dtype.kind not in NUMERIC_KINDS or array.dtype.fields:
        raise DecodeError("non-numeric array")
    return array


def _load_own_npy(blob):
    """The array in a .npy blob written by `_npy_bytes`, or None for any other layout."""
    start = len(_NPY_MAGIC) + 2
    if len(blob) < start or blob[:len(_NPY_MAGIC)] != _NPY_MAGIC:
        return None
    (header_length,) = struct.unpack_from("<H", blob, len(_NPY_MAGIC))
    layout = _parse_npy_header(bytes(blob[start:start + header_length]))
    if layout is None:
        return None
    dtype, shape, size = layout
    data = blob[start + header_length:]
    if size != len(data):
        raise DecodeError("bad array: size does not match its shape")
    return np.frombuffer(data, dtype=dtype).reshape(shape).copy()


@functools.lru_cache(maxsize=1024)
def _parse_npy_header(header):
    """(dtype, shape, bytes of data) for a header `_npy_bytes` writes, else None."""
    match = _NPY_HEADER.fullmatch(header)
    if match is None:
        return None
    dtype = np.dtype(match.group(1).decode())
    if dtype.kind not in NUMERIC_KINDS:
        return None
    shape = tuple(int(size) for size in match.group(2).split(b",") if size.strip())
    return dtype, shape, math.prod(shape) * dtype.itemsize


class _Used(list):
    """Decoded arrays; `take` hands out each once and copies for every further reference (no aliasing),
    counting the bytes handed out against the decoder's bound."""

    def __init__(self, arrays, max_bytes):
        super().__init__(arrays)
        self.taken = set()
        self.bytes_left = max_bytes

    def take(self, index):
        self.bytes_left -= self[index].nbytes
        if self.bytes_left < 0:
            raise DecodeError("the value's arrays (with a copy for each further reference) exceed the size limit")
        if index in self.taken:
            return self[index].copy()
        self.taken.add(index)
        return self[index]


def _decode_node(node, arrays, depth):
    if depth > MAX_DEPTH + 1 or not isinstance(node, dict):
        raise DecodeError("malformed tree")
    kind = node.get("t")
    if kind == "arr":  # the most common node first
        index = node.get("i")
        if type(index) is not int or not 0 <= index < len(arrays):
            raise DecodeError("bad array index")
        if "subclass" in node:
            return ArraySubclass(str(node["subclass"]), arrays.take(index))
        return arrays.take(index)
    if kind == "none":
        return None
    if kind in ("bool", "int", "float", "str"):
        value = node.get("v")
        expected = {"bool": bool, "int": int, "float": (int, float), "str": str}[kind]
        if not isinstance(value, expected):
            raise DecodeError(f"bad {kind}")
        return float(value) if kind == "float" else value
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
