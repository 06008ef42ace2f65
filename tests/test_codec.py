"""Does the wire format carry plain data faithfully and refuse everything else?"""
import numpy as np
import pytest

from autograder.wire import codec
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


def test_pickled_arrays_are_refused():
    import io
    buffer = io.BytesIO()
    np.save(buffer, np.array([{"a": 1}], dtype=object), allow_pickle=True)
    blob = buffer.getvalue()
    header = b'{"t": "arr", "i": 0}'
    message = b"".join([codec._LENGTH.pack(len(header)), header, codec._LENGTH.pack(1),
                        codec._LENGTH.pack(len(blob)), blob])
    with pytest.raises(codec.DecodeError):
        codec.decode(message)


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


@pytest.mark.parametrize("array", [np.arange(6.0).reshape(2, 3), np.zeros((0, 3)), np.array([True, False]),
                                   np.arange(5, dtype=np.int8), np.ones((2, 2), dtype=np.complex128),
                                   np.ones(3, dtype=">f4"), np.asfortranarray(np.arange(6.0).reshape(2, 3))])
def test_arrays_travel_as_standard_npy_and_come_back_writable(array):
    """Is each array blob exactly what np.save writes, and does it decode to an equal, writable ndarray?"""
    import io
    message = codec.encode(array)
    saved = io.BytesIO()
    np.save(saved, np.ascontiguousarray(array), allow_pickle=False)
    assert saved.getvalue() in message
    back = codec.decode(message)
    assert type(back) is np.ndarray and back.dtype == array.dtype and np.array_equal(back, array)
    assert back.flags.writeable


def test_npy_blob_whose_size_disagrees_with_its_shape_is_refused():
    message = codec.encode(np.zeros((2, 3)))
    forged = message.replace(b"'shape': (2, 3)", b"'shape': (9, 9)")
    with pytest.raises(codec.DecodeError):
        codec.decode(forged)


def test_an_array_shared_by_several_entries_travels_once_and_comes_back_unaliased():
    """Is a shared array (like `parameters` in every cache) sent once, yet decoded into independent copies?"""
    shared = np.arange(1000.0)
    message = codec.encode([shared, {"again": shared}, (shared,)])
    assert len(message) < len(codec.encode([shared])) + 1000
    first, second, third = codec.decode(message)
    second["again"][0] = -1.0
    assert first[0] == 0.0 and third[0][0] == 0.0 and np.array_equal(first, shared)


def test_one_array_referenced_many_times_is_refused_beyond_the_decoded_size_limit():
    """A reply naming one 8 MB array twenty times is a small message but 160 MB decoded: is it refused
    (DecodeError, i.e. garbage) instead of copied twenty times, while the same array once decodes fine?"""
    big = np.zeros(2 ** 20)
    message = codec.encode([big] * 20)
    assert len(message) < big.nbytes + 10_000
    with pytest.raises(codec.DecodeError, match="size limit"):
        codec.decode(message)
    assert codec.decode(codec.encode([big]))[0].shape == big.shape


def test_a_tree_of_too_many_nodes_or_too_big_a_header_is_refused():
    """Are a flat list of 300,000 values and a header of megabytes of JSON refused before the worker builds them?"""
    with pytest.raises(codec.DecodeError, match="nodes"):
        codec.decode(codec.encode([None] * 300_000))
    header = b'{"t":"str","v":"' + b"x" * (5 * 2 ** 20) + b'"}'
    message = b"".join([codec._LENGTH.pack(len(header)), header, codec._LENGTH.pack(0)])
    with pytest.raises(codec.DecodeError, match="header"):
        codec.decode(message)
