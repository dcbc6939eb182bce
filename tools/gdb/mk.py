# SPDX-License-Identifier: MIT
# gdb helper for mk: debugging user programs (tools/run ARCH --gdb prints
# how to start it; docs/debugging.md).
#
# Every user program is linked at the same address, so gdb cannot tell by
# the address whose code a CPU is in. This script asks the kernel: on every
# stop it reads the stopped CPU's page-table root (x86_64 CR3, aarch64
# TTBR0_EL1, riscv64 satp), finds the process with that root in the kernel's
# process table (`procs` in kernel/core/proc.c, named by SYS_PROC_NAME), and
# loads that program's symbols (from the build directory) in place of the
# previous program's. Commands:
#   mk-attach ARCH [HOST:]PORT  load the kernel's symbols and connect
#   mk-ps                       the kernel's processes (pid, name, root)
#   mk-proc                     the process the CPU is in; loads its symbols
#   mk-break PROGRAM LOCATION   a breakpoint that stops only in PROGRAM
#                               (e.g. mk-break trace handle)
# aarch64 and riscv64 forbid reading kernel memory from user mode, so the
# kernel's table is read through QEMU's physical-memory mode there (the
# kernel lies in its direct map: physical = virtual - DIRECT_MAP_BASE).
import os
import struct

import gdb

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DIRECT_MAP_BASE = {"aarch64": 0xFFFF000000000000, "riscv64": 0xFFFFFFC000000000}
GDB_ARCH = {"i386:x86-64": "x86_64", "aarch64": "aarch64", "riscv:rv64": "riscv64"}

state = {"arch": None, "user": None, "user_file": None, "files": None}


def mk_arch():
    if state["arch"] is None:
        name = gdb.selected_inferior().architecture().name()
        state["arch"] = GDB_ARCH.get(name, name)
    return state["arch"]


def build_dir():
    return os.path.join(os.environ.get("MK_BUILD", os.path.join(TOP, "build")), mk_arch())


def kernel_objfile():
    for o in gdb.objfiles():
        if o.filename.endswith("kernel.elf"):
            return o
    raise gdb.GdbError("mk: no kernel symbols (use mk-attach ARCH PORT, or file build/ARCH/kernel/kernel.elf)")


def read_kernel(va, n):
    """n bytes of kernel memory at virtual address va."""
    base = DIRECT_MAP_BASE.get(mk_arch())
    inf = gdb.selected_inferior()
    if base is None:
        return bytes(inf.read_memory(va, n))
    gdb.execute("maintenance packet Qqemu.PhyMemMode:1", to_string=True)
    try:
        return bytes(inf.read_memory(va - base, n))
    finally:
        gdb.execute("maintenance packet Qqemu.PhyMemMode:0", to_string=True)


def read_kernel_words(va, n):
    """n 64-bit words of kernel memory at va, in one request to QEMU (its
    monitor's xp on aarch64 and riscv64): cheap enough for every breakpoint hit."""
    base = DIRECT_MAP_BASE.get(mk_arch())
    if base is None:
        return list(struct.unpack("<%dQ" % n, bytes(gdb.selected_inferior().read_memory(va, n * 8))))
    text = gdb.execute("monitor xp /%dgx 0x%x" % (n, va - base), to_string=True)
    words = [int(w, 16) for line in text.splitlines() for w in line.split(":", 1)[-1].split()]
    if len(words) != n:
        raise gdb.GdbError("mk: cannot read kernel memory at 0x%x" % va)
    return words


def root_now():
    """The page-table root (physical address) of the stopped CPU."""
    a = mk_arch()
    if a == "x86_64":
        return int(gdb.parse_and_eval("$cr3")) & 0x000FFFFFFFFFF000
    if a == "aarch64":
        return int(gdb.parse_and_eval("$TTBR0_EL1")) & 0x0000FFFFFFFFFFFE
    return (int(gdb.parse_and_eval("$satp")) & ((1 << 44) - 1)) << 12


def proc_layout():
    t = gdb.lookup_type("struct proc")
    return t.sizeof, {f.name: f.bitpos // 8 for f in t.fields()}


def parse_proc(raw, off):
    pid = struct.unpack_from("<I", raw, off["pid"])[0]
    root = struct.unpack_from("<Q", raw, off["root"])[0]
    alive = raw[off["alive"]] != 0
    name = raw[off["name"] : off["name"] + 16].split(b"\0")[0].decode(errors="replace")
    return (pid, name, root, alive)


def processes(with_addr=False):
    """[(pid, name, root, alive)] from the kernel's table (with its address if asked)."""
    sym = kernel_objfile().lookup_static_symbol("procs")
    if sym is None:
        raise gdb.GdbError("mk: the kernel has no `procs` table")
    count = sym.type.sizeof // 8
    slots = struct.unpack("<%dQ" % count, read_kernel(int(sym.value().address), count * 8))
    size, off = proc_layout()
    out = []
    for p in slots:
        if p:
            info = parse_proc(read_kernel(p, size), off)
            out.append((info, p) if with_addr else info)
    return out


# root -> (address of its struct proc, its entry): breakpoints that filter by
# process read one record per hit, not the whole table.
by_root = {}


def current():
    """(pid, name, root, alive) of the process the CPU is in, or None (kernel or firmware)."""
    r = root_now()
    hit = by_root.get(r)
    if hit:
        # Still the same process: its pid, alive and root words unchanged.
        size, off = proc_layout()
        end = max(off["pid"] + 4, off["alive"] + 1, off["root"] + 8)
        words = read_kernel_words(hit[0], (end + 7) // 8)
        raw = struct.pack("<%dQ" % len(words), *words)
        if (struct.unpack_from("<I", raw, off["pid"])[0] == hit[1][0] and raw[off["alive"]] and
                struct.unpack_from("<Q", raw, off["root"])[0] == r):
            return hit[1]
    by_root.clear()
    found = None
    for info, addr in processes(with_addr=True):
        if info[3]:
            by_root[info[2]] = (addr, info)
            if info[2] == r:
                found = info
    return found


def program_file(name):
    """The ELF of program `name` in the build directory, or None."""
    if state["files"] is None:
        files = {}
        for d, dirs, names in os.walk(build_dir()):
            dirs[:] = [x for x in dirs if not x.endswith(".p") and x != "meson-private"]
            for n in names:
                path = os.path.join(d, n)
                try:
                    with open(path, "rb") as f:
                        if f.read(4) == b"\x7fELF" and n not in files:
                            files[n] = path
                except OSError:
                    pass
        state["files"] = files
    return state["files"].get(name)


def load_user(name):
    """Makes `name`'s symbols the user symbols gdb knows; True if it has some."""
    if state["user"] == name:
        return state["user_file"] is not None
    if state["user_file"]:
        gdb.execute("remove-symbol-file " + state["user_file"], to_string=True)
    state["user"], state["user_file"] = name, None
    path = program_file(name) if name else None
    if path:
        gdb.execute("add-symbol-file " + path, to_string=True)
        state["user_file"] = path
    return path is not None


def on_stop(event):
    try:
        p = current()
        if p:
            load_user(p[1])
    except (gdb.error, gdb.MemoryError, gdb.GdbError):
        pass


class MkAttach(gdb.Command):
    """mk-attach ARCH [HOST:]PORT: load build/ARCH's kernel symbols and connect to QEMU."""

    def __init__(self):
        super().__init__("mk-attach", gdb.COMMAND_USER)

    def invoke(self, arg, from_tty):
        args = arg.split()
        if len(args) != 2:
            raise gdb.GdbError("usage: mk-attach ARCH [HOST:]PORT")
        arch, port = args
        state["arch"], state["files"] = arch, None
        gdb.execute("set architecture " + {"x86_64": "i386:x86-64", "aarch64": "aarch64",
                                           "riscv64": "riscv:rv64"}[arch], to_string=True)
        gdb.execute("file " + os.path.join(build_dir(), "kernel", "kernel.elf"), to_string=True)
        gdb.execute("target remote " + (port if ":" in port else ":" + port))


class MkPs(gdb.Command):
    """mk-ps: the kernel's processes (pid, name, page-table root; * = the CPU is in it)."""

    def __init__(self):
        super().__init__("mk-ps", gdb.COMMAND_USER)

    def invoke(self, arg, from_tty):
        r = root_now()
        for pid, name, root, alive in processes():
            mark = "*" if root == r and alive else " "
            print("%s %4d %-16s root 0x%x%s" % (mark, pid, name or "-", root, "" if alive else " (ended)"))


class MkProc(gdb.Command):
    """mk-proc: the process the stopped CPU is in (by its page-table root); loads its symbols."""

    def __init__(self):
        super().__init__("mk-proc", gdb.COMMAND_USER)

    def invoke(self, arg, from_tty):
        p = current()
        if p is None:
            print("mk: the CPU is in no process (kernel thread or firmware), root 0x%x" % root_now())
            return
        has = load_user(p[1])
        print("mk: the CPU is in process %d (%s), root 0x%x; symbols: %s"
              % (p[0], p[1], p[2], state["user_file"] if has else "none found"))


class MkBreakpoint(gdb.Breakpoint):
    def __init__(self, spec, program):
        super().__init__(spec)
        self.program = program

    def stop(self):
        try:
            p = current()
        except (gdb.error, gdb.MemoryError, gdb.GdbError):
            return False
        return p is not None and p[1] == self.program


class MkBreak(gdb.Command):
    """mk-break PROGRAM LOCATION: break at LOCATION of PROGRAM, only when PROGRAM runs there."""

    def __init__(self):
        super().__init__("mk-break", gdb.COMMAND_USER)

    def invoke(self, arg, from_tty):
        args = arg.split(None, 1)
        if len(args) != 2:
            raise gdb.GdbError("usage: mk-break PROGRAM LOCATION")
        program, location = args
        if not load_user(program):
            raise gdb.GdbError("mk: no program %s in %s" % (program, build_dir()))
        sal = gdb.decode_line(location)[1]
        if not sal:
            raise gdb.GdbError("mk: %s has no %s" % (program, location))
        pc = sal[0].pc
        MkBreakpoint("*0x%x" % pc, program)
        print("mk: breakpoint at 0x%x (%s in %s)" % (pc, location, program))


gdb.execute("set pagination off", to_string=True)
gdb.execute("set confirm off", to_string=True)
gdb.events.stop.connect(on_stop)
MkAttach()
MkPs()
MkProc()
MkBreak()
