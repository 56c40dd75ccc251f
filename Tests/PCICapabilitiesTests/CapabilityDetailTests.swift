import Testing

@testable import PCICapabilities

/// The -vv detail's pieces whose rules are easy to get wrong: the `%g` power limits, lspci's
/// bit-level quirks, VPD resources, and detail that stops where the readable bytes end. The
/// whole listing is compared with lspci by LspciDifferentialTests (generated trees, dumps, this
/// machine); these pin the rules on bytes built for each case.
@Suite("capability detail at -vv")
struct CapabilityDetailTests {
    func detail(_ c: ConfigSpace, vpd: [UInt8]? = nil, verbose: Int = 2) -> [String] {
        var platform = PlatformFacts()
        platform.vpd = vpd
        var out = ""
        LspciVerboseText(verbose: verbose, names: NoNames()).capabilities(DeviceDescription(config: c, platform: platform), vendorID: c.vendorID, deviceID: c.deviceID, into: &out)
        return out.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
    }

    @Test(arguments: [
        (0x19, 0, "25W"), (0x19, 1, "2.5W"), (0x03, 2, "0.03W"), (0x05, 3, "0.005W"), (0xfa, 1, "25W"),
        (0xf0, 0, "250W"), (0xfe, 0, "600W"), (0xf2, 0, "300W"), (0xff, 0, ">600W"), (0xff, 1, "25.5W"), (0, 0, "0W"), (0x64, 3, "0.1W"),
    ])
    func powerLimitsPrintAsPercentG(value: Int, scale: Int, text: String) {
        #expect(LspciVerboseText.powerLimit(value, scale) == text)
    }

    @Test(arguments: [(0, " 1MB"), (9, " 512MB"), (10, " 1GB"), (28, " 256TB"), (43, " 8EB"), (44, " <unknown>")])
    func resizableSizes(log2: Int, text: String) {
        #expect(LspciVerboseText.resizableSize(log2) == text)
    }

    /// lspci computes 32^scale in a 32-bit int: scale 7 (reserved) shifts by 35, which x86 takes as 3.
    @Test(arguments: [(0, UInt64(1)), (1, 32), (5, 1 << 25), (6, 1 << 30), (7, 8)])
    func ltrScaleIsLspcisThirtyTwoBitShift(scale: Int, factor: UInt64) {
        #expect(LspciVerboseText.ltrScale(scale) == factor)
    }

    @Test func powerManagementDetailStopsWhereTheBytesEnd() {
        var b = ConfigBuilder()
        b.cap(0xf8, id: 0x01, next: 0, flags: 0xc803)
        b.bytes[0x34] = 0xf8
        b.put16(0xfc, 0x0008)
        // 256 bytes: the status register at 0xfc is readable.
        #expect(
            detail(b.space(256)) == [
                "\tCapabilities: [f8] Power Management version 3",
                "\t\tFlags: PMEClk- DSI- D1- D2- AuxCurrent=0mA PME(D0+,D1-,D2-,D3hot+,D3cold+)",
                "\t\tStatus: D0 NoSoftRst+ PME-Enable- DSel=0 DScale=0 PME-",
            ])
        // 0xfc plus 4 reaches 0x100: a 256-byte space without an extended one still has it, but a
        // space cut at 0xfc loses the status line and keeps the flags (they are the header's).
        #expect(detail(b.space(0xfc)).count == 2)
    }

    @Test func anEndpointsMulticastLineRunsIntoTheNextAsLspcisDoes() {
        var b = ConfigBuilder()
        b.cap(0x40, id: 0x10, next: 0, flags: 0x0002)  // Express endpoint
        b.ext(0x100, id: 0x0012, next: 0)
        b.put16(0x104, 0x0203)
        let lines = detail(b.space(), verbose: 2)
        #expect(lines.contains("\t\tMcastCap: MaxGroups 4, WindowSz 2 (4 bytes)\t\tMcastCtl: NumGroups 1, Enable-"))
        #expect(!lines.contains { $0.hasPrefix("\t\tMcastOverlayBAR") })
    }

    @Test func aRootComplexBitmapRunEndingAtDevice31IsNotClosed() {
        var b = ConfigBuilder()
        b.cap(0x40, id: 0x10, next: 0, flags: 0x00a2)  // Express root complex event collector
        b.ext(0x100, id: 0x0007, version: 2, next: 0)
        b.put32(0x104, 0xc000_000e)
        b.put32(0x108, 0x0000_ff00)
        let lines = detail(b.space())
        #expect(lines.contains("\t\tRCiEPBitmap: RCiEP at Device(s): 1-3, 30"))
        #expect(lines.contains("\t\tAssociatedBusNumbers: [none]"))
        #expect(detail(b.space(), verbose: 3).contains("\t\tAssociatedBusNumbers: ff-00 [none]"))
    }

    static func vpdSpace() -> ConfigSpace {
        var b = ConfigBuilder()
        b.cap(0x40, id: 0x03, next: 0)
        return b.space(256)
    }

    @Test(
        arguments: [
            ([UInt8]?.none, ["\t\tNot readable"]),
            ([], ["\t\tNot readable"]),
            ([0x82, 0x02, 0x00, 0x41, 0x5c, 0x78], ["\t\tProduct Name: A\\\\", "\t\tEnd"]),
            ([0x82, 0x02, 0x00, 0x41, 0x00], ["\t\tProduct Name: A", "\t\tNo end tag found"]),
            ([0x82, 0x03, 0x00, 0x41, 0x01, 0x00, 0x78], ["\t\tProduct Name: A\\x01", "\t\tEnd"]),
            ([0xa5, 0x00, 0x00], ["\t\tUnknown large resource type 25, will not decode more."]),
            ([0x10], ["\t\tUnknown small resource type 02, will not decode more."]),
            ([0x90, 0x07, 0x00, 0x53, 0x4e, 0x01, 0x39, 0x52, 0x56, 0x00], ["\t\tRead-only fields:", "\t\t\t[SN] Serial number: 9", "\t\tNo end tag found"]),
        ] as [([UInt8]?, [String])])
    func vitalProductData(bytes: [UInt8]?, body: [String]) {
        #expect(Array(detail(Self.vpdSpace(), vpd: bytes).dropFirst()) == body)
    }

    @Test func vpdChecksumCountsEveryByteUpToTheReservedFieldsFirst() {
        var image: [UInt8] = [0x90, 0x04, 0x00, 0x52, 0x56, 0x01]
        image.append(0 &- image.reduce(0, &+))
        image.append(0x78)
        #expect(detail(Self.vpdSpace(), vpd: image).contains("\t\t\t[RV] Reserved: checksum good, 0 byte(s) reserved"))
        image[6] &+= 1
        #expect(detail(Self.vpdSpace(), vpd: image).contains("\t\t\t[RV] Reserved: checksum bad, 0 byte(s) reserved"))
    }

    /// An endpoint's other functions skip Link Capabilities 2 (reserved before PCIe 3.0).
    @Test(arguments: [(0, 0, true), (0, 1, false), (3, 0, false)])
    func linkCapabilities2OnlyOnFunctionZeroOfAnEndpoint(device: Int, function: Int, shown: Bool) {
        var b = ConfigBuilder()
        b.cap(0x40, id: 0x10, next: 0, flags: 0x0002)
        b.put32(0x40 + 0x2c, 0x0000_000e)
        var out = ""
        LspciVerboseText(verbose: 2, names: NoNames()).capabilities(DeviceDescription(config: b.space(256), deviceNumber: device, function: function), vendorID: 0x8086, deviceID: 0x1234, into: &out)
        #expect(out.contains("LnkCap2: Supported Link Speeds: 2.5-8GT/s") == shown)
        #expect(out.contains("LnkSta2:"))
    }
}
