"""Damage a FAT16 image's root directory as other machines' tools and faults do (t025).

usage: fat16_damage.py IMAGE MODE NAME
  loop NAME      the first cluster's FAT entry of directory NAME points back to itself
  rename NAME    NAME's short entry renamed RENAMED by a tool that knows no long names
  hostile NAME   ESC and '/' written into the first characters of NAME's long name
NAME: the first 6 bytes of the short name ("MANY  ", "ADIREC"). Exit 1 when NAME is not found.
"""
import struct
import sys

path, mode, name = sys.argv[1], sys.argv[2], sys.argv[3].encode()
f = open(path, "r+b")
boot = f.read(512)
bps, _spc, reserved, nfats, roots, _total, _media, fat_size = struct.unpack_from("<HBHBHHBH", boot, 11)
root = (reserved + nfats * fat_size) * bps
f.seek(root)
entries = f.read(roots * 32)
for i in range(32, len(entries), 32):
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
    elif mode == "hostile" and entries[i - 32 + 11] == 0x0F:
        f.seek(root + i - 32 + 1)
        f.write(struct.pack("<HH", 0x1B, ord("/")))
    else:
        sys.exit(1)
    sys.exit(0)
sys.exit(1)
