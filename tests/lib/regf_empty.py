"""Write an empty registry hive (regf 1.3: a base block, one hive bin, a root key and its
security cell), for t026 to fill with libhivex's hivexsh, which edits hives but cannot make one.
The layout is the documented one Windows writes; hivexsh reading and committing it is the check.
Usage: python3 regf_empty.py OUT [--bad-checksum]"""
import struct
import sys

BIN = 4096


def cell(record):
    """An allocated cell: its size negative, rounded up to 8 bytes"""
    size = (len(record) + 4 + 7) & ~7
    return struct.pack("<i", -size) + record + b"\0" * (size - 4 - len(record))


def hive(bad_checksum=False):
    root_at, sk_at = 0x20, 0x20 + 0x58   # cell offsets, counted from the first hive bin
    name = b"ROOT"
    nk = (b"nk" + struct.pack("<H", 0x2C)        # KEY_HIVE_ENTRY | NO_DELETE | COMP_NAME
          + b"\0" * 8 + struct.pack("<I", 0)      # last written, access bits
          + struct.pack("<IIIIIIIII", 0, 0, 0, 0xFFFFFFFF, 0xFFFFFFFF, 0, 0xFFFFFFFF,
                        sk_at, 0xFFFFFFFF)        # parent ... values list, security, class
          + struct.pack("<IIIII", 0, 0, 0, 0, 0)  # largest names and data, work var
          + struct.pack("<HH", len(name), 0) + name)
    sd = struct.pack("<BBHIIII", 1, 0, 0x8000, 0, 0, 0, 0)  # self-relative, nothing set
    sk = (b"sk" + b"\0\0" + struct.pack("<IIII", sk_at, sk_at, 1, len(sd)) + sd)
    cells = cell(nk)
    assert len(cells) == sk_at - root_at, len(cells)
    cells += cell(sk)
    free = BIN - 0x20 - len(cells)
    hbin = (b"hbin" + struct.pack("<II", 0, BIN) + b"\0" * 8 + b"\0" * 8 + struct.pack("<I", 0)
            + cells + struct.pack("<i", free) + b"\0" * (free - 4))
    assert len(hbin) == BIN
    base = bytearray(4096)
    struct.pack_into("<4sIIQIIIIIII", base, 0, b"regf", 1, 1, 0, 1, 3, 0, 1, root_at, BIN, 1)
    checksum = 0
    for i in range(127):
        checksum ^= struct.unpack_from("<I", base, 4 * i)[0]
    struct.pack_into("<I", base, 0x1FC, checksum ^ (1 if bad_checksum else 0))
    return bytes(base) + hbin


if __name__ == "__main__":
    with open(sys.argv[1], "wb") as out:
        out.write(hive("--bad-checksum" in sys.argv[2:]))
