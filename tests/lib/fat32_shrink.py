"""Make a FAT32 volume one with fewer clusters than FAT32 needs (t022, t025): its total sector
count rewritten so that N data clusters remain. The FAT, the root and the files mtools wrote
stay where they are (they lie in the first clusters); the layout stays FAT32's. That is what
mkfs.vfat -F 32 makes on a small partition, which no tool here can write files into.
Usage: fat32_shrink.py IMAGE N"""
import struct
import sys

path, clusters = sys.argv[1], int(sys.argv[2])
with open(path, "r+b") as f:
    boot = bytearray(f.read(512))
    _bps, spc, reserved, nfats = struct.unpack_from("<HBHB", boot, 11)
    fat16, = struct.unpack_from("<H", boot, 22)
    fat32, = struct.unpack_from("<I", boot, 36)
    if fat16 != 0 or fat32 == 0:
        sys.exit("not a FAT32 layout")
    total = reserved + nfats * fat32 + clusters * spc
    struct.pack_into("<H", boot, 19, 0)       # no 16-bit count
    struct.pack_into("<I", boot, 32, total)
    fsinfo, backup = struct.unpack_from("<HH", boot, 48)
    for sector in (0, backup):                    # the boot sector and its backup alike
        f.seek(sector * 512)
        f.write(boot)
    f.seek(fsinfo * 512 + 488)                    # FSInfo's free count: unknown
    f.write(struct.pack("<I", 0xFFFFFFFF))
