#!/usr/bin/env python3
"""Check a domain XML against the libvirt real-time recipe
(libvirt.org/kbase/kvm-realtime.html) for a given host topology.

    check-rt-recipe.py DOMAIN.xml --accel kvm|tcg --host-cpus LIST
                       [--isolated LIST] [--fifo PRIO] [--hugepages]

Prints one line per violation and exits 1 when there is any; exits 0 and
prints "recipe ok" otherwise. Under tcg only the pinning and the device
rules apply (no host CPU, no locked memory).
"""
import argparse
import sys
import xml.etree.ElementTree as ET


def cpus(text):
    out = set()
    for part in (text or "").split(","):
        if not part.strip():
            continue
        if part.startswith("^"):
            raise ValueError("exclusions are not used by isolbench: %r" % text)
        lo, _, hi = part.partition("-")
        out.update(range(int(lo), int(hi or lo) + 1))
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("xml")
    ap.add_argument("--accel", choices=["kvm", "tcg"], required=True)
    ap.add_argument("--host-cpus", required=True, help="the host's CPUs (a CPU list)")
    ap.add_argument("--isolated", help="isolated vCPUs that must run SCHED_FIFO (with --fifo)")
    ap.add_argument("--fifo", type=int, default=0)
    ap.add_argument("--hugepages", action="store_true")
    a = ap.parse_args()
    dom = ET.parse(a.xml).getroot()
    host = cpus(a.host_cpus)
    bad = []

    def need(cond, msg):
        if not cond:
            bad.append(msg)

    need(dom.get("type") == ("kvm" if a.accel == "kvm" else "qemu"),
         "domain type is %r for accel %s" % (dom.get("type"), a.accel))

    # One host CPU per vCPU, each vCPU pinned once, on a CPU the host has.
    nvcpu = int(dom.findtext("vcpu", "0"))
    pins = {}
    for p in dom.findall("cputune/vcpupin"):
        v = int(p.get("vcpu"))
        need(v not in pins, "vCPU %d is pinned twice" % v)
        pins[v] = cpus(p.get("cpuset"))
    need(sorted(pins) == list(range(nvcpu)), "vcpupin covers vCPUs %s of 0-%d" % (sorted(pins), nvcpu - 1))
    used = {}
    for v, s in sorted(pins.items()):
        need(len(s) == 1, "vCPU %d is pinned to %d host CPUs (%s), not one" % (v, len(s), sorted(s)))
        need(s <= host, "vCPU %d is pinned to %s, not a host CPU" % (v, sorted(s - host)))
        for c in s:
            need(c not in used, "vCPU %d shares host CPU %d with vCPU %s" % (v, c, used.get(c)))
            used.setdefault(c, v)
    vcpu_cpus = set(used)

    # Emulator and I/O threads on host CPUs no vCPU runs on.
    emu = dom.find("cputune/emulatorpin")
    need(emu is not None, "no emulatorpin")
    if emu is not None:
        e = cpus(emu.get("cpuset"))
        need(e and e <= host, "emulatorpin %s is not on host CPUs" % sorted(e))
        need(not e & vcpu_cpus, "emulatorpin shares host CPUs %s with vCPUs" % sorted(e & vcpu_cpus))
    niothreads = int(dom.findtext("iothreads", "0"))
    iopins = {int(p.get("iothread")): cpus(p.get("cpuset")) for p in dom.findall("cputune/iothreadpin")}
    for t in range(1, niothreads + 1):
        need(t in iopins, "iothread %d is not pinned" % t)
        if t in iopins:
            need(not iopins[t] & vcpu_cpus, "iothread %d shares host CPUs %s with vCPUs"
                 % (t, sorted(iopins[t] & vcpu_cpus)))
    for d in dom.findall("devices/disk/driver[@iothread]"):
        need(int(d.get("iothread")) <= niothreads, "a disk uses iothread %s that is not declared"
             % d.get("iothread"))

    # No balloon, no USB.
    mb = dom.find("devices/memballoon")
    need(mb is not None and mb.get("model") == "none", "memballoon is not model='none'")
    usb = dom.findall("devices/controller[@type='usb']")
    need(usb and all(c.get("model") == "none" for c in usb), "a USB controller is present")
    need(not dom.findall("devices/input[@bus='usb']") and not dom.findall("devices/hostdev[@type='usb']"),
         "a USB device is present")

    if a.accel == "kvm":
        cpu = dom.find("cpu")
        need(cpu is not None and cpu.get("mode") == "host-passthrough", "cpu mode is not host-passthrough")
        feats = {f.get("name"): f.get("policy") for f in dom.findall("cpu/feature")}
        need(feats.get("invtsc") == "require", "invtsc is not required")
        need(dom.find("memoryBacking/locked") is not None, "memory is not locked")
        if a.hugepages:
            need(dom.find("memoryBacking/hugepages") is not None, "no hugepages")
        if a.fifo:
            s = dom.find("cputune/vcpusched")
            need(s is not None and s.get("scheduler") == "fifo" and int(s.get("priority", 0)) == a.fifo,
                 "isolated vCPUs do not run SCHED_FIFO at %d" % a.fifo)
            if s is not None and a.isolated:
                need(cpus(s.get("vcpus")) == cpus(a.isolated), "vcpusched covers vCPUs %s, not %s"
                     % (s.get("vcpus"), a.isolated))

    for b in bad:
        print("violation: " + b)
    if not bad:
        print("recipe ok")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
