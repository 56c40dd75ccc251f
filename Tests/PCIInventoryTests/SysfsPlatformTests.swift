import Foundation
import PCICapabilities
import PCIFixtures
import PCIModel
import PropertyBased
import SystemIO
import Testing

@testable import PCIInventory

/// The verbose listing of a sysfs tree describes functions without libpci, two at a time
/// (`SysfsPlatform`, `PCIDevice.directDescription`): a faster second path beside libpci's
/// fill_info and config reads. These tests hold the two equal, on generated trees and on the
/// odd files libpci reads differently or stops at, and check that the odd ones are left to libpci.
@Suite("verbose descriptions read directly equal libpci's")
struct SysfsPlatformTests {
    static func tree(_ name: String, count: Int) throws -> String {
        try SysfsAttributesTests.tree("platform-" + name, count: count, seed: 21)
    }

    /// A `resource` line as the kernel writes it ("0x%016llx 0x%016llx 0x%016llx\n").
    static func resourceLine(_ fields: UInt64...) -> String {
        fields.map { v in
            let digits = String(v, radix: 16)
            return "0x" + String(repeating: "0", count: 16 - digits.count) + digits
        }.joined(separator: " ") + "\n"
    }

    static func listing(_ root: String, verbose: Int, machine: Int = 0, busCentric: Bool = false, direct: Bool) throws -> String {
        var options = ListingOptions()
        options.verbose = verbose
        options.machine = machine
        options.busCentric = busCentric
        let inventory = try Inventory(source: .sysfs(root), scan: options.scan, busCentric: busCentric, directReads: direct)
        do {
            return try LspciListing(inventory: inventory, options: options, filter: nil).render()
        } catch {
            return error.printed + "\n[stopped: \(error.failure.message)]"
        }
    }

    /// Every function's description by both paths: the same platform facts and the same -vv text.
    @Test("generated tree", arguments: [false, true])
    func generatedTreeDescribesAlike(busCentric: Bool) throws {
        let root = try Self.tree("generated-\(busCentric)", count: 200)
        let inventory = try Inventory(source: .sysfs(root), scan: .full, busCentric: busCentric)
        #expect(inventory.fillPhysicalSlots())
        let reader = SysfsAttributes()
        var direct = 0
        for d in inventory.devices {
            let viaLibpci = try d.describe(withVPD: true)
            guard let (description, config) = d.directDescription(withVPD: true, reader: reader, busCentric: busCentric) else { continue }
            direct += 1
            #expect(description.platform == viaLibpci.platform, "\(d.address)")
            var a = "", b = ""
            LspciVerboseText(verbose: 3, names: inventory, busCentric: busCentric).render(description, vendorID: d.vendorId, deviceID: d.deviceId, into: &a)
            LspciVerboseText(verbose: 3, names: inventory, busCentric: busCentric).render(viaLibpci, vendorID: d.vendorId, deviceID: d.deviceId, into: &b)
            #expect(!config.trouble)
            #expect(a == b, "\(d.address)")
        }
        // The comparison covers every function, bridges with windows and NUMA nodes among them.
        #expect(direct == inventory.devices.count)
        #expect(inventory.devices.contains { (try? $0.describe().platform.bridgeBasesKnown) == !busCentric })
        // 64-bit BARs among them (the bus-centric view joins their two registers).
        #expect(inventory.devices.contains { d in d.config.count >= 64 && d.config[0x0e] & 0x7f == 0 && (0..<5).contains { d.config[0x10 + 4 * $0] & 7 == 4 } })
        #expect(inventory.devices.contains { (try? $0.describe().platform.numaNode) == 0 })
    }

    /// What a tree may hold that sysfs does not (or rarely does), planted in a tree large
    /// enough for two threads; the listing is the same read directly or by libpci alone.
    @Test("odd files", arguments: [(1, 0, false), (2, 0, false), (3, 0, false), (1, 2, false), (1, 3, false), (3, 0, true)])
    func oddFiles(verbose: Int, machine: Int, busCentric: Bool) throws {
        let root = try Self.tree("odd-\(verbose)-\(machine)-\(busCentric)", count: 300)
        let plain = try Inventory(source: .sysfs(root), scan: .full)
        let dirs = plain.devices.map { Files.realPath(root + "/devices/" + $0.address.description)! }
        let fm = FileManager.default
        func write(_ k: Int, _ name: String, _ text: String) throws {
            try? fm.removeItem(atPath: dirs[k] + "/" + name)
            try Data(text.utf8).write(to: URL(fileURLWithPath: dirs[k] + "/" + name))
        }
        func lines(_ n: Int) -> String {
            (0..<n).map { k in
                let start: UInt64 = k % 3 == 0 ? 0 : 0xfe00_0000 + UInt64(k) << 16
                return Self.resourceLine(start, start == 0 ? 0 : start + 0xfff, start == 0 ? 0 : 0x40200)
            }.joined()
        }
        // irq as strtol(3) reads what the kernel never writes: octal, no newline, a blank first.
        try write(0, "irq", "016\n")
        try write(1, "irq", "16")
        try write(2, "irq", " 16\n")
        // resource: fewer lines than the BARs and ROM, the bridge windows' 11 and 17 lines,
        // libpci's 18 and more, upper-case digits, empty.
        try write(3, "resource", lines(6))
        try write(4, "resource", lines(11))
        try write(5, "resource", lines(17))
        try write(6, "resource", lines(18))
        try write(7, "resource", lines(18) + "not read by libpci\n")
        try write(8, "resource", lines(13).uppercased().replacingOccurrences(of: "0X", with: "0x"))
        try write(9, "resource", "")
        // numa_node: absent, 0, -1, a leading zero, a directory.
        try? fm.removeItem(atPath: dirs[10] + "/numa_node")
        try write(11, "numa_node", "0\n")
        try write(12, "numa_node", "-1\n")
        try write(13, "numa_node", "01\n")
        try? fm.removeItem(atPath: dirs[14] + "/numa_node"); try fm.createDirectory(atPath: dirs[14] + "/numa_node", withIntermediateDirectories: true)
        // A device-tree node.
        try fm.createDirectory(atPath: root + "/firmware/of/pci@0", withIntermediateDirectories: true)
        try fm.createSymbolicLink(atPath: dirs[15] + "/of_node", withDestinationPath: root + "/firmware/of/pci@0")
        // config: only the header readable (as a user reads it); a directory (reads fail).
        let header = try Data(contentsOf: URL(fileURLWithPath: dirs[16] + "/config")).prefix(64)
        try header.write(to: URL(fileURLWithPath: dirs[16] + "/config"))

        // A function whose capability list starts past the header, so that its listing reads there.
        // A 64-bit BAR in a header's last BAR (libpci warns of it in the bus-centric view).
        let lastBAR = try #require((18..<plain.devices.count).first { plain.devices[$0].config.count >= 64 && plain.devices[$0].config[0x0e] & 0x7f == 0 })
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: dirs[lastBAR] + "/config")))
        bytes[0x24] = 0x04; bytes[0x25] = 0; bytes[0x26] = 0; bytes[0x27] = 0xfe
        try Data(bytes).write(to: URL(fileURLWithPath: dirs[lastBAR] + "/config"))
        let configless = try #require(
            (17..<plain.devices.count).first { k in
                let c = plain.devices[k].config
                guard k != lastBAR else { return false }
                return c.count >= 64 && c[0x06] & 0x10 != 0 && c[0x34] >= 0x40
            })
        let inventory = try Inventory(source: .sysfs(root), scan: .full, busCentric: busCentric)
        // After the scan read the header, the rest of the config space becomes unreadable.
        try fm.removeItem(atPath: dirs[configless] + "/config"); try fm.createDirectory(atPath: dirs[configless] + "/config", withIntermediateDirectories: true)
        let viaLibpci = try Self.listing(root, verbose: verbose, machine: machine, busCentric: busCentric, direct: false)
        #expect(try Self.listing(root, verbose: verbose, machine: machine, busCentric: busCentric, direct: true) == viaLibpci)
        // -vmm's platform lines: numa_node in no kernel format, unreadable, and of_node are libpci's.
        for k in [13, 14, 15] { #expect(inventory.devices[k].directMachineFacts(reader: SysfsAttributes()) == nil) }
        for k in [10, 11, 12] { #expect(inventory.devices[k].directMachineFacts(reader: SysfsAttributes()) != nil) }

        // Which were left to libpci: the ones in no kernel format, and the unreadable config.
        #expect(inventory.fillPhysicalSlots())
        let reader = SysfsAttributes()
        func direct(_ k: Int) -> Bool {
            guard let (description, config) = inventory.devices[k].directDescription(withVPD: verbose > 1, reader: reader, busCentric: busCentric)
            else { return false }
            var text = ""
            LspciVerboseText(verbose: 3, names: inventory, busCentric: busCentric).render(description, vendorID: 0, deviceID: 0, into: &text)
            return !config.trouble
        }
        // The bus-centric view reads neither irq nor resource.
        let oddKernelFiles = busCentric ? [] : [0, 1, 2, 3, 8, 9]
        for k in oddKernelFiles + [13, 14, 15] { #expect(!direct(k), "function \(k) should be left to libpci") }
        for k in [4, 5, 6, 7, 10, 11, 12, 16] { #expect(direct(k), "function \(k) should be read directly") }
        #expect(direct(lastBAR) == !busCentric)
        #expect(!direct(configless))
    }

    /// Where libpci stops (lspci dies: a `resource` line it cannot parse, no `irq`), the listing
    /// stops at the same function with what came before, read directly or not.
    @Test("libpci stops", arguments: ["resource", "irq"])
    func stops(file: String) throws {
        let root = try Self.tree("stop-\(file)", count: 300)
        let inventory = try Inventory(source: .sysfs(root), scan: .full)
        let dir = Files.realPath(root + "/devices/" + inventory.devices[200].address.description)!
        if file == "irq" {
            try FileManager.default.removeItem(atPath: dir + "/irq")
        } else {
            try Data("0x0 0x0\n".utf8).write(to: URL(fileURLWithPath: dir + "/resource"))
        }
        let viaLibpci = try Self.listing(root, verbose: 2, direct: false)
        #expect(viaLibpci.hasSuffix("[stopped: cannot read device \(inventory.devices[200].address): libpci: " + (file == "irq" ? "Cannot open \(root)/devices/\(inventory.devices[200].address)/irq: No such file or directory]" : "Syntax error in \(root)/devices/\(inventory.devices[200].address)/resource]")))
        #expect(try Self.listing(root, verbose: 2, direct: true) == viaLibpci)
        // What came before is the first 200 functions' text, and the 201st's first lines.
        #expect(viaLibpci.split(separator: "\n").filter { $0.first != "\t" && $0.first != "[" }.count == 201)
    }

    /// The kernel's decimal format is read as strtol(3) reads it, and only that is accepted.
    @Test func decimalsAsStrtol() async {
        let alphabet = Array("0123456789-+ x\n".utf8)
        let input = Gen.int(in: 0...(alphabet.count - 1)).array(of: 0...12).map { $0.map { alphabet[$0] } }
        await propertyCheck(count: 2000, input: input) { text in
            for signed in [false, true] {
                guard let v = SysfsPlatform.decimal(text, signed: signed) else { continue }
                let viaStrtol = String(decoding: text, as: UTF8.self).withCString { strtol($0, nil, 0) }
                #expect(v == viaStrtol, "\(text)")
                #expect(signed || v >= 0)
            }
        }
        // What the kernel writes is accepted.
        for v in [0, 1, 9, 10, 16, 255, 4095, 123_456_789] {
            #expect(SysfsPlatform.decimal(Array("\(v)\n".utf8), signed: false) == v)
            #expect(SysfsPlatform.decimal(Array("-\(v)\n".utf8), signed: true) == (v == 0 ? nil : -v))
        }
    }

    /// Canonical `resource` lines read back as written (the round trip), whatever their count.
    @Test func resourcesRoundTrip() async {
        let input = Gen.uint64().array(of: 21...(18 * 3)).map { Array($0.prefix($0.count / 3 * 3)) }
        await propertyCheck(count: 500, input: input) { values in
            let text = stride(from: 0, to: values.count, by: 3).map { Self.resourceLine(values[$0], values[$0 + 1], values[$0 + 2]) }.joined()
            guard let r = SysfsPlatform.resources(Array(text.utf8)) else { Issue.record("refused \(text)"); return }
            let n = values.count / 3
            func region(_ k: Int, flagBits: Bool) -> PlatformFacts.Region {
                let (s, e, f) = (values[3 * k], values[3 * k + 1], values[3 * k + 2])
                return PlatformFacts.Region(base: s | (flagBits ? f & 0xf : 0), size: e > s ? e - s + 1 : 0, flags: f)
            }
            #expect(r.regions == (0..<6).map { region($0, flagBits: true) })
            #expect(r.rom == region(6, flagBits: true))
            let first = n == 11 ? 7 : n == 17 ? 13 : nil
            #expect(r.bridgeWindows == first.map { f in (f..<f + 4).map { region($0, flagBits: false) } })
        }
    }
}
