import Testing

@testable import PCICapabilities

@Suite("what passthrough reads from the capabilities")
struct PassthroughFeaturesTests {
    static func gpu(flr: Bool, noSoftReset: Bool) -> ConfigBuilder {
        var b = ConfigBuilder(vendor: 0x10de, device: 0x1b81)
        b.cap(0x40, id: 0x01, next: 0x50, flags: 0x0003)
        b.put16(0x44, noSoftReset ? 0x0008 : 0x0000)
        b.cap(0x50, id: 0x10, next: 0x70, flags: 0x0002)
        b.put32(0x54, flr ? 0x1000_0000 : 0)
        b.put32(0x5c, 0x0000_0104)  // 16 GT/s x16
        b.put16(0x62, 0x0083)  // 8 GT/s x8
        b.cap(0x70, id: 0x11, next: 0x00, flags: 0x000f)
        b.ext(0x100, id: 0x000d, next: 0x110)
        b.put16(0x104, 0x005f); b.put16(0x106, 0x001d)
        b.ext(0x110, id: 0x0010, next: 0x150)
        b.put16(0x11c, 4); b.put16(0x11e, 64); b.put16(0x120, 2)
        b.ext(0x150, id: 0x0003, next: 0x160)
        b.put32(0x154, 0x0403_0201); b.put32(0x158, 0x0807_0605)
        b.ext(0x160, id: 0x000e, next: 0)
        return b
    }

    @Test(arguments: [(true, false), (false, true)])
    func resetAndIsolation(flr: Bool, noSoftReset: Bool) {
        let f = PassthroughFeatures(DeviceDescription(config: Self.gpu(flr: flr, noSoftReset: noSoftReset).space()))
        #expect(f.functionLevelReset == flr)
        #expect(f.powerManagementNoSoftReset == noSoftReset)
        #expect(f.expressType == "endpoint")
        #expect(f.acsCapability == 0x5f && f.acsControl == 0x1d)
        #expect(f.sriovInitialVFs == 4 && f.sriovTotalVFs == 64 && f.sriovNumVFs == 2)
        #expect(f.msixTableSize == 16)
        #expect(f.linkMaxSpeed == "16GT/s" && f.linkMaxWidth == 16 && f.linkSpeed == "8GT/s" && f.linkWidth == 8)
        #expect(f.serialNumber == "08-07-06-05-04-03-02-01")
        #expect(f.alternativeRoutingID && !f.addressTranslation)
        #expect(f.advancedFeaturesFLR == nil && !f.capabilitiesUnreadable)
    }

    /// A user's 64 bytes: nothing is known, and the fields say so (null, not false).
    @Test func sixtyFourBytesKnowNothing() {
        let f = PassthroughFeatures(DeviceDescription(config: Self.gpu(flr: true, noSoftReset: false).space(64)))
        #expect(f.capabilitiesUnreadable)
        #expect(f.functionLevelReset == nil && f.powerManagementNoSoftReset == nil && f.acsCapability == nil)
        guard case .object(let pairs) = f.fields else { Issue.record("not an object"); return }
        #expect(pairs.first { $0.0 == "flr" }?.1 == .null)
        #expect(pairs.first { $0.0 == "readable" }?.1 == .bool(false))
    }

    @Test func advancedFeaturesFLROnConventionalPCI() {
        var b = ConfigBuilder()
        b.cap(0x40, id: 0x13, next: 0, flags: 0x0306)
        let f = PassthroughFeatures(DeviceDescription(config: b.space(256)))
        #expect(f.advancedFeaturesFLR == true && f.functionLevelReset == nil && f.expressType == nil)
    }
}
