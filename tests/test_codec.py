"""Does the wire format carry plain data faithfully and refuse everything else?"""
import numpy as np
import pytest

from autograder import codec
from autograder.runner import EXCEPTION, MISSING, OK, TIMEOUT, InProcessRunner


def test_nested_values_round_trip():
    value = ({"W": np.arange(6.0).reshape(2, 3), "b": np.zeros((2, 1))}, [np.int64(3), 2.5, None, "x"], True)
    back = codec.decode(codec.encode(value))
    assert isinstance(back, tuple) and isinstance(back[1], list)
    np.testing.assert_array_equal(back[0]["W"], value[0]["W"])
    assert back[1][1:] == [2.5, None, "x"] and back[2] is True


def test_odd_objects_become_opaque_markers_not_errors():
    class Liar:
        def __eq__(self, other):
            return True
    back = codec.decode(codec.encode([Liar(), np.array([object()]), np.matrix([[1.0]])]))
    assert isinstance(back[0], codec.Opaque) and "Liar" in back[0].type_name
    assert isinstance(back[1], codec.Opaque)
    assert isinstance(back[2], codec.ArraySubclass) and back[2].type_name.endswith("matrix")


@pytest.mark.parametrize("junk", [b"", b"\x00" * 7, b"\xff" * 64, codec.encode([1.0])[:-1]])
def test_malformed_messages_are_refused(junk):
    with pytest.raises(codec.DecodeError):
        codec.decode(junk)


def _message(header, blob):
    return b"".join([codec._LENGTH.pack(len(header)), header, codec._LENGTH.pack(1),
                     codec._LENGTH.pack(len(blob)), blob])


@pytest.mark.parametrize("node", [
    b'{"t": "arr", "i": 0, "dtype": "|O", "shape": [1]}',     # object arrays would need pickle
    b'{"t": "arr", "i": 0, "dtype": "<f8", "shape": [3]}',    # 8 bytes cannot hold 3 floats
    b'{"t": "arr", "i": 0, "dtype": "<f8", "shape": [-1]}',
    b'{"t": "arr", "i": 0, "dtype": "[(\'a\', \'<f8\')]", "shape": [1]}',  # structured
    b'{"t": "arr", "i": 1, "dtype": "<f8", "shape": [1]}',    # no such array
])
def test_arrays_that_are_not_plain_numbers_are_refused(node):
    with pytest.raises(codec.DecodeError):
        codec.decode(_message(node, np.zeros(1).tobytes()))


def test_decoded_arrays_are_writable_copies():
    back = codec.decode(codec.encode(np.arange(4.0)))
    back[0] = 7.0
    assert type(back) is np.ndarray and back.flags.owndata


def test_in_process_runner_reports_each_kind_of_outcome():
    def slow(x):
        while True:
            pass

    def bad(x):
        raise ValueError("nope")

    def mutate(x):
        x[0] = 99.0
        return x.sum()

    runner = InProcessRunner({"rnn_forward": mutate, "clip": bad, "update_parameters": slow})
    assert runner.available() == {"rnn_forward", "clip", "update_parameters"}
    original = np.zeros(3)
    outcome = runner.call("rnn_forward", original, keep_args=True)
    assert outcome.status == OK and outcome.value == 99.0 and outcome.args_after[0][0] == 99.0
    assert original[0] == 0.0  # the runner passes copies
    assert runner.call("clip", original).status == EXCEPTION
    assert "ValueError: nope" in runner.call("clip", original).message
    assert runner.call("update_parameters", original, timeout=0.2).status == TIMEOUT
    assert runner.call("rnn_backward", original).status == MISSING
