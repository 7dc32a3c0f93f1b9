#!/usr/bin/env python3
"""bench/colsize.py FILE.segcol -- where a .segcol's bytes go, for `make bench` (W6).

Prints one line per column: its name, its bytes (the four arrays of
runtime/colfile.h: values, validity, dictionary offsets, dictionary bytes)
and bytes per row, then the header's bytes.  Reads only the header.
"""
import struct
import sys


def main(path):
    with open(path, "rb") as f:
        head = f.read(32)
        if head[:7] != b"SEGCOL\0":
            sys.exit(f"colsize: {path}: not a .segcol")
        _ver, ncols, nrows, hlen = struct.unpack_from("<IIQQ", head, 8)
        f.seek(0)
        b = f.read(hlen)
    p = 32
    for _ in range(ncols):
        (nl,) = struct.unpack_from("<H", b, p)
        name = b[p + 2:p + 2 + nl].decode()
        p += 2 + nl + 14
        arr = struct.unpack_from("<8Q", b, p)
        p += 72
        size = arr[1] + arr[3] + arr[5] + arr[7]
        print(f"{name} {size} {size / max(nrows, 1):.2f}")
    print(f"(header) {hlen} {hlen / max(nrows, 1):.2f}")


if __name__ == "__main__":
    main(sys.argv[1])
