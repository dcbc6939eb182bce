#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Write a reproducible cpio "newc" archive: mkcpio.py -o OUT [NAME=]FILE...
List the names in one (tools use it to check a program name): mkcpio.py -t ARCHIVE
Start from an archive's files (--base ARCHIVE; inputs of the same name replace
them): how tools/run --add puts programs built elsewhere into a boot image.

Each input is stored under its base name (or NAME when given as NAME=FILE),
sorted by name, with mtime 0, uid/gid 0 and increasing inode numbers, then the
TRAILER!!! record. Data and names are padded to 4 bytes as newc requires."""
import argparse, os, sys


def header(ino, mode, nlink, size, namesize):
    fields = [ino, mode, 0, 0, nlink, 0, size, 0, 0, 0, 0, namesize, 0]
    return b"070701" + b"".join(b"%08X" % f for f in fields)


def pad4(n):
    return (4 - n % 4) % 4


def entry(ino, name, data, mode):
    nb = name.encode() + b"\0"
    out = header(ino, mode, 1, len(data), len(nb)) + nb
    out += b"\0" * pad4(110 + len(nb))
    out += data + b"\0" * pad4(len(data))
    return out


def entries(path):
    """[(name, data)] of a newc archive."""
    with open(path, "rb") as fh:
        data = fh.read()
    off, out = 0, []
    while off + 110 <= len(data) and data[off:off + 6] == b"070701":
        size = int(data[off + 54:off + 62], 16)
        namesize = int(data[off + 94:off + 102], 16)
        name = data[off + 110:off + 110 + namesize - 1].decode()
        if name == "TRAILER!!!":
            break
        off += 110 + namesize + pad4(110 + namesize)
        out.append((name, data[off:off + size]))
        off += size + pad4(size)
    return out


def names(path):
    return [n for n, _ in entries(path)]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-o")
    ap.add_argument("-t", metavar="ARCHIVE")
    ap.add_argument("--base", metavar="ARCHIVE")
    ap.add_argument("files", nargs="*")
    a = ap.parse_args()
    if a.t:
        print("\n".join(names(a.t)))
        return
    if not a.o:
        sys.exit("mkcpio: -o OUT or -t ARCHIVE")
    items = dict(entries(a.base)) if a.base else {}
    added = set()
    for f in a.files:
        name, path = (f.split("=", 1) if "=" in f else (os.path.basename(f), f))
        if name in added or (name in items and not a.base):
            sys.exit("mkcpio: duplicate name %s" % name)
        added.add(name)
        with open(path, "rb") as fh:
            items[name] = fh.read()
    out = b""
    for ino, name in enumerate(sorted(items), start=1):
        out += entry(ino, name, items[name], 0o100644)
    out += entry(0, "TRAILER!!!", b"", 0)
    out += b"\0" * pad4(len(out))
    with open(a.o, "wb") as fh:
        fh.write(out)


if __name__ == "__main__":
    main()
