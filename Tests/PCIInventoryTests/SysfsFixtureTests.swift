import Foundation
import PCIFixtures
import PCIModel
import Testing

/// The generated trees the differential tests and the benchmark run on.
@Suite("generated sysfs trees")
struct SysfsFixtureTests {
    /// As many functions as asked for, each address once (root ports once wrapped around the 31
    /// slots of bus 0 and overwrote each other), past 254 buses in a second domain.
    @Test("exactly the functions asked for", arguments: [60, 400, 4096, 8000])
    func count(_ n: Int) {
        let f = SysfsFixture.generate(count: n, seed: 1)
        #expect(f.functions.count == n)
        #expect(Set(f.functions.map(\.address)).count == n, "addresses repeat")
        #expect(f.functions.contains { $0.physicalFunction != nil } || n < 400, "SR-IOV virtual functions")
        let domains = Set(f.functions.map(\.address.domain))
        #expect(domains == (n > 6000 ? [0, 1] : [0]))
        // Every function but a host bridge hangs from a bridge of the tree.
        let addresses = Set(f.functions.map(\.address))
        #expect(f.functions.allSatisfy { $0.parent.map(addresses.contains) ?? ($0.address.bus == 0) })
    }

    @Test func theWrittenTreeHoldsThemAll() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("pcihide-fixture-\(getpid())").path
        try SysfsFixture.generate(count: 1024, seed: 1).write(to: root)
        let entries = try FileManager.default.contentsOfDirectory(atPath: root + "/devices")
        #expect(entries.count == 1024)
    }
}
