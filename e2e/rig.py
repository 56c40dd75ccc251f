#!/usr/bin/env python3
"""The real-kernel rig behind `make e2e`.

Boots Debian 12's own Linux 6.1 (and the same kernel as a Xen 4.17 dom0) under QEMU TCG with the
release `pcihide` inside a busybox initramfs, runs the scenario scripts of e2e/guest/ there, and
asserts what they recorded here, on the host. Each boot's time is printed; the run closes with
`N passed, N failed` and exits non-zero when anything failed or could not run.

Nothing is installed on this machine by the rig: the kernel and Xen packages are fetched with
`apt-get download` into the cache (PCIHIDE_E2E_CACHE, default .build/e2e) and unpacked there; the
host tools it runs come from `make setup`. Every QEMU is ended by its PID and every boot is bounded
by a timeout. See docs/e2e.md for what each boot holds.
"""
import os
import shutil
import signal
import subprocess
import sys
import tarfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CACHE = Path(os.environ.get("PCIHIDE_E2E_CACHE", REPO / ".build" / "e2e"))
PCIHIDE = REPO / ".build" / "release" / "pcihide"
GUEST = REPO / "e2e" / "guest"

# Host tools and the Debian package that brings each (make setup installs them).
HOST_TOOLS = {
    "qemu-system-x86_64": "qemu-system-x86", "cpio": "cpio", "depmod": "kmod", "modprobe": "kmod",
    "mkfs.btrfs": "btrfs-progs", "mkfs.ext4": "e2fsprogs", "lspci": "pciutils", "gcc": "gcc",
    "apt-get": "apt", "dpkg-deb": "dpkg", "gzip": "gzip", "mmdebstrap": "mmdebstrap", "debugfs": "e2fsprogs",
}
BUSYBOX = Path("/bin/busybox")  # busybox-static's
XEN_PACKAGES = [
    "xen-hypervisor-4.17-amd64", "xen-utils-4.17", "xen-utils-common", "xenstore-utils",
    "libxencall1", "libxenevtchn1", "libxenforeignmemory1", "libxengnttab1", "libxenmisc4.17",
    "libxenstore4", "libxentoollog1", "libxendevicemodel1", "libxentoolcore1", "libxenhypfs1", "libyajl2",
]
# Modules the guests load (their dependencies come with them).
MODULES = [
    "e1000e", "lpc_ich", "nvme", "virtio_pci", "virtio_blk", "ext4", "btrfs", "vfio-pci", "vfio_iommu_type1",
    "xen-pciback", "xen-pcifront", "xen-privcmd", "xenfs", "xen-evtchn", "xen-gntdev", "xen-gntalloc",
]
BOOT_TIMEOUT = {"linux": 420, "xen": 900, "persist1": 900, "verify": 300, "late": 300}
# Scenario 4's Debian 12 system (realkernel.md): built once with mmdebstrap, cached by the
# hash of what builds it, and made into a fresh ext4 image for every run.
IMAGE_SUITE = "bookworm"
IMAGE_MIRROR = "http://deb.debian.org/debian"
IMAGE_PACKAGES = "linux-image-amd64,grub-pc-bin,grub2-common,initramfs-tools,systemd-sysv,udev,kmod,pciutils,iproute2"
IMAGE = REPO / "e2e" / "image"


class RigError(Exception):
    pass


class NoResults(RigError):
    """The machine ended without results: under TCG, QEMU or Xen now and then stops dead (seen
    once in five Xen boots, right after an xl destroy, with nothing on the console). The boot
    is run once more, and the run says so."""


def run(cmd, **kw):
    # CI runs with standard input closed: a child's first open() would then get fd 0, and
    # mkfs.btrfs writes its second device through the wrong descriptor (EIO). /dev/null it is.
    kw.setdefault("stdin", subprocess.DEVNULL)
    kw.setdefault("check", True)
    kw.setdefault("timeout", 600)
    return subprocess.run(cmd, **kw)


def log(msg):
    print(f"e2e: {msg}", flush=True)


# --------------------------------------------------------------------------- inputs

def require_host_tools():
    missing = sorted({pkg for tool, pkg in HOST_TOOLS.items() if shutil.which(tool) is None})
    if not BUSYBOX.exists() or b"statically linked" not in run(["file", "-L", str(BUSYBOX)], capture_output=True, check=False).stdout:
        if shutil.which("file") is None:
            missing.append("file")
        missing.append("busybox-static")
    if missing:
        raise RigError("missing host tools; install them with: make setup (or apt-get install " + " ".join(sorted(set(missing))) + ")")
    if not PCIHIDE.exists():
        raise RigError(f"no release binary at {PCIHIDE}: run make build")


def kernel_package():
    out = run(["apt-cache", "depends", "linux-image-amd64"], capture_output=True, text=True).stdout
    for line in out.splitlines():
        line = line.strip()
        if line.startswith("Depends:") and "linux-image-" in line:
            return line.split()[1]
    raise RigError("apt-cache depends linux-image-amd64 names no kernel package: run apt-get update")


def fetch(packages, into):
    """apt-get download each package into the cache (kept by file name, which carries the
    version) and unpack them all into `into`; unpacked once per set of .deb files."""
    debs_dir = CACHE / "debs"
    debs_dir.mkdir(parents=True, exist_ok=True)
    wanted = []
    for p in packages:
        have = sorted(debs_dir.glob(p + "_*.deb"))
        if not have:
            run(["apt-get", "-o", "APT::Sandbox::User=root", "download", p], cwd=debs_dir, stdout=subprocess.DEVNULL)
            have = sorted(debs_dir.glob(p + "_*.deb"))
        if not have:
            raise RigError(f"apt-get download {p} gave no .deb")
        wanted.append(have[-1])
    stamp = into / ".unpacked"
    key = "\n".join(d.name for d in wanted)
    if stamp.exists() and stamp.read_text() == key:
        return
    shutil.rmtree(into, ignore_errors=True)
    into.mkdir(parents=True)
    for d in wanted:
        run(["dpkg-deb", "-x", str(d), str(into)])
    stamp.write_text(key)


def ldd_closure(binaries, extra_paths=()):
    env = dict(os.environ)
    if extra_paths:
        env["LD_LIBRARY_PATH"] = ":".join(str(p) for p in extra_paths)
    libs = set()
    for b in binaries:
        out = run(["ldd", str(b)], capture_output=True, text=True, env=env, check=False).stdout
        for line in out.splitlines():
            parts = line.split()
            if "=>" in parts and len(parts) >= 3 and parts[2].startswith("/"):
                libs.add(parts[2])
            elif parts and parts[0].startswith("/"):
                libs.add(parts[0])
    return sorted(libs)


def copy_into(stage, src, dest=None):
    """Copies `src` to the same path (or `dest`) inside the staging root, links resolved."""
    dest = stage / (dest or str(src)).lstrip("/")
    dest.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(os.path.realpath(src), dest)
    return dest


def build_initramfs(kernel_root, version, xen_root):
    """One initramfs for every role (linux, xen dom0, PV guest); the role comes from the
    kernel command line (e2e=ROLE). Rebuilt when pcihide or the guest scripts change."""
    out = CACHE / "initrd.gz"
    inputs = [PCIHIDE, *sorted(GUEST.iterdir()), REPO / "e2e" / "vfio-viable.c", Path(__file__)]
    if out.exists() and all(p.stat().st_mtime < out.stat().st_mtime for p in inputs) \
            and (kernel_root / ".unpacked").stat().st_mtime < out.stat().st_mtime:
        return out
    stage = CACHE / "stage"
    shutil.rmtree(stage, ignore_errors=True)
    for d in ["bin", "sbin", "usr/bin", "usr/sbin", "etc", "proc", "sys", "dev", "tmp", "run", "mnt", "var/lib", "root", "e2e"]:
        (stage / d).mkdir(parents=True, exist_ok=True)
    (stage / "var/run").symlink_to("/run")  # libxl's locks are under /var/run/xen
    (stage / "var/lock").symlink_to("/run/lock")
    copy_into(stage, BUSYBOX, "/bin/busybox")
    # Modules: each wanted module with its dependencies, then depmod inside the stage.
    mod_src = kernel_root / "lib" / "modules" / version
    if not (mod_src / "modules.dep").exists():
        run(["depmod", "-b", str(kernel_root), version])
    kos = set()
    for m in MODULES:
        r = run(["modprobe", "-d", str(kernel_root), "-S", version, "--show-depends", m], capture_output=True, text=True, check=False)
        if r.returncode != 0:
            raise RigError(f"module {m} not in {version}: {r.stderr.strip()}")
        for line in r.stdout.splitlines():
            if line.startswith("insmod "):
                kos.add(line.split()[1])
    for ko in kos:
        rel = Path(ko).relative_to(kernel_root)
        copy_into(stage, ko, "/" + str(rel))
    for f in mod_src.glob("modules.builtin*"):
        copy_into(stage, f, "/lib/modules/" + version + "/" + f.name)
    copy_into(stage, mod_src / "modules.order", "/lib/modules/" + version + "/modules.order")
    run(["depmod", "-b", str(stage), version])
    # Real kmod (it alone passes MODULE.PARAM= from /proc/cmdline to a module), pcihide, lspci.
    kmod = shutil.which("kmod")
    copy_into(stage, kmod, "/usr/bin/kmod")
    for name in ["modprobe", "insmod", "rmmod", "lsmod", "modinfo"]:
        (stage / "sbin" / name).symlink_to("/usr/bin/kmod")
    copy_into(stage, PCIHIDE, "/usr/local/bin/pcihide")
    lspci = shutil.which("lspci")
    copy_into(stage, lspci, "/usr/bin/lspci")
    copy_into(stage, "/usr/share/misc/pci.ids")
    viable = stage / "usr/local/bin/vfio-viable"
    run(["gcc", "-static", "-O2", "-o", str(viable), str(REPO / "e2e" / "vfio-viable.c")])
    binaries = [PCIHIDE, lspci, kmod]
    # Xen's toolstack, with its libraries at their own paths.
    xen_bin = xen_root / "usr/lib/xen-4.17/bin"
    xen_libs = [xen_root / "usr/lib/x86_64-linux-gnu", xen_root / "usr/lib/xen-4.17/lib"]
    for tool in ["xl", "xenstored", "xen-init-dom0", "xenconsoled", "xenstore-read", "xenstore-ls", "xenstore-write", "xenstore-list", "xenstore-watch"]:
        for cand in [xen_bin / tool, xen_root / "usr/bin" / tool, xen_root / "usr/sbin" / tool]:
            if cand.exists():
                copy_into(stage, cand, "/usr/lib/xen-4.17/bin/" + tool)
                binaries.append(cand)
                break
    for libdir in xen_libs:
        if libdir.exists():
            for lib in libdir.glob("*.so*"):
                copy_into(stage, lib, "/usr/lib/x86_64-linux-gnu/" + lib.name)
    for lib in ldd_closure(binaries, xen_libs):
        if not str(lib).startswith(str(xen_root)):
            copy_into(stage, lib)
    (stage / "etc/xen").mkdir(parents=True, exist_ok=True)
    (stage / "etc/xen/xl.conf").write_text("")
    (stage / "etc/passwd").write_text("root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/sh\n")
    (stage / "etc/group").write_text("root:x:0:\nnogroup:x:65534:\n")
    for f in GUEST.iterdir():
        copy_into(stage, f, "/e2e/" + f.name).chmod(0o755)
    init = stage / "init"
    init.write_text("#!/bin/busybox sh\nexec /bin/busybox sh /e2e/init.sh\n")
    init.chmod(0o755)
    tmp = out.with_suffix(".tmp")
    with open(tmp, "wb") as f:
        find = subprocess.Popen(["find", ".", "-print0"], cwd=stage, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE)
        cpio = subprocess.Popen(["cpio", "--null", "-o", "-H", "newc", "--quiet"], cwd=stage, stdin=find.stdout, stdout=subprocess.PIPE)
        gz = subprocess.Popen(["gzip", "-1"], stdin=cpio.stdout, stdout=f)
        find.stdout.close(); cpio.stdout.close()
        if gz.wait(300) or cpio.wait(300) or find.wait(300):
            raise RigError("packing the initramfs failed")
    tmp.rename(out)
    return out


def disk_images(workdir):
    """An ext4 disk, a two-device btrfs RAID1 (its first device becomes the NVMe) and an
    empty disk the guest writes its results to (a tar stream)."""
    imgs = {}
    for name, size in [("ext4", "64M"), ("btrfs-nvme", "300M"), ("btrfs-virtio", "300M"), ("out", "64M")]:
        p = workdir / f"{name}.img"
        run(["truncate", "-s", "0", str(p)])
        run(["truncate", "-s", size, str(p)])
        imgs[name] = p
    run(["mkfs.ext4", "-q", "-F", "-L", "e2eext4", str(imgs["ext4"])])
    run(["mkfs.btrfs", "-q", "-f", "-L", "e2ebtrfs", "-d", "raid1", "-m", "raid1", str(imgs["btrfs-nvme"]), str(imgs["btrfs-virtio"])], stdout=subprocess.DEVNULL)
    return imgs


def debian_root():
    """The mmdebstrap root of scenario 4, cached under the hash of its suite, mirror and
    packages (a half-built one is never reused)."""
    import hashlib
    key = hashlib.sha256(f"{IMAGE_SUITE} {IMAGE_MIRROR} {IMAGE_PACKAGES}".encode()).hexdigest()[:16]
    root = CACHE / f"debian-{key}"
    if (root / ".complete").exists():
        return root
    shutil.rmtree(root, ignore_errors=True)
    started = time.monotonic()
    with open(CACHE / "mmdebstrap.log", "wb") as logf:
        r = run(["mmdebstrap", "--variant=minbase", "--include=" + IMAGE_PACKAGES, IMAGE_SUITE, str(root), IMAGE_MIRROR],
                stdout=logf, stderr=subprocess.STDOUT, check=False, timeout=1200)
    if r.returncode != 0:
        raise RigError(f"mmdebstrap failed (exit {r.returncode}); its log: {CACHE / 'mmdebstrap.log'}")
    (root / ".complete").write_text(key)
    log(f"debian: mmdebstrap built {root.name} in {time.monotonic() - started:.0f} s")
    return root


def debian_image(root, workdir):
    """The system disk of scenario 4: the cached root with the release pcihide, the stage
    unit, an /etc/default/grub as an installed system has, and initramfs-tools set as
    realkernel.md found workable under TCG (MODULES=dep, gzip)."""
    copy_into(root, PCIHIDE, "/usr/local/bin/pcihide").chmod(0o755)
    copy_into(root, IMAGE / "stage.sh", "/usr/local/lib/e2e/stage.sh").chmod(0o755)
    copy_into(root, IMAGE / "e2e.service", "/etc/systemd/system/e2e.service")
    wants = root / "etc/systemd/system/multi-user.target.wants"
    wants.mkdir(parents=True, exist_ok=True)
    if not (wants / "e2e.service").is_symlink():
        (wants / "e2e.service").symlink_to("/etc/systemd/system/e2e.service")
    (root / "boot/grub").mkdir(parents=True, exist_ok=True)  # grub-install makes it on a real install
    if not (root / "etc/default/grub").exists():
        copy_into(root, root / "usr/share/grub/default/grub", "/etc/default/grub")
    conf = root / "etc/initramfs-tools/initramfs.conf"
    text = conf.read_text()
    import re
    text = re.sub(r"(?m)^MODULES=.*$", "MODULES=dep", text)
    text = re.sub(r"(?m)^#? *COMPRESS=.*$", "COMPRESS=gzip", text)
    conf.write_text(text)
    (root / "etc/fstab").write_text("LABEL=root / ext4 rw,errors=remount-ro 0 1\n")
    (root / "etc/hostname").write_text("e2e\n")
    img = workdir / "debian.img"
    run(["mkfs.ext4", "-q", "-F", "-d", str(root), "-L", "root", str(img), "3G"], stdout=subprocess.DEVNULL)
    return img


def debugfs_read(img, path):
    return run(["debugfs", "-R", f"cat {path}", str(img)], capture_output=True).stdout


def debugfs_dump(img, path, out):
    run(["debugfs", "-R", f"dump {path} {out}", str(img)], capture_output=True)
    if not out.exists() or out.stat().st_size == 0:
        raise RigError(f"debugfs could not read {path} from {img}")
    return out


def grub_linux_line(cfg):
    """The kernel and arguments of the first `linux` line of a grub.cfg (what GRUB boots)."""
    for line in cfg.splitlines():
        words = line.split()
        if words and words[0] == "linux" and len(words) >= 2:
            return words[1], " ".join(words[2:])
    raise RigError("grub.cfg has no linux line")


# --------------------------------------------------------------------------- boots

def machine_devices(imgs):
    """q35 with an emulated Intel IOMMU; each endpoint behind its own PCIe root port (its own
    IOMMU group): rp1 the host's NIC (default route), rp2 a spare NIC, rp3 the NVMe (btrfs
    member), rp4 the ext4 disk, rp5 the other btrfs member; the results disk on the root bus."""
    args = ["-machine", "q35,kernel-irqchip=split", "-device", "intel-iommu,intremap=on,caching-mode=on", "-nic", "none"]
    for n in range(1, 6):
        args += ["-device", f"pcie-root-port,id=rp{n},chassis={n},slot={n},bus=pcie.0,addr=0x{n + 2:x}"]
    args += ["-device", "e1000e,bus=rp1", "-device", "e1000e,bus=rp2"]
    args += ["-drive", f"file={imgs['btrfs-nvme']},if=none,id=nv0,format=raw", "-device", "nvme,serial=e2envme,drive=nv0,bus=rp3"]
    args += ["-drive", f"file={imgs['ext4']},if=none,id=vd0,format=raw", "-device", "virtio-blk-pci,drive=vd0,bus=rp4,serial=e2eext4"]
    args += ["-drive", f"file={imgs['btrfs-virtio']},if=none,id=vd1,format=raw", "-device", "virtio-blk-pci,drive=vd1,bus=rp5,serial=e2ebtrfs"]
    args += ["-drive", f"file={imgs['out']},if=none,id=out,format=raw", "-device", "virtio-blk-pci,drive=out,bus=pcie.0,addr=0x10,serial=e2eout"]
    if "guest" in imgs:
        args += ["-drive", f"file={imgs['guest']},if=none,id=guest,format=raw,readonly=on",
                 "-device", "virtio-blk-pci,drive=guest,bus=pcie.0,addr=0x11,serial=e2eguest"]
    return args


def guest_disk(workdir, kernel, initrd):
    """An ext4 disk holding the PV guests' kernel and initramfs (the rig's own), for dom0."""
    files = workdir / "guestfiles"
    shutil.rmtree(files, ignore_errors=True)
    files.mkdir()
    shutil.copy2(kernel, files / "vmlinuz")
    shutil.copy2(initrd, files / "initrd.gz")
    img = workdir / "guest.img"
    run(["mkfs.ext4", "-q", "-F", "-d", str(files), "-L", "e2eguest", str(img), "96M"], stdout=subprocess.DEVNULL)
    shutil.rmtree(files)
    return img


COMMON_QEMU = ["-accel", "tcg", "-smp", "2", "-display", "none", "-no-reboot", "-monitor", "none"]


def boot(role, kernel, initrd, imgs, workdir, xen=None, dom0_args=""):
    """Boots the rig's initramfs as Linux (role linux) or under Xen (role xen)."""
    if xen is None:
        cmd = ["-cpu", "max", "-m", "1536", *machine_devices(imgs),
               "-kernel", str(kernel), "-initrd", str(initrd),
               "-append", f"console=ttyS0 panic=-1 intel_iommu=on e2e={role} quiet loglevel=4"]
    else:
        cmd = ["-cpu", "Nehalem", "-m", "2048", *machine_devices(imgs),
               "-kernel", str(xen), "-append", "console=com1 com1=115200,8n1 dom0_mem=1024M iommu=1 noreboot",
               "-initrd", f"{kernel} console=hvc0 panic=-1 e2e={role} loglevel=4 {dom0_args},{initrd}"]
    return run_qemu(role, cmd, imgs["out"], workdir)


def boot_image(stage, system, out, kernel, initrd, args, workdir):
    """Boots scenario 4's Debian system: q35 with an emulated Intel IOMMU, the e1000e to hide
    behind the root port at 00:03.0, the system disk and the results disk on the root bus."""
    cmd = ["-cpu", "max", "-m", "1536", "-machine", "q35,kernel-irqchip=split",
           "-device", "intel-iommu,intremap=on,caching-mode=on", "-nic", "none",
           "-device", "pcie-root-port,id=rp1,chassis=1,slot=1,bus=pcie.0,addr=0x3", "-device", "e1000e,bus=rp1",
           "-drive", f"file={system},if=none,id=sys,format=raw", "-device", "virtio-blk-pci,drive=sys,bus=pcie.0,addr=0x10,serial=e2eroot",
           "-drive", f"file={out},if=none,id=out,format=raw", "-device", "virtio-blk-pci,drive=out,bus=pcie.0,addr=0x11,serial=e2eout",
           "-kernel", str(kernel), "-initrd", str(initrd), "-append", f"{args} console=ttyS0 panic=-1 e2e={stage}"]
    return run_qemu(stage, cmd, out, workdir)


def run_qemu(role, args, out_img, workdir):
    """Runs one QEMU until it powers off (bounded; killed by its process group otherwise) and
    returns the results the guest wrote to its results disk, unpacked, and the boot's time."""
    console = workdir / f"{role}.console"
    cmd = ["qemu-system-x86_64", *COMMON_QEMU, "-serial", f"file:{console}", *args]
    run(["truncate", "-s", "0", str(out_img)])
    run(["truncate", "-s", "64M", str(out_img)])
    start = time.monotonic()
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=open(workdir / f"{role}.qemu.err", "wb"),
                            start_new_session=True)
    try:
        proc.wait(timeout=BOOT_TIMEOUT[role])
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        tail = console.read_text(errors="replace")[-3000:] if console.exists() else ""
        raise RigError(f"{role} boot did not power off within {BOOT_TIMEOUT[role]} s (QEMU {proc.pid} killed); console ends:\n{tail}")
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    took = time.monotonic() - start
    log(f"boot {role}: {took:.1f} s (QEMU start to power-off, exit status {proc.returncode})")
    results = workdir / f"{role}.results"
    shutil.rmtree(results, ignore_errors=True)
    results.mkdir()
    try:
        with tarfile.open(out_img, "r:") as t:
            t.extractall(results, filter="data")
    except tarfile.TarError as e:
        tail = console.read_text(errors="replace")[-3000:]
        raise NoResults(f"{role}: the guest wrote no results ({e}); console ends:\n{tail}")
    if not any(results.iterdir()):
        tail = console.read_text(errors="replace")[-1500:]
        raise NoResults(f"{role}: the machine stopped before the guest wrote its results (QEMU exit status {proc.returncode}); console ends:\n{tail}")
    return results, took


def debian_boots(workdir):
    """Scenario 4: three boots of the Debian system. persist1 (its own kernel and initrd)
    runs pcihide persist --write --apply-now; verify boots what update-grub wrote (the first
    linux line of grub.cfg, read back with debugfs) with the initrd update-initramfs rebuilt;
    late boots the same line with the initrd from before pcihide. Returns a directory with
    each stage's results and the files read back from the disk."""
    root = debian_root()
    system = debian_image(root, workdir)
    out = workdir / "out.img"
    kernel = next((root / "boot").glob("vmlinuz-*"))
    version = kernel.name.removeprefix("vmlinuz-")
    first_initrd = workdir / "initrd-before"
    shutil.copy2(root / "boot" / f"initrd.img-{version}", first_initrd)
    combined = workdir / "debian.results"
    shutil.rmtree(combined, ignore_errors=True)
    combined.mkdir()
    results, _ = boot_image("persist1", system, out, kernel, first_initrd, "root=/dev/vda rw", workdir)
    shutil.copytree(results, combined / "persist1")
    cfg = debugfs_read(system, "/boot/grub/grub.cfg").decode(errors="replace")
    (combined / "grub.cfg").write_text(cfg)
    path, args = grub_linux_line(cfg)
    (combined / "grub-line").write_text(f"{path} {args}\n")
    rebuilt = debugfs_dump(system, f"/boot/initrd.img-{version}", workdir / "initrd-after")
    for stage, initrd in [("verify", rebuilt), ("late", first_initrd)]:
        results, _ = boot_image(stage, system, out, kernel, initrd, args, workdir)
        shutil.copytree(results, combined / stage)
    return combined


# --------------------------------------------------------------------------- assertions

class Results:
    def __init__(self, root):
        self.root = root

    def text(self, rel):
        p = self.root / rel
        return p.read_text(errors="replace") if p.exists() else None

    def bytes(self, rel):
        p = self.root / rel
        return p.read_bytes() if p.exists() else None

    def rc(self, name):
        t = self.text(name + ".rc")
        return int(t) if t and t.strip().lstrip("-").isdigit() else None

    def facts(self, rel="facts"):
        out = {}
        for line in (self.text(rel) or "").splitlines():
            if "=" in line:
                k, v = line.split("=", 1)
                out[k] = v
        return out


def main():
    import e2e_scenarios
    TESTS = e2e_scenarios.TESTS
    wanted = set(sys.argv[1:]) or {"linux", "xen", "debian"}
    started = time.monotonic()
    passed = failed = 0
    # Standard input closed (as CI runs us): make fds 0-2 exist before anything is opened.
    for fd in (0, 1, 2):
        try:
            os.fstat(fd)
        except OSError:
            os.open(os.devnull, os.O_RDWR)
    try:
        require_host_tools()
        kpkg = kernel_package()
        kroot = CACHE / "kernel"
        fetch([kpkg], kroot)
        version = kpkg.removeprefix("linux-image-")
        kernel = next((kroot / "boot").glob("vmlinuz-*"))
        xroot = CACHE / "xen"
        fetch(XEN_PACKAGES, xroot)
        xen_gz = next((xroot / "boot").glob("xen-4.17-amd64.gz"))
        xen = CACHE / "xen-4.17-amd64"
        if not xen.exists() or xen.stat().st_mtime < xen_gz.stat().st_mtime:
            with open(xen, "wb") as f:
                run(["gzip", "-dc", str(xen_gz)], stdout=f)
        initrd = build_initramfs(kroot, version, xroot)
        log(f"kernel {version}, initramfs {initrd.stat().st_size // 1024} KiB, prepared in {time.monotonic() - started:.0f} s")
    except (RigError, subprocess.SubprocessError, OSError, StopIteration) as e:
        print(f"e2e: cannot prepare the rig: {e}", file=sys.stderr)
        print("0 passed, 1 failed")
        return 1
    # The Xen boot's dom0 line carries the token the Linux boot's `pcihide grub` printed.
    token = ""
    for role in ["linux", "xen", "debian"]:
        tests = [f for r, f in TESTS if r == role]
        if role not in wanted or not tests:
            continue
        workdir = CACHE / "run" / role
        shutil.rmtree(workdir, ignore_errors=True)
        workdir.mkdir(parents=True)
        try:
            if role == "debian":
                results = debian_boots(workdir)
            else:
                imgs = disk_images(workdir)
            if role == "xen":
                imgs["guest"] = guest_disk(workdir, kernel, initrd)
                previous = CACHE / "run" / "linux" / "linux.results" / "xen-token.out"
                if not token and "linux" not in wanted and previous.exists():
                    token = previous.read_text().strip()
                    log(f"xen: the hide token from the previous Linux boot: {token}")
                if not token:
                    raise RigError("the Linux boot gave no hide token from pcihide grub (it must run first)")
            if role != "debian":
                try:
                    results, _ = boot(role, kernel, initrd, imgs, workdir, xen=xen if role == "xen" else None, dom0_args=token)
                except NoResults as e:
                    log(f"{role}: {str(e).splitlines()[0]}; booting it once more")
                    imgs = disk_images(workdir) | ({"guest": imgs["guest"]} if "guest" in imgs else {})
                    results, _ = boot(role, kernel, initrd, imgs, workdir, xen=xen if role == "xen" else None, dom0_args=token)
            if role == "linux":
                token = (Results(results).text("xen-token.out") or "").strip()
        except (RigError, subprocess.SubprocessError, OSError) as e:
            print(f"e2e: {role}: {e}", file=sys.stderr)
            for f in tests:
                print(f"FAIL {role}/{f.__name__}: the boot failed")
            failed += len(tests)
            continue
        r = Results(results)
        for f in tests:
            try:
                f(r)
                print(f"ok   {role}/{f.__name__}")
                passed += 1
            except AssertionError as e:
                print(f"FAIL {role}/{f.__name__}: {e}")
                failed += 1
        log(f"{role}: console {workdir / (role + '.console')}, results {results}")
    log(f"whole run {time.monotonic() - started:.0f} s")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed or not passed else 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    sys.exit(main())
