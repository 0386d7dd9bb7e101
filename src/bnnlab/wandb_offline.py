"""Read a W&B offline run (``run-<id>.wandb``) back without a W&B server.

wandb 0.31 dropped its own reader (``wandb.sdk.internal.datastore``); the file is still
a leveldb-style log (FIELD-NOTES.md): a 7-byte header, then 32 KiB blocks of chunks
``crc32 (uint32) | length (uint16) | type (uint8) | payload``, type 1 full, 2 first,
3 middle, 4 last. Each reassembled payload is a ``wandb_internal_pb2.Record``.
"""

from __future__ import annotations

import json
import struct
import time
import zlib
from pathlib import Path
from typing import Any

from wandb.proto import wandb_internal_pb2

HEADER = struct.Struct("<4sHB")  # b":W&B", magic 0xBEE1, version 0
CHUNK = struct.Struct("<IHB")  # crc32, payload length, chunk type
BLOCK_SIZE = 32 * 1024
FULL, FIRST, MIDDLE, LAST = 1, 2, 3, 4


class OfflineRunError(ValueError):
    """A file that is not a readable W&B offline run."""


def _payloads(data: bytes) -> list[bytes]:
    if len(data) < HEADER.size:
        raise OfflineRunError("too short for a W&B run file")
    ident, magic, _version = HEADER.unpack_from(data)
    if ident != b":W&B" or magic != 0xBEE1:
        raise OfflineRunError("not a W&B run file (bad header)")
    payloads, pending, offset = [], b"", HEADER.size
    while offset + CHUNK.size <= len(data):
        room = BLOCK_SIZE - offset % BLOCK_SIZE
        if room < CHUNK.size:  # the rest of a block too small for a chunk header is padding
            offset += room
            continue
        crc, length, kind = CHUNK.unpack_from(data, offset)
        start = offset + CHUNK.size
        payload = data[start : start + length]
        if kind == 0 and length == 0:  # zero padding at a block's end
            offset += room
            continue
        if len(payload) < length or zlib.crc32(bytes([kind]) + payload) & 0xFFFFFFFF != crc:
            break  # a record still being written: stop at the last complete one
        if kind == FULL:
            payloads.append(payload)
        elif kind == FIRST:
            pending = payload
        elif kind == MIDDLE:
            pending += payload
        elif kind == LAST:
            payloads.append(pending + payload)
            pending = b""
        offset = start + length
    return payloads


def read_records(path: str | Path) -> list[wandb_internal_pb2.Record]:
    """Every complete record in the run file, in order."""
    records = []
    for payload in _payloads(Path(path).read_bytes()):
        record = wandb_internal_pb2.Record()
        record.ParseFromString(payload)
        records.append(record)
    return records


def find_run_file(directory: str | Path) -> Path:
    """The ``run-*.wandb`` file under ``directory`` (a run dir, its ``wandb/`` folder or an
    ``offline-run-*`` folder); exactly one must be there."""
    found = sorted(Path(directory).glob("**/offline-run-*/run-*.wandb"))
    found += sorted(Path(directory).glob("run-*.wandb"))
    if len(found) != 1:
        raise OfflineRunError(f"expected one W&B offline run under {directory}, found {found}")
    return found[0]


def read_history(path: str | Path, timeout: float = 30.0) -> list[dict[str, Any]]:
    """The run's history rows (one dict of key -> value per ``log`` call).

    Waits up to ``timeout`` seconds for the run's ``exit`` record: right after
    ``finish()`` the file can still be incomplete.
    """
    deadline = time.monotonic() + timeout
    while True:
        records = read_records(path)
        if any(record.HasField("exit") for record in records):
            break
        if time.monotonic() > deadline:
            raise OfflineRunError(f"{path} has no exit record after {timeout} s")
        time.sleep(0.2)
    rows = []
    for record in records:
        if record.HasField("history"):
            row: dict[str, Any] = {}
            for item in record.history.item:
                # a histogram arrives flattened: nested keys (key, "_type"), (key, "bins"), ...
                *parents, leaf = [item.key] if item.key else list(item.nested_key)
                target = row
                for parent in parents:
                    target = target.setdefault(parent, {})
                target[leaf] = json.loads(item.value_json)
            rows.append(row)
    return rows
