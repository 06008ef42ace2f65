"""Framing of the byte stream between a grading worker and a sandboxed child.

A frame is one kind byte, an 8-byte little-endian call id, an 8-byte little-endian length, then
the payload (bytes made by `autograder.wire.codec.encode`). The reading side bounds the length and the
wall time and checks the call id, because the writer may be hostile: a reply whose id is not the
call's (e.g. one forged by learner code, or left over from an earlier call) is garbage. The worker's
writes have deadlines too, so a child that stops reading cannot hold it.

Kinds, child -> worker:  P progress (statement number), L load report, R reply of a call,
                         E the call raised (payload: message), X isolation failed (payload: message)
Kinds, worker -> child:  C request: the load request, or a call request {"name", "keep_args": [bool, ...]}
                         followed by one A frame per call (payload: the encoded tuple of its arguments);
                         the child answers each call with an R or E frame carrying that call's id
                         (the request's "ids"), in order; every other frame has id 0
                         S the learner's cells, right after the load request (payload: `encode_cells`);
                         trusted data, so never cut or bounded by the codec meant for hostile replies
"""
import json
import select
import socket
import struct
import time

_HEADER = struct.Struct("<cQQ")  # kind, call id, payload length
PROGRESS, LOADED, REPLY, RAISED, SETUP_FAILED, CALL, ARGS, SOURCE = b"P", b"L", b"R", b"E", b"X", b"C", b"A", b"S"
KINDS = {PROGRESS, LOADED, REPLY, RAISED, SETUP_FAILED, CALL, ARGS, SOURCE}


class ChannelClosed(Exception):
    """The other end closed the stream (the child died or exited)."""


class ChannelTimeout(Exception):
    """No complete frame arrived before the deadline."""


class ChannelGarbage(Exception):
    """The other end sent something that is not a well-formed frame, or one that is too large."""


def frame(kind, payload=b"", call_id=0):
    return _HEADER.pack(kind, call_id, len(payload)) + payload


def encode_cells(cells):
    """The S payload: the cells [{"label", "source", optional "module"}] as JSON text, whole (any length)."""
    return json.dumps([dict(cell) for cell in cells]).encode("ascii")


def decode_cells(payload):
    """The cells of an S payload (read in the child, from the worker: no bound needed)."""
    return json.loads(payload)


def send_frame(fd_owner, kind, payload=b"", call_id=0):
    """Write one frame on a blocking socket (the child's side: it never needs a deadline)."""
    fd_owner.sendall(frame(kind, payload, call_id))


def send_before(sock, data, deadline):
    """Write all of `data` on `sock` before `deadline` (time.monotonic()), never blocking: what does not fit
    waits for poll to say there is room.

    Raises ChannelTimeout when the reader does not take it in time, ChannelClosed when it is gone.
    """
    view, sent, poller = memoryview(data), 0, None
    while sent < len(view):
        try:
            sent += sock.send(view[sent:sent + (1 << 20)], socket.MSG_DONTWAIT)
            continue
        except BlockingIOError:  # the buffer is full: wait for room, up to the deadline
            pass
        except OSError as error:  # EPIPE, ECONNRESET: the child died
            raise ChannelClosed() from error
        if poller is None:
            poller = select.poll()
            poller.register(sock, select.POLLOUT)
        wait = deadline - time.monotonic()
        if wait <= 0 or not poller.poll(wait * 1000):
            raise ChannelTimeout()


def receive_frame(sock, deadline, max_bytes, call_id=0):
    """Read one frame from `sock` (reads only when poll says data is there) before `deadline` (time.monotonic()).

    call_id -- the id the frame must carry (that of the call it answers; 0 outside calls)
    Returns (kind, payload). Raises ChannelClosed, ChannelTimeout or ChannelGarbage.
    """
    header = _read_exactly(sock, _HEADER.size, deadline)
    kind, frame_id, length = _HEADER.unpack(header)
    if kind not in KINDS:
        raise ChannelGarbage(f"unknown frame kind {kind!r}")
    if frame_id != call_id:
        raise ChannelGarbage(f"a frame for call {frame_id} arrived while call {call_id} was awaited")
    if length > max_bytes:
        raise ChannelGarbage(f"reply of {length} bytes is larger than the {max_bytes}-byte limit")
    return kind, _read_exactly(sock, length, deadline)


def _read_exactly(sock, size, deadline):
    chunks, remaining = [], size
    poller = select.poll()
    poller.register(sock, select.POLLIN)
    while remaining:
        wait = deadline - time.monotonic()
        if wait <= 0 or not poller.poll(wait * 1000):
            raise ChannelTimeout()
        chunk = sock.recv(min(remaining, 1 << 20))
        if not chunk:
            raise ChannelClosed()
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)
