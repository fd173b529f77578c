"""Damage a FAT12 or FAT16 image's root directory as other machines' tools and faults do (t025).

usage: fat16_damage.py IMAGE MODE NAME
  loop NAME      the first cluster's FAT entry of directory NAME points back to itself
  rename NAME    NAME's short entry renamed RENAMED by a tool that knows no long names
  hostile NAME   ESC and '/' written into the first characters of NAME's long name
  self NAME      every subdirectory entry in NAME's first cluster, and every free slot there,
                 made a subdirectory whose first cluster is NAME's own: the directory holds
                 itself that many times (each level multiplies the walk)
NAME: the first 6 bytes of the short name ("MANY  ", "ADIREC"). Exit 1 when NAME is not found.
"""
import struct
import sys

path, mode, name = sys.argv[1], sys.argv[2], sys.argv[3].encode()
f = open(path, "r+b")
boot = f.read(512)
bps, spc, reserved, nfats, roots, _total, _media, fat_size = struct.unpack_from("<HBHBHHBH", boot, 11)
root = (reserved + nfats * fat_size) * bps
f.seek(root)
entries = f.read(roots * 32)
for i in range(0, len(entries), 32):
    e = entries[i:i + 32]
    if e[:len(name)] != name or e[11] != 0x10:
        continue
    if mode == "loop":
        cluster = struct.unpack_from("<H", e, 26)[0]
        f.seek(reserved * bps + 2 * cluster)
        f.write(struct.pack("<H", cluster))
    elif mode == "rename":
        f.seek(root + i)
        f.write(b"RENAMED    ")
    elif mode == "self":
        cluster = struct.unpack_from("<H", e, 26)[0]
        at = root + roots * 32 + (cluster - 2) * bps * spc
        f.seek(at)
        inner = bytearray(f.read(bps * spc))
        subdirs = [j for j in range(64, len(inner), 32)
                   if inner[j] not in (0, 0xE5) and inner[j + 11] == 0x10]
        if not subdirs:
            sys.exit(1)
        model = bytes(inner[subdirs[0]:subdirs[0] + 32])
        for n, j in enumerate(range(64, len(inner), 32)):
            if j in subdirs or inner[j] == 0:
                inner[j:j + 32] = (b"S%07d   " % n) + model[11:26] + struct.pack("<H", cluster) \
                    + model[28:]
        f.seek(at)
        f.write(inner)
        sys.exit(0)
    elif mode == "hostile" and i >= 32 and entries[i - 32 + 11] == 0x0F:
        f.seek(root + i - 32 + 1)
        f.write(struct.pack("<HH", 0x1B, ord("/")))
    else:
        sys.exit(1)
    sys.exit(0)
sys.exit(1)
