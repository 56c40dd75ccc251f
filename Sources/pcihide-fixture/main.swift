import PCIFixtures
import SystemIO
#if canImport(Glibc)
import Glibc
#endif

// Writes a generated sysfs PCI tree for benchmarks and manual testing:
//   pcihide-fixture DIR [COUNT] [SEED]
let args = CommandLine.arguments
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
