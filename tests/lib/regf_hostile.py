"""Write a hostile registry hive (t026): the root key says it has 65535 x 65535 subkeys, and its
subkey list is an "ri" naming one "lf" list of 65535 entries 65535 times, every entry the root
key itself. A lookup that follows the lists as they stand examines 4.3 billion entries; a
sound hive has one key cell per entry, which this one has no room for.
Usage: python3 regf_hostile.py OUT"""
import struct
import sys

sys.path.insert(0, __file__.rsplit("/", 1)[0])
from regf_empty import cell  # noqa: E402

N = 65535


def hive():
    root_at = 0x20
    name = b"ROOT"

    def nk(ri_at):
        return (b"nk" + struct.pack("<H", 0x2C) + b"\0" * 8 + struct.pack("<I", 0)
                + struct.pack("<IIIIIIIII", 0, N * N, 0, ri_at, 0xFFFFFFFF, 0, 0xFFFFFFFF,
                              0xFFFFFFFF, 0xFFFFFFFF)
                + struct.pack("<IIIII", 0, 0, 0, 0, 0) + struct.pack("<HH", len(name), 0) + name)

    ri_at = root_at + len(cell(nk(0)))
    lf_at = ri_at + len(cell(b"ri" + struct.pack("<H", N) + struct.pack("<I", 0) * N))
    ri = b"ri" + struct.pack("<H", N) + struct.pack("<I", lf_at) * N
    lf = b"lf" + struct.pack("<H", N) + struct.pack("<I4s", root_at, b"ROOT") * N
    cells = cell(nk(ri_at)) + cell(ri) + cell(lf)
    size = (0x20 + len(cells) + 8 + 4095) & ~4095
    free = size - 0x20 - len(cells)
    hbin = (b"hbin" + struct.pack("<II", 0, size) + b"\0" * 20 + cells
            + struct.pack("<i", free) + b"\0" * (free - 4))
    base = bytearray(4096)
    struct.pack_into("<4sIIQIIIIIII", base, 0, b"regf", 1, 1, 0, 1, 3, 0, 1, root_at, size, 1)
    checksum = 0
    for i in range(127):
        checksum ^= struct.unpack_from("<I", base, 4 * i)[0]
    struct.pack_into("<I", base, 0x1FC, checksum)
    return bytes(base) + hbin


if __name__ == "__main__":
    with open(sys.argv[1], "wb") as out:
        out.write(hive())
