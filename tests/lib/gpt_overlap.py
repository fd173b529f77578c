"""Make a GPT disk image's entries 2..N copies of entry 1 (the same sectors, 32 volumes over one
file system), then write both CRCs anew, so that only the overlap is wrong (t021).
Usage: gpt_overlap.py IMAGE N"""
import struct
import sys
import zlib

path, copies = sys.argv[1], int(sys.argv[2])
with open(path, "r+b") as f:
    f.seek(512)
    header = bytearray(f.read(512))
    hsize, = struct.unpack_from("<I", header, 12)
    entries_lba, count, esize = struct.unpack_from("<QII", header, 72)
    f.seek(entries_lba * 512)
    entries = bytearray(f.read(count * esize))
    first = bytes(entries[:esize])
    for i in range(1, copies):
        # a partition GUID of its own, the same type and sectors
        entries[i * esize:(i + 1) * esize] = first[:16] + bytes([i]) * 16 + first[32:]
    f.seek(entries_lba * 512)
    f.write(entries)
    struct.pack_into("<I", header, 88, zlib.crc32(bytes(entries)))
    struct.pack_into("<I", header, 16, 0)
    struct.pack_into("<I", header, 16, zlib.crc32(bytes(header[:hsize])))
    f.seek(512)
    f.write(header)
