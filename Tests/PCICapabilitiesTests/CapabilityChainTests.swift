import Testing

@testable import PCICapabilities

/// Config spaces built byte by byte: the chain walk and lspci's -v lines for them.
struct ConfigBuilder {
    var bytes = [UInt8](repeating: 0, count: 4096)
    init(vendor: UInt16 = 0x8086, device: UInt16 = 0x1234, header: UInt8 = 0, status: UInt16 = 0x0010, first: UInt8 = 0x40) {
        put16(0, vendor); put16(2, device); put16(6, status)
        bytes[0x0e] = header
        bytes[0x34] = first
    }
    mutating func put16(_ o: Int, _ v: UInt16) { bytes[o] = UInt8(v & 0xff); bytes[o + 1] = UInt8(v >> 8) }
    mutating func put32(_ o: Int, _ v: UInt32) { put16(o, UInt16(v & 0xffff)); put16(o + 2, UInt16(v >> 16)) }
    mutating func cap(_ at: Int, id: UInt8, next: UInt8, flags: UInt16 = 0) { bytes[at] = id; bytes[at + 1] = next; put16(at + 2, flags) }
    mutating func ext(_ at: Int, id: UInt16, version: UInt32 = 1, next: Int) { put32(at, UInt32(id) | version << 16 | UInt32(next) << 20) }
    func space(_ count: Int = 4096) -> ConfigSpace { ConfigSpace(Array(bytes.prefix(count))) }
}

struct NoNames: DeviceNames {
    func subsystemName(vendor: UInt16, device: UInt16, subvendor: UInt16, subdevice: UInt16) -> String { "Sub \(subvendor):\(subdevice)" }
}

func capabilityLines(_ c: ConfigSpace) -> [String] {
    var out = ""
    LspciVerboseText(verbose: 1, names: NoNames()).capabilities(DeviceDescription(config: c), vendorID: c.vendorID, deviceID: c.deviceID, into: &out)
    return out.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
}

@Suite("capability chains")
struct CapabilityChainTests {
    static func express(_ b: inout ConfigBuilder, type: UInt16 = 0) {
        b.cap(0x40, id: 0x01, next: 0x50, flags: 0x0003)
        b.cap(0x50, id: 0x10, next: 0x00, flags: 0x0002 | type << 4)
    }

    @Test func aChainThatLoopsEndsWithChainLooped() {
        var b = ConfigBuilder()
        b.cap(0x40, id: 0x01, next: 0x50, flags: 0x0003)
        b.cap(0x50, id: 0x05, next: 0x40, flags: 0x0080)
        #expect(
            capabilityLines(b.space(256)) == [
                "\tCapabilities: [40] Power Management version 3",
                "\tCapabilities: [50] MSI: Enable- Count=1/1 Maskable- 64bit+",
                "\tCapabilities: [40] <chain looped>",
            ])
    }

    @Test func anIDOfFFIsAChainBroken() {
        var b = ConfigBuilder()
        b.cap(0x40, id: 0x11, next: 0x60, flags: 0x8003)
        b.cap(0x60, id: 0xff, next: 0x00)
        #expect(capabilityLines(b.space(256)) == ["\tCapabilities: [40] MSI-X: Enable+ Count=4 Masked-", "\tCapabilities: [60] <chain broken>"])
    }

    /// A user reads 64 bytes: the first capability is already past them.
    @Test func sixtyFourBytesAreAccessDenied() {
        var b = ConfigBuilder()
        Self.express(&b)
        #expect(capabilityLines(b.space(64)) == ["\tCapabilities: <access denied>"])
        #expect(CapabilityChain(b.space(64)).standard == [.init(offset: 0x40, id: 0, flags: 0, extended: false, end: .accessDenied)])
    }

    /// The low two bits of every pointer are ignored, and a pointer into the header is followed.
    @Test func pointersAreMaskedAndMayPointIntoTheHeader() {
        var b = ConfigBuilder(first: 0x13)
        b.bytes[0x10] = 0x01; b.bytes[0x11] = 0x00; b.put16(0x12, 0x0002)
        #expect(capabilityLines(b.space(256)) == ["\tCapabilities: [10] Power Management version 2"])
    }

    @Test func noCapabilityListBitMeansNoList() {
        var b = ConfigBuilder(status: 0)
        Self.express(&b)
        #expect(CapabilityChain(b.space()).standard.isEmpty)
        #expect(CapabilityChain(b.space()).extended == nil)
    }

    /// The extended list is walked only for PCI Express and PCI-X devices, from 0x100.
    @Test func extendedListFollowsAnExpressCapability() {
        var b = ConfigBuilder()
        Self.express(&b)
        b.ext(0x100, id: 0x0001, next: 0x140)
        b.ext(0x140, id: 0x0003, next: 0x150)
        b.put32(0x144, 0x1122_3344); b.put32(0x148, 0x5566_7788)
        b.ext(0x150, id: 0x000d, next: 0x160)
        b.ext(0x160, id: 0x0010, next: 0x170)
        b.ext(0x170, id: 0x0042, next: 0x100)
        #expect(
            capabilityLines(b.space()) == [
                "\tCapabilities: [40] Power Management version 3",
                "\tCapabilities: [50] Express Endpoint, MSI 00",
                "\tCapabilities: [100] Advanced Error Reporting",
                "\tCapabilities: [140] Device Serial Number 55-66-77-88-11-22-33-44",
                "\tCapabilities: [150] Access Control Services",
                "\tCapabilities: [160] Single Root I/O Virtualization (SR-IOV)",
                "\tCapabilities: [170] Extended Capability ID 0x42",
                "\tCapabilities: [100] <chain looped>",
            ])
        // Without the extended space (a 256-byte sysfs file), the walk stops quietly.
        #expect(CapabilityChain(b.space(256)).extended == [])
    }

    @Test(arguments: [
        (UInt16(0x0002), "Express Endpoint, MSI 00"), (0x0042, "Express Root Port (Slot-), MSI 00"), (0x0142, "Express Root Port (Slot+), MSI 00"),
        (0x0052, "Express Upstream Port, MSI 00"), (0x3e62, "Express Downstream Port (Slot-), MSI 1f"),
        (0x0092, "Express Root Complex Integrated Endpoint, MSI 00"), (0x00f2, "Express Unknown type 15, MSI 00"),
    ])
    func expressTypes(flags: UInt16, line: String) {
        #expect(LspciVerboseText.expressLine(flags, verbose: 1) == line)
    }

    @Test(arguments: [
        (UInt16(0x0000), "HyperTransport: Slave or Primary Interface"), (0x2000, "HyperTransport: Host or Secondary Interface"),
        (0x8825, "HyperTransport: Revision ID: 1.05"), (0xa803, "HyperTransport: MSI Mapping Enable+ Fixed+"),
        (0xf800, "HyperTransport: #1f"),
    ])
    func hyperTransport(cmd: UInt16, line: String) {
        #expect(LspciVerboseText.hyperTransport(cmd) == line)
    }

    @Test(arguments: [(UInt64(0), ""), (4096, " [size=4K]"), (1 << 30, " [size=1G]"), (1 << 40, " [size=1T]"), (1 << 50, " [size=1024T]"), (0x1800, " [size=6K]"), (3, " [size=3]")])
    func sizes(bytes: UInt64, text: String) {
        #expect(LspciVerboseText.size(bytes) == text)
    }
}
