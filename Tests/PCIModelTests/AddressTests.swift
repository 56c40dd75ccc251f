import PropertyBased
import Testing

@testable import PCIModel

@Suite("Device model")
struct AddressTests {
    @Test func canonicalText() {
        let a = PCIAddress(domain: 0, bus: 2, device: 9, function: 0)
        #expect(a.description == "0000:02:09.0")
        #expect(a.shortDescription == "02:09.0")
        #expect(a.slot.description == "0000:02:09")
        #expect(PCIAddress(domain: 0xffff, bus: 0xff, device: 0x1f, function: 7).description == "ffff:ff:1f.7")
        #expect(PCIAddress(domain: 0x10000, bus: 0xe1, device: 0, function: 0).description == "10000:e1:00.0")
        #expect(DeviceSelection(PCIAddress(domain: 0x10000, bus: 0xe1, device: 0, function: 0)).description == "10000:e1:00.0")
    }

    @Test(
        "sysfs names",
        arguments: [
            ("0000:02:09.0", true), ("0000:00:1f.7", true), ("0000:00:20.0", false), ("0000:00:1f.8", false),
            ("0000:02:09", false), ("02:09.0", false), ("0000:02:09.0x", false), ("000g:02:09.0", false),
            // Intel VMD's domains, as the kernel names them (%04x): more digits, never a leading zero.
            ("10000:e1:00.0", true), ("ffffffff:00:00.0", true), ("00000:e1:00.0", false), ("100000000:00:00.0", false),
        ])
    func sysfsNames(_ name: String, _ valid: Bool) {
        #expect((PCIAddress(sysfsName: name) != nil) == valid)
    }

    @Test("address text round-trips through sysfs names")
    func roundTrip() async {
        await propertyCheck(count: 300, input: Gen.int(in: 0...(1 << 48 - 1))) { n in
            let a = PCIAddress(domain: UInt32(n >> 16), bus: UInt8(n >> 8 & 0xff), device: UInt8(n >> 3 & 0x1f), function: UInt8(n & 7))
            #expect(PCIAddress(sysfsName: a.description) == a)
            #expect(Int(a.key) == n)
        }
    }

    @Test func ordering() {
        let a = PCIAddress(bus: 1, device: 0, function: 7)
        let b = PCIAddress(bus: 1, device: 1, function: 0)
        let c = PCIAddress(domain: 1, bus: 0, device: 0, function: 0)
        #expect([c, b, a].sorted() == [a, b, c])
    }

    @Test func selectionsMatchAndCover() {
        let exact = DeviceSelection(bus: 4, device: 0x1d, function: 2)
        let slot = DeviceSelection(bus: 4, device: 0x1d, function: nil)
        let bus = DeviceSelection(bus: 4, device: nil, function: nil)
        #expect(exact.isCovered(by: slot) && exact.isCovered(by: bus) && slot.isCovered(by: bus))
        #expect(!slot.isCovered(by: exact) && !bus.isCovered(by: slot))
        #expect(slot.description == "0000:04:1d.*" && bus.description == "0000:04:*.*")
        #expect(slot.expanded.count == 8 && bus.expanded.count == 256 && exact.expanded == [exact.address!])
        #expect(bus.matches(PCIAddress(bus: 4, device: 3, function: 1)))
        #expect(!bus.matches(PCIAddress(domain: 1, bus: 4, device: 3, function: 1)))
    }

    @Test func hexHelpers() {
        #expect(hex(0x1d, 2) == "1d" && hex(5, 4) == "0005" && hex(0x12345, 2) == "12345")
        #expect(parseHex(Array("fF09".utf8)) == 0xff09)
        #expect(parseHex(Array("".utf8)) == nil && parseHex(Array("0x1".utf8)) == nil)
        #expect(PCIIds(vendor: 0x8086, device: 0x1229).description == "8086:1229")
    }
}
