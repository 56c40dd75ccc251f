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
    spare, group = f.get("addr.SPARENIC", "?"), f.get("vfio.group", "?")
    exported = out(r, "vfio/export-check")
    check(r.rc("vfio/export-check") == 0 and f"{spare}: ready for kubevirt" in exported,
          f"export --check on the real kernel: {exported.strip()[:500]}")
    kubevirt = out(r, "vfio/export-kubevirt")
    check(r.rc("vfio/export-kubevirt") == 0 and '"8086:10D3"' in kubevirt and f"{f.get('addr.HOSTNIC')} has the same ids" in kubevirt,
          f"the KubeVirt export does not name the selector or warn of the host NIC, its twin: {kubevirt.strip()[:500]}")
    check(f"map node=rig,path={spare},id=8086:10d3" in out(r, "vfio/export-proxmox") and f"iommugroup={group}" in out(r, "vfio/export-proxmox"),
          f"the Proxmox mapping: {out(r, 'vfio/export-proxmox').strip()[:500]}")
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


@scenario("xen")
def the_2005_story(r):
    """dom0 booted with the token `pcihide grub` printed on the Linux boot hides the card
    (xen-pciback has it, verify says in effect); watch attaches it to the first guest started,
    whose own lspci shows it through xen-pcifront; xl destroy is recorded as a death; after a
    watch restart the next guest receives it; owners --toolstack xl agrees with the ledger at
    every step and history --check passes."""
    f = r.facts()
    cmdline = r.text("cmdline") or ""
    token = out(r, "story/grub").strip()
    check(r.rc("story/grub") == 0 and token, f"pcihide grub failed on dom0: {token[:300]}")
    check(token in cmdline, f"dom0 did not boot with the token pcihide grub prints ({token}): {cmdline.strip()}")
    check(f.get("driver.boot.SPARENIC") == "pciback", f"the hidden card is on {f.get('driver.boot.SPARENIC')} after boot, not pciback")
    check(r.rc("story/verify") == 0, f"verify after the hiding boot exited {r.rc('story/verify')}: {out(r, 'story/verify').strip()[:500]}")
    addr = f.get("addr.SPARENIC", "?")
    for g in ["g1", "g2"]:
        check(r.rc(f"story/{g}.create") == 0, f"xl create {g} failed: {out(r, f'story/{g}.create').strip()[-500:]}")
        check(f.get(f"story.{g}.attached") == "yes", f"watch did not attach {addr} to {g}: {out(r, 'story/watch' + ('1' if g == 'g1' else '2')).strip()[-800:]}")
        console = r.text(f"story/{g}.console") or ""
        check(f.get(f"story.{g}.console") == "yes", f"{g} printed no lspci on its console: {console[-800:]}")
        seen = console.split("E2E-LSPCI-BEGIN")[-1].split("E2E-LSPCI-END")[0]
        check("[0200]" in seen and "8086:10d3" in seen, f"{g}'s own lspci does not show the card: {seen.strip()}")
    # Where the card sits: xl records the slot pcihide config predicted (emu's layout); the PV
    # guest's own bus is pcifront's, numbered from 00:00.0 (docs/e2e.md, config's help).
    predicted = out(r, "story/config").split("@")[-1][:2]
    vdevs = [line.split()[0] for line in (r.text("story/g1.pcilist.out") or "").splitlines()[1:] if line.strip()]
    check(vdevs == [predicted + ".0"], f"xl pci-list shows {vdevs}, pcihide config predicted slot {predicted}")
    check("00:00.0 Ethernet controller" in (r.text("story/g1.console") or ""), "the PV guest does not see the card at 00:00.0 as documented")
    check(f.get("story.g1.death-recorded") == "yes", f"xl destroy g1 was not recorded: {out(r, 'story/watch1').strip()[-500:]}")
    for n in range(4):
        text = out(r, f"story/{n}.owners-xl")
        check(r.rc(f"story/{n}.owners-xl") == 0, f"owners --toolstack xl at step {n} failed: {text[:400]}")
        check("!" not in (r.text(f"story/{n}.owners-xl.out") or "") and "disagree" not in text, f"owners --toolstack xl disagrees with the ledger at step {n}: {text[:600]}")
    check('"owner"' in out(r, "story/1.owners") and '"name" : "g1"' in out(r, "story/1.owners").replace('": "', '" : "'), f"the ledger does not give the card to g1: {out(r, 'story/1.owners')[:600]}")
    check('"name" : "g2"' in out(r, "story/3.owners").replace('": "', '" : "'), f"the ledger does not give the card to g2: {out(r, 'story/3.owners')[:600]}")
    check(r.rc("story/history-check") == 0, f"history --check failed: {out(r, 'story/history-check').strip()[:600]}")


# ---------------------------------------------------------------- Debian 12 across reboots

@scenario("debian")
def persisted_across_a_real_reboot(r):
    """persist --write --apply-now runs Debian's own update-grub and update-initramfs; the
    kernel line update-grub wrote hides the card, and after the reboot verify exits 0 with the
    card on vfio-pci."""
    p = r.facts("persist1/facts")
    check(p.get("stage") == "persist1", "the persist boot recorded nothing")
    check(r.rc("persist1/hide") == 0, f"hide failed: {out(r, 'persist1/hide').strip()[:400]}")
    text = out(r, "persist1/persist")
    check(r.rc("persist1/persist") == 0, f"persist --write --apply-now exited {r.rc('persist1/persist')}: {text.strip()[-800:]}")
    check("update-grub" in text and "update-initramfs" in text, f"persist did not run update-grub and update-initramfs: {text.strip()[-800:]}")
    line = r.text("grub-line") or ""
    check("vfio-pci.ids=8086:10d3" in line or "vfio_pci.ids=8086:10d3" in line, f"the kernel line update-grub wrote does not hide the card: {line.strip()}")
    check("vfio" in (r.text("persist1/initramfs-list") or ""), "the rebuilt initramfs holds no vfio module")
    v = r.facts("verify/facts")
    check(v.get("stage") == "verify", "the reboot recorded nothing")
    check(v.get("driver") == "vfio-pci", f"after the reboot the card is on {v.get('driver')}, not vfio-pci")
    check(r.rc("verify/verify") == 0, f"verify after the reboot exited {r.rc('verify/verify')}: {out(r, 'verify/verify').strip()[:600]}")


@scenario("debian")
def late_stub_is_named(r):
    """The same kernel line with the initramfs from before pcihide: the native driver takes the
    card first, and verify exits 1 naming that cause and the fix."""
    v = r.facts("late/facts")
    check(v.get("stage") == "late", "the late-stub boot recorded nothing")
    check(v.get("driver") not in ("vfio-pci", None), f"the card is on {v.get('driver')} in the late-stub boot; the negative did not happen")
    text = out(r, "late/verify")
    check(r.rc("late/verify") == 1, f"verify exited {r.rc('late/verify')} with the stub too late: {text.strip()[:600]}")
    check("loaded before the stub" in text and "initramfs" in text, f"verify does not name the cause (native driver first) and its fix: {text.strip()[:600]}")


@scenario("xen")
def domain_start_apply_refuses_host_needs(r):
    """A mounted disk hidden with --force is not attached by domain start --apply through the
    real xl: it keeps its driver, its file system still reads back, the guest holds nothing."""
    f = r.facts()
    check(f.get("needs.mount.ext4") == "ok", "the ext4 mount was not set up")
    check(r.rc("needs/hide-force") == 0, f"hide --force failed: {out(r, 'needs/hide-force')[:300]}")
    text = out(r, "needs/domain-start")
    check("refusing to attach" in text and "the host needs it" in text, f"domain start --apply did not refuse the disk: {text[:500]}")
    before = f.get("needs.driver.before")
    check(before not in (None, "none") and f.get("needs.driver.after") == before, f"the disk went from {before} to {f.get('needs.driver.after')}")
    check(f.get("needs.probe") == "ok", "the ext4 file system no longer reads back what was written")
    check(f.get("addr.EXT4DISK", "?").removeprefix("0000:") not in (r.text("needs/pcilist.out") or ""), "the guest holds the disk")
