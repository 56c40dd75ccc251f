import PCIFixtures
import SystemIO
#if canImport(Glibc)
import Glibc
#endif

// Writes a generated sysfs PCI tree for benchmarks and manual testing:
//   pcihide-fixture DIR [COUNT] [SEED]
//   pcihide-fixture --host DIR   (the binding/safety host: DIR/sys, DIR/block, DIR/mounts, drivers loaded)
let args = CommandLine.arguments
if args.count == 3, args[1] == "--host" {
    do {
        try SysfsFixture.writeHost(to: args[2])
        try SimulatedKernel.loadDrivers(["pciback", "vfio-pci", "e1000e", "i915", "ahci", "pcieport"], root: args[2] + "/sys")
        print("host tree in \(args[2])/sys, block class \(args[2])/block, mount table \(args[2])/mounts")
        exit(0)
    } catch {
        StandardError.write("pcihide-fixture: \(error)\n")
        exit(73)
    }
}
guard args.count >= 2, args.count <= 4 else {
    StandardError.write("usage: pcihide-fixture DIR [COUNT] [SEED]\n")
    exit(64)
}
let count = args.count > 2 ? Int(args[2]) ?? 4096 : 4096
let seed = args.count > 3 ? UInt64(args[3]) ?? 1 : 1
do {
    let fixture = SysfsFixture.generate(count: count, seed: seed)
    try fixture.write(to: args[1])
    print("\(fixture.functions.count) functions in \(args[1])")
} catch {
    StandardError.write("pcihide-fixture: \(error)\n")
    exit(73)
}
