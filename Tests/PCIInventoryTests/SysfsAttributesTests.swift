import Foundation
import PCIFixtures
import PCIModel
import SystemIO
import Testing

@testable import PCIInventory

/// The direct sysfs readers (`SysfsIdentityReader` per function directory, `SysfsAttributes`
/// for labels, modaliases and links) are a faster second path beside libpci's sysfs access:
/// these tests hold the two equal, on generated trees and on the odd files libpci meets.
@Suite("sysfs read directly equals libpci")
struct SysfsAttributesTests {
    static func tree(_ name: String, count: Int = 160, seed: UInt64 = 11) throws -> String {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("pcihide-attributes-\(getpid())-\(name)").path
        try? FileManager.default.removeItem(atPath: root)
        try SysfsFixture.generate(count: count, seed: seed).write(to: root)
        return root
    }

    /// Every function's driver, IOMMU group, label and modalias, by both paths.
    static func expectAgreement(_ root: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> [PCIDevice] {
        let inventory = try Inventory(source: .sysfs(root))
        // The label and driver the scan reads with the identity (-k, -v) are the same again.
        let scanned = try Inventory(source: .sysfs(root), scan: .kernelView, kernelFiles: true)
        #expect(scanned.devices.map(\.address) == inventory.devices.map(\.address), sourceLocation: sourceLocation)
        for (d, s) in zip(inventory.devices, scanned.devices) {
            #expect(s.scannedKernelFiles != nil, sourceLocation: sourceLocation)
            #expect(s.driver == d.libpciDriver, "scanned driver of \(d.address)", sourceLocation: sourceLocation)
            #expect(s.label == d.libpciLabel, "scanned label of \(d.address)", sourceLocation: sourceLocation)
        }
        for d in inventory.devices {
            #expect(d.sysfs != nil)
            #expect(d.driver == d.libpciDriver, "driver of \(d.address)", sourceLocation: sourceLocation)
            #expect(d.iommuGroup == d.libpciIOMMUGroup, "IOMMU group of \(d.address)", sourceLocation: sourceLocation)
            #expect(d.label == d.libpciLabel, "label of \(d.address)", sourceLocation: sourceLocation)
            #expect(d.moduleAlias == d.libpciModuleAlias, "modalias of \(d.address)", sourceLocation: sourceLocation)
            #expect(try d.describe().platform.iommuGroup == d.libpciIOMMUGroup, sourceLocation: sourceLocation)
            #expect(d.readVPD() == d.libpciVPD(), "VPD of \(d.address)", sourceLocation: sourceLocation)
        }
        return inventory.devices
    }

    @Test func generatedTree() throws {
        let devices = try Self.expectAgreement(try Self.tree("generated"))
        // The comparison is not empty on either side.
        #expect(devices.contains { $0.driver != nil } && devices.contains { $0.driver == nil })
        #expect(devices.contains { $0.iommuGroup != nil })
        #expect(devices.contains { $0.label != nil } && devices.allSatisfy { $0.moduleAlias != nil })
        #expect(devices.contains { $0.readVPD() != nil } && devices.contains { $0.readVPD() == nil })
    }

    /// What sysfs never holds but a tree may: links that dangle, lead to a link or end in "..",
    /// a link that is a directory, a label with a NUL, one that fills libpci's buffer, one that
    /// cannot be read.
    @Test func oddFiles() throws {
        let root = try Self.tree("odd")
        let inventory = try Inventory(source: .sysfs(root))
        let dirs = inventory.devices.map { Files.realPath(root + "/devices/" + $0.address.description)! }
        let fm = FileManager.default
        func replace(_ path: String) { try? fm.removeItem(atPath: path) }
        func write(_ path: String, _ bytes: [UInt8]) throws {
            replace(path)
            try Data(bytes).write(to: URL(fileURLWithPath: path))
        }
        // driver: dangling; through a second link; "..", "." and a trailing slash; a directory.
        replace(dirs[0] + "/driver"); try fm.createSymbolicLink(atPath: dirs[0] + "/driver", withDestinationPath: "../../nowhere/e1000")
        try fm.createDirectory(atPath: root + "/drivers/real", withIntermediateDirectories: true)
        try fm.createSymbolicLink(atPath: root + "/drivers/alias", withDestinationPath: "real")
        // libpci puts "DIR/" before a link's target, so an absolute target names a path below DIR.
        let depth = dirs[1].dropFirst(Files.realPath(root)!.count).split(separator: "/").count
        replace(dirs[1] + "/driver"); try fm.createSymbolicLink(atPath: dirs[1] + "/driver", withDestinationPath: String(repeating: "../", count: depth) + "drivers/alias")
        replace(dirs[2] + "/driver"); try fm.createSymbolicLink(atPath: dirs[2] + "/driver", withDestinationPath: root + "/drivers/real/..")
        replace(dirs[3] + "/driver"); try fm.createSymbolicLink(atPath: dirs[3] + "/driver", withDestinationPath: root + "/drivers/real/.")
        replace(dirs[4] + "/driver"); try fm.createSymbolicLink(atPath: dirs[4] + "/driver", withDestinationPath: root + "/drivers/real/")
        replace(dirs[5] + "/driver"); try fm.createDirectory(atPath: dirs[5] + "/driver", withIntermediateDirectories: true)
        replace(dirs[6] + "/iommu_group"); try fm.createSymbolicLink(atPath: dirs[6] + "/iommu_group", withDestinationPath: "/")
        replace(dirs[7] + "/iommu_group"); try fm.createSymbolicLink(atPath: dirs[7] + "/iommu_group", withDestinationPath: "../../../iommu_groups/..")
        // label: a NUL inside, 1023 and 1024 bytes (libpci's buffer), a directory, empty.
        try write(dirs[8] + "/label", Array("Onboard\u{0}LAN\n".utf8))
        try write(dirs[9] + "/label", [UInt8](repeating: 0x41, count: 1023))
        try write(dirs[10] + "/label", [UInt8](repeating: 0x41, count: 1024))
        replace(dirs[11] + "/label"); try fm.createDirectory(atPath: dirs[11] + "/label", withIntermediateDirectories: true)
        try write(dirs[12] + "/label", [])
        try write(dirs[13] + "/modalias", [0xff, 0xfe, 0x0a])
        // VPD: empty, one byte, a directory.
        try write(dirs[14] + "/vpd", [])
        try write(dirs[15] + "/vpd", [0x82])
        replace(dirs[16] + "/vpd"); try fm.createDirectory(atPath: dirs[16] + "/vpd", withIntermediateDirectories: true)
        _ = try Self.expectAgreement(root)
        let again = try Inventory(source: .sysfs(root))
        #expect(again.devices[1].driver == "real")
        #expect(again.devices[0].driver == nil && again.devices[2].driver == nil && again.devices[5].driver == nil)
        #expect(again.devices[6].iommuGroup == again.devices[6].address.description)
        #expect(again.devices[9].label?.utf8.count == 1023 && again.devices[10].label == nil)
        #expect(again.devices[8].label == "Onboard")
    }

    /// Every scan depth reads what libpci alone reads: ids, class, programming interface,
    /// revision and (beyond the one-line listing) the subsystem, for functions with and without
    /// the kernel's subsystem files, and with the header read (by the direct reader) or not.
    @Test("scan depth", arguments: [InventoryScan.identity, .kernelView, .full])
    func scanDepth(_ scan: InventoryScan) throws {
        // 300 functions: past the count at which two threads read them.
        let root = try Self.tree("scan-\(scan)", count: 300)
        // Files in another format go back to libpci for that function.
        let odd = Files.realPath(root + "/devices/" + (try Inventory(source: .sysfs(root))).devices[3].address.description)!
        try Data("0x1af4".utf8).write(to: URL(fileURLWithPath: odd + "/subsystem_vendor"))
        let direct = try Inventory(source: .sysfs(root), scan: scan, kernelFiles: scan != .identity)
        let libpci = try Inventory(source: .sysfs(root), directReads: false)
        func fields(_ i: Inventory, subsystem: Bool) -> [String] {
            i.devices.map { d in
                "\(d.address) \(d.vendorId) \(d.deviceId) \(d.classId) \(String(describing: d.progIf)) \(String(describing: d.revision))"
                    + (subsystem ? " \(String(describing: d.subsystem)) \(String(describing: d.driver)) \(String(describing: d.label))" : "")
            }
        }
        #expect(fields(direct, subsystem: scan != .identity) == fields(libpci, subsystem: scan != .identity))
        if scan != .identity { #expect(direct.devices.filter { $0.scannedKernelFiles != nil }.count == direct.devices.count - 1) }
        // Some functions have no subsystem files: their subsystem comes from the header.
        #expect(libpci.devices.contains { !Files.exists(root + "/devices/\($0.address)/subsystem_vendor") })
        switch scan {
        case .identity: #expect(direct.devices.allSatisfy { !$0.hasConfigAccess })
        case .kernelView:
            // The header is read only where the kernel gives no subsystem (libpci reads it there).
            #expect(direct.devices.allSatisfy { $0.hasConfigAccess == ($0.address == libpci.devices[3].address || !Files.exists(root + "/devices/\($0.address)/subsystem_vendor")) })
        case .full: #expect(direct.devices.map(\.config) == libpci.devices.map(\.config))
        }
    }

    /// The bridge above each function (-t, -P) found from the canonical paths the scan read is
    /// the one libpci finds with realpath(3), also where a bridge's directory has a name libpci's
    /// sscanf(3) reads otherwise than the kernel writes one (left to libpci), no address at all,
    /// or the address of no device.
    @Test func parentsAsLibpci() throws {
        let root = try Self.tree("parents", count: 300)
        let plain = try Inventory(source: .sysfs(root), topology: true, directReads: false)
        let fm = FileManager.default
        // Bridges with functions below them, by their directory's canonical path.
        let dirs = plain.devices.map { Files.realPath(root + "/devices/" + $0.address.description)! }
        let bridges = plain.devices.indices.filter { k in plain.devices.contains { $0.address != plain.devices[k].address && (try? fm.destinationOfSymbolicLink(atPath: root + "/devices/\($0.address)"))?.contains("/\(plain.devices[k].address)/") == true } }
        try #require(bridges.count >= 3)
        let renames = [
            (bridges[0], "0" + plain.devices[bridges[0]].address.description),  // 5 digits: sscanf reads it, PCIAddress does not
            (bridges[1], "bridge-\(bridges[1])"),  // no address
            (bridges[2], "0000:ee:1f.7"),
        ]  // the address of no device
        for (k, name) in renames {
            let old = plain.devices[k].address.description
            try fm.moveItem(atPath: dirs[k], toPath: (dirs[k] as NSString).deletingLastPathComponent + "/" + name)
            for link in try fm.contentsOfDirectory(atPath: root + "/devices") {
                let target = try fm.destinationOfSymbolicLink(atPath: root + "/devices/" + link)
                let parts = target.split(separator: "/", omittingEmptySubsequences: false).map { $0 == old ? Substring(name) : $0 }
                guard parts.joined(separator: "/") != target else { continue }
                try fm.removeItem(atPath: root + "/devices/" + link)
                try fm.createSymbolicLink(atPath: root + "/devices/" + link, withDestinationPath: parts.joined(separator: "/"))
            }
        }
        let direct = try Inventory(source: .sysfs(root), topology: true)
        let libpci = try Inventory(source: .sysfs(root), topology: true, directReads: false)
        func parents(_ i: Inventory) -> [String] {
            i.devices.map { "\($0.address) <- \(i.device(handle: $0.parentHandle)?.address.description ?? "none")" }
        }
        #expect(parents(direct) == parents(libpci))
        // Not vacuous: most functions have a bridge, the renamed bridges' functions keep one only
        // where libpci finds it (the 5-digit name).
        #expect(parents(libpci).filter { !$0.hasSuffix("none") }.count > 200)
        #expect(parents(libpci).contains { $0.hasSuffix("<- \(plain.devices[bridges[0]].address)") })
        #expect(!parents(libpci).contains { $0.hasSuffix("<- \(plain.devices[bridges[1]].address)") })
    }
}
