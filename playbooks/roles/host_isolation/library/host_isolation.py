#!/usr/bin/python3
# -*- coding: utf-8 -*-
"""Check that a hypervisor keeps its own work off the host CPUs that back
the guest's isolated vCPUs. Changes nothing; returns host_isolation."""

DOCUMENTATION = r'''
module: host_isolation
short_description: Does this host isolate the CPUs that run the isolated vCPUs?
description:
  - Reads /sys/devices/system/cpu/{isolated,nohz_full}, the active tuned
    profile (when tuned-adm exists) and the affinity of every host IRQ
    (/proc/irq/*/effective_affinity_list, else smp_affinity_list), and
    compares them with the host CPUs that back the guest's isolated vCPUs.
  - Returns C(host_isolation) with what it found and a C(warnings) list,
    one sentence per way the host does not isolate those CPUs.
options:
  vcpu_host_cpus: {description: host CPU of each vCPU, in vCPU order, type: list, elements: int, required: true}
  isolated_vcpus: {description: the guest's isolated vCPUs (CPU list), type: str, required: true}
  emulator_cpus: {description: host CPUs of the emulator and I/O threads (CPU list), type: str, required: true}
  tuned_profile: {description: tuned profile a real-time host should run, type: str, default: realtime-virtual-host}
  max_irqs: {description: how many offending IRQs to list (all are counted), type: int, default: 20}
'''

import glob
import os
import shutil
import subprocess

from ansible.module_utils.basic import AnsibleModule


def parse_cpus(text):
    """Kernel CPU list ("0-3,8") to a set; "", "(null)" and None are empty."""
    cpus = set()
    text = (text or "").strip()
    if text in ("", "(null)"):
        return cpus
    for part in text.split(","):
        lo, _, hi = part.partition("-")
        cpus.update(range(int(lo), int(hi or lo) + 1))
    return cpus


def format_cpus(cpus):
    """A set to the kernel's compact CPU list."""
    out, run = [], []
    for c in sorted(cpus):
        if run and c == run[-1] + 1:
            run.append(c)
            continue
        if run:
            out.append(str(run[0]) if len(run) == 1 else "%d-%d" % (run[0], run[-1]))
        run = [c]
    if run:
        out.append(str(run[0]) if len(run) == 1 else "%d-%d" % (run[0], run[-1]))
    return ",".join(out)


def read(path):
    try:
        with open(path) as f:
            return f.read().strip()
    except OSError:
        return None


def irq_names():
    """IRQ number -> the device names /proc/interrupts gives it."""
    names = {}
    text = read("/proc/interrupts") or ""
    lines = text.splitlines()
    ncpu = len(lines[0].split()) if lines else 0
    for line in lines[1:]:
        head, _, rest = line.partition(":")
        if head.strip().isdigit():
            fields = rest.split()
            names[head.strip()] = " ".join(fields[ncpu + 2:]) or " ".join(fields[ncpu:])
    return names


def tuned_active():
    if not shutil.which("tuned-adm"):
        return None
    try:
        out = subprocess.run(["tuned-adm", "active"], capture_output=True, text=True,
                             timeout=20).stdout
    except (OSError, subprocess.TimeoutExpired):
        return "unknown (tuned-adm active did not answer)"
    for line in out.splitlines():
        if "profile:" in line:
            return line.split("profile:", 1)[1].strip()
    return out.strip() or "none"


def main():
    module = AnsibleModule(argument_spec=dict(
        vcpu_host_cpus=dict(type="list", elements="int", required=True),
        isolated_vcpus=dict(type="str", required=True),
        emulator_cpus=dict(type="str", required=True),
        tuned_profile=dict(type="str", default="realtime-virtual-host"),
        max_irqs=dict(type="int", default=20),
    ), supports_check_mode=True)
    p = module.params
    pins = p["vcpu_host_cpus"]
    iso_vcpus = parse_cpus(p["isolated_vcpus"])
    emulator = parse_cpus(p["emulator_cpus"])
    backing = {pins[v] for v in iso_vcpus if v < len(pins)}
    host_iso = parse_cpus(read("/sys/devices/system/cpu/isolated"))
    nohz_raw = read("/sys/devices/system/cpu/nohz_full")
    host_nohz = parse_cpus(nohz_raw)
    warnings = []
    where = format_cpus(backing)

    shared = sorted(c for c in backing if sum(1 for pc in pins if pc == c) > 1)
    if shared:
        warnings.append("host CPUs %s run more than one vCPU each (%d host CPUs for %d vCPUs): "
                        "isolated vCPUs share host CPUs" % (format_cpus(shared), len(set(pins)), len(pins)))
    if backing & emulator:
        warnings.append("host CPUs %s run both isolated vCPUs and the emulator threads"
                        % format_cpus(backing & emulator))
    missing = backing - host_iso
    if missing:
        warnings.append("host CPUs %s back isolated vCPUs but the host does not isolate them "
                        "(/sys/devices/system/cpu/isolated is '%s'; boot the host with isolcpus=)"
                        % (format_cpus(missing), format_cpus(host_iso)))
    missing_nohz = backing - host_nohz
    if missing_nohz:
        warnings.append("host CPUs %s back isolated vCPUs but are not nohz_full on the host "
                        "(/sys/devices/system/cpu/nohz_full is '%s')"
                        % (format_cpus(missing_nohz),
                           "absent" if nohz_raw is None else format_cpus(host_nohz)))

    irqs, count = [], 0
    names = irq_names()
    for d in sorted(glob.glob("/proc/irq/[0-9]*"), key=lambda x: int(os.path.basename(x))):
        irq = os.path.basename(d)
        aff = read(d + "/effective_affinity_list")
        if not aff:
            aff = read(d + "/smp_affinity_list")
        if aff is None or irq not in names:
            continue
        if parse_cpus(aff) & backing:
            count += 1
            if len(irqs) < p["max_irqs"]:
                irqs.append({"irq": int(irq), "name": names.get(irq, ""), "cpus": aff})
    if count:
        warnings.append("%d host IRQs can be delivered to host CPUs %s (e.g. %s); boot the host with "
                        "irqaffinity=<housekeeping CPUs> or ban those CPUs in irqbalance"
                        % (count, where, ", ".join("%d %s" % (i["irq"], i["name"]) for i in irqs[:3])))

    tuned = tuned_active()
    if tuned is not None and p["tuned_profile"] and tuned != p["tuned_profile"]:
        warnings.append("tuned runs profile '%s', not %s" % (tuned, p["tuned_profile"]))

    module.exit_json(changed=False, host_isolation={
        "isolated_vcpus": format_cpus(iso_vcpus),
        "backing_host_cpus": where,
        "emulator_cpus": format_cpus(emulator),
        "host_isolated": format_cpus(host_iso),
        "host_nohz_full": format_cpus(host_nohz),
        "tuned_profile": tuned,
        "irqs_on_backing_cpus": count,
        "irqs_listed": irqs,
        "isolates": not warnings,
        "warnings": warnings,
    })


if __name__ == "__main__":
    main()
