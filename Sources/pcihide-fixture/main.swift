import PCIFixtures
import SystemIO

#if canImport(Glibc)
import Glibc
#endif

// Writes a generated sysfs PCI tree for benchmarks and manual testing:
//   pcihide-fixture DIR [COUNT] [SEED]
//   pcihide-fixture --host DIR      (the binding/safety host as a host root: use pcihide --root DIR)
//   pcihide-fixture --desktop DIR   (a desktop host root: GPU, consumer group, NVMe /home, management NIC)
//   pcihide-fixture --persistence NAME DIR (a boot setup: debian-grub2, fedora-bls, proxmox, popos,
//                                           arch-systemd-boot, xen-efi, grub-legacy-xen, arch-limine)
//   pcihide-fixture --readiness NAME DIR   (a host of the readiness tests: desktop, server, consumer,
//                                           sriov, efifb, resets, no-iommu, acs-override)
//   pcihide-fixture --fleet DIR            (the cluster node of the export tests, named pve1)
let args = CommandLine.arguments
let usage = """
    usage: pcihide-fixture DIR [COUNT] [SEED]       a generated sysfs PCI tree (COUNT functions)
           pcihide-fixture --host DIR               the binding/safety host root (pcihide --root DIR)
           pcihide-fixture --desktop DIR            a desktop host root
           pcihide-fixture --persistence NAME DIR   a boot setup: \(PersistenceRoots.names.joined(separator: ", "))
           pcihide-fixture --readiness NAME DIR     a readiness host: \(HostRootFixture.readinessHosts().map(\.name).joined(separator: ", "))
           pcihide-fixture --fleet DIR              a cluster node (pve1) for pcihide export

    """
if args.count == 2, args[1] == "--help" || args[1] == "-h" {
    print(usage, terminator: "")
    exit(0)
}
// An option it does not know is never taken for a directory to write into.
if args.count >= 2, args[1].hasPrefix("-"), !["--host", "--desktop", "--persistence", "--readiness", "--fleet"].contains(args[1]) {
    StandardError.write("pcihide-fixture: unknown option '\(args[1])'\n" + usage)
    exit(64)
}
if args.count == 4, args[1] == "--persistence" {
    do {
        try PersistenceRoots.write(args[2], to: args[3])
        print("host root in \(args[3]) (hide 01:00.0 and 01:00.1 there, then try pcihide persist --root \(args[3]))")
        exit(0)
    } catch {
        StandardError.write("pcihide-fixture: \(error)\n")
        exit(error.exitStatus == .usage ? 64 : 73)
    }
}
if args.count == 4, args[1] == "--readiness" {
    guard let host = HostRootFixture.readinessHosts().first(where: { $0.name == args[2] }) else {
        StandardError.write("pcihide-fixture: no readiness host '\(args[2])'; there are " + HostRootFixture.readinessHosts().map(\.name).joined(separator: ", ") + "\n")
        exit(64)
    }
    do {
        try host.root.write(to: args[3])
        print("host root in \(args[3]) (try pcihide check --root \(args[3]) \(host.devices.joined(separator: " ")))")
        exit(0)
    } catch {
        StandardError.write("pcihide-fixture: \(error)\n")
        exit(73)
    }
}
if args.count == 3, args[1] == "--fleet" {
    do {
        try HostRootFixture.writeFleetNode(to: args[2])
        print("host root in \(args[2]) (hide \(HostRootFixture.fleetNode().hide.joined(separator: " ")) there, then try pcihide export --root \(args[2]) --format proxmox)")
        exit(0)
    } catch {
        StandardError.write("pcihide-fixture: \(error)\n")
        exit(73)
    }
}
if args.count == 3, args[1] == "--host" || args[1] == "--desktop" {
    do {
        if args[1] == "--host" { try SysfsFixture.writeHost(to: args[2]) } else { try SysfsFixture.desktop().write(to: args[2]) }
        try SimulatedKernel.loadDrivers(["pciback", "vfio-pci", "e1000e", "i915", "ahci", "pcieport"], root: HostRootFixture.pciRoot(args[2]))
        print("host root in \(args[2]) (use pcihide --root \(args[2]))")
        exit(0)
    } catch {
        StandardError.write("pcihide-fixture: \(error)\n")
        exit(73)
    }
}
guard args.count >= 2, args.count <= 4 else {
    StandardError.write(usage)
    exit(64)
}
guard args.count < 3 || Int(args[2]).map({ $0 > 0 }) == true, args.count < 4 || UInt64(args[3]) != nil else {
    StandardError.write("pcihide-fixture: COUNT and SEED are whole numbers (COUNT at least 1)\n" + usage)
    exit(64)
}
let count = args.count > 2 ? Int(args[2])! : 4096
let seed = args.count > 3 ? UInt64(args[3])! : 1
do {
    let fixture = SysfsFixture.generate(count: count, seed: seed)
    try fixture.write(to: args[1])
    print("\(fixture.functions.count) functions in \(args[1])")
} catch {
    StandardError.write("pcihide-fixture: \(error)\n")
    exit(73)
}
