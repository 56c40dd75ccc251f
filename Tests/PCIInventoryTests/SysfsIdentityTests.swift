import Foundation
import PCIFixtures
import PCIModel
import Testing

@testable import PCIInventory

@Suite("sysfs identity read directly")
struct SysfsIdentityTests {
    static func tree(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("pcihide-identity-\(getpid())-\(name)").path
    }

    /// Only the kernel's exact format is taken; every other text is left to libpci (nil).
    @Test(
        "attribute text",
        arguments: [
            ("0x8086\n", 4, UInt32?(0x8086)), ("0x0000\n", 4, 0), ("0xffff\n", 4, 0xffff), ("0x0c0330\n", 6, 0x0c0330),
            ("0x1a\n", 2, 0x1a), ("0x8086", 4, nil), ("0X8086\n", 4, nil), ("0x80a6 \n", 4, nil), ("0x808g\n", 4, nil),
            ("0x80866\n", 4, nil), ("0x808\n", 4, nil), ("8086\n", 4, nil), ("", 4, nil), ("0x8A86\n", 4, nil),
            ("0x8086\n\n", 4, nil), ("0x1\n", 2, nil), ("-0x1\n", 2, nil), ("0x8086\n0x8086\n0x8086\n", 4, nil),
        ])
    func attributeText(_ text: String, _ digits: Int, _ expected: UInt32?) throws {
        let dir = Self.tree("text")
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        // One file per case: the cases run in parallel.
        let name = "attr-" + UUID().uuidString
        try text.write(toFile: dir + "/" + name, atomically: false, encoding: .utf8)
        let fd = open(dir, O_RDONLY | O_DIRECTORY)
        defer { close(fd) }
        #expect(SysfsIdentityReader.readHex(fd, name, digits: digits) == expected)
        #expect(SysfsIdentityReader.readHex(fd, "absent", digits: digits) == nil)
    }

    /// The listing's inventory (identity only, read directly) and the full one (libpci) agree
    /// on every function of a generated tree.
    @Test func directAndLibpciAgree() throws {
        let root = Self.tree("agree")
        try SysfsFixture.generate(count: 300, seed: 5).write(to: root)
        let direct = try Inventory(source: .sysfs(root), scan: .identity)
        let full = try Inventory(source: .sysfs(root))
        func fields(_ i: Inventory) -> [String] {
            i.devices.map { "\($0.address) \($0.vendorId) \($0.deviceId) \($0.classId) \(String(describing: $0.revision))" }
        }
        #expect(fields(direct).count == 300)
        #expect(fields(direct) == fields(full))
        #expect(direct.devices.allSatisfy { !$0.hasConfigAccess }, "the direct reader reads no config bytes")
        #expect(full.devices.allSatisfy { $0.hasConfigAccess })
        // The tree has SR-IOV virtual functions, whose config ids read ffff: both readings take
        // the ids from the vendor and device files, as libpci does.
        let vfs = full.devices.filter { $0.config.prefix(4).allSatisfy { $0 == 0xff } }
        #expect(!vfs.isEmpty)
        #expect(vfs.allSatisfy { $0.vendorId == 0x15b3 && $0.deviceId == 0x1018 })
    }
}
