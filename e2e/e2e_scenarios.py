"""The rig's scenarios: what each boot recorded (e2e/guest/*.sh), asserted on the host.

Each function is one test; `r` is the results of its boot (rig.Results).
"""
TESTS = []
HOST_NEEDED = ["HOSTNIC", "NVME", "EXT4DISK", "BTRFSDISK", "LPC"]


def scenario(role):
    def wrap(f):
        TESTS.append((role, f))
        return f
    return wrap


def check(cond, msg):
    if not cond:
        raise AssertionError(msg)


def out(r, name):
    return (r.text(name + ".out") or "") + (r.text(name + ".err") or "")


# ---------------------------------------------------------------- Linux

@scenario("linux")
def listing_matches_lspci(r):
    """list is byte-identical to lspci for every flag set, as root and as nobody."""
    n = int(r.facts().get("list.count", "0"))
    check(n > 30, f"only {n} flag sets were listed")
    bad = []
    for i in range(1, n + 1):
        flags = (r.text(f"list.{i}.flags") or "").strip()
        for who in ["root", "user"]:
            mine, theirs = r.bytes(f"list/{who}.{i}.pcihide.out"), r.bytes(f"list/{who}.{i}.lspci.out")
            if mine is None or theirs is None:
                bad.append(f"{who} '{flags}': not run")
            elif mine != theirs or r.rc(f"list/{who}.{i}.pcihide") != r.rc(f"list/{who}.{i}.lspci"):
                bad.append(f"{who} '{flags}' differs")
            elif len(theirs) == 0:
                bad.append(f"{who} '{flags}': lspci printed nothing")
    check(not bad, "; ".join(bad))


@scenario("linux")
def host_needs_are_never_unbound(r):
    """Through check, groups, hide, hide --group, hide --now, unhide --now, by id and by
    wildcard and persist: the devices the host needs keep their drivers, their mounts still
    read and write, the default route stays, none is recorded."""
    f = r.facts()
    check(f.get("mount.ext4") == "ok" and f.get("mount.btrfs") == "ok", "the ext4 or btrfs mount was not set up")
    check(f.get("route.before") == "ok", "the default route was not set up")
    for v in HOST_NEEDED:
        before = f.get(f"driver.before.{v}")
        check(before and before != "none", f"{v} had no driver to begin with")
        check(f.get(f"driver.after.{v}") == before, f"{v} ({f.get('addr.' + v)}) went from {before} to {f.get('driver.after.' + v)}")
        check(f.get(f"driver.final.{v}") == before, f"{v} ended on {f.get('driver.final.' + v)}, was {before}")
    for m in ["ext4", "btrfs"]:
        check(f.get(f"probe.before.{m}") == "ok", f"{m} did not work before")
        check(f.get(f"probe.after.{m}") == "ok", f"{m} no longer reads back what was written under it")
    check(f.get("route.after") == "ok", "the default route is gone")
    hidden = out(r, "needs/hidden")
    for v in HOST_NEEDED:
        a = f.get("addr." + v, "?")
        check(a not in hidden, f"{v} {a} is recorded as hidden: {hidden.strip()}")


@scenario("linux")
def host_needs_are_refused_with_reasons(r):
    """Every hiding path exits non-zero for a device the host needs and says why."""
    f = r.facts()
    for v in HOST_NEEDED:
        for path in ["hide", "hide-group", "hide-now"]:
            rc = r.rc(f"needs/{v}.{path}")
            check(rc not in (None, 0), f"{path} {v} ({f.get('addr.' + v)}) exited {rc}: {out(r, f'needs/{v}.{path}').strip()[:300]}")
    for path in ["hide-ids", "hide-now-ids", "hide-wildcard"]:
        check(r.rc(f"needs/{path}") not in (None, 0), f"{path} exited 0: {out(r, 'needs/' + path).strip()[:300]}")


@scenario("linux")
def unhide_now_leaves_never_hidden_devices_alone(r):
    """unhide --now of a device pcihide never bound says so and unbinds nothing."""
    f = r.facts()
    for v in HOST_NEEDED:
        text = out(r, f"needs/{v}.unhide-now")
        check("was not bound by pcihide" in text or "not hidden" in text, f"unhide --now {v} said: {text.strip()[:300]}")
        check(f.get(f"driver.after.{v}") == f.get(f"driver.before.{v}"), f"unhide --now moved {v}")


@scenario("linux")
def btrfs_members_traced(r):
    """Both members of the btrfs RAID1 hold /mnt/btrfs, although the mount table names one."""
    for v in ["NVME", "BTRFSDISK"]:
        text = out(r, f"needs/{v}.check")
        check("/mnt/btrfs" in text, f"check {v} does not name /mnt/btrfs: {text.strip()[:400]}")
        check(r.rc(f"needs/{v}.check") != 0, f"check {v} exits 0 (ready) while it holds /mnt/btrfs")


@scenario("linux")
def vfio_pci_for_real(r):
    """hide --now loads vfio-pci when needed (the dry run shows it), binds the spare NIC, its
    group opens viable; unhide --now gives it back and its interface returns."""
    f = r.facts()
    check(f.get("vfio.loaded.before") == "no", "vfio-pci was loaded before the scenario")
    dry = out(r, "vfio/dryrun")
    check(r.rc("vfio/dryrun") == 0, f"the dry run failed: {dry.strip()[:300]}")
    check("modprobe vfio-pci" in dry, f"the dry run does not show loading vfio-pci: {dry.strip()[:300]}")
    check(r.rc("vfio/hide") == 0, f"hide --now failed: {out(r, 'vfio/hide').strip()[:300]}")
    check(f.get("vfio.driver.hidden") == "vfio-pci", f"the spare NIC is on {f.get('vfio.driver.hidden')}")
    check(f.get("vfio.group", "") in (r.text("vfio/devvfio") or "").split(), f"/dev/vfio/{f.get('vfio.group')} is missing")
    check((r.text("vfio/viable.out") or "").strip() == "viable", f"the group is not viable: {out(r, 'vfio/viable').strip()}")
    check(r.rc("vfio/unhide") == 0, f"unhide --now failed: {out(r, 'vfio/unhide').strip()[:300]}")
    check(f.get("vfio.driver.given-back") == "e1000e", f"given back to {f.get('vfio.driver.given-back')}")
    check(f.get("vfio.netdev.given-back"), "the interface did not come back")


# ---------------------------------------------------------------- Xen

@scenario("xen")
def xen_owns_the_iommu(r):
    """On a dom0, check and groups take the IOMMU state from Xen (xl info's virt_caps), never
    'off' while Xen has it on, and give Xen's fix (iommu= on the Xen line)."""
    info = out(r, "xen/xlinfo")
    check("directio" in info, f"xl info shows no directio (the rig's Xen has no IOMMU?): {info[:400]}")
    text = out(r, "xen/check")
    check("IOMMU: off" not in text, f"check says the IOMMU is off under Xen: {text[:500]}")
    check("intel_iommu=on" not in text, f"check advises intel_iommu=on under Xen: {text[:500]}")
    check("Xen" in text, f"check does not say Xen owns the IOMMU: {text[:500]}")
    groups = out(r, "xen/groups")
    check("intel_iommu" not in groups, f"groups advises intel_iommu under Xen: {groups[:500]}")


@scenario("xen")
def xen_without_xl_is_unknown(r):
    """Without xl the IOMMU state under Xen is unknown, and the verdict is not 'ready'."""
    text = out(r, "xen/check-noxl")
    check("IOMMU: off" not in text, f"check without xl says off: {text[:500]}")
    check("unknown" in text.lower(), f"check without xl does not say the state is unknown: {text[:500]}")
