import Foundation
import PropertyBased
import Testing

@testable import PCIEmulation

func bus2005() throws -> GuestBus { try GuestBus(devices: [Fixture2005.device]) }

/// outl 0xcf8 with the address of bus 0, `slot`.`function`, register `reg`.
func address(_ slot: UInt32, _ function: UInt32, _ reg: UInt32) -> UInt32 {
    0x8000_0000 | slot << 11 | function << 8 | reg
}

@Suite("The 2005 guest")
struct Guest2005Tests {
    @Test("the announcement's /proc/pci, with IRQ 21")
    func procPCIGolden() throws {
        let golden = try String(contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/proc-pci-2005.txt"), encoding: .utf8)
        #expect(try bus2005().procPCI(names: Fixture2005.names) == golden)
    }

    @Test func idsThroughThePorts() throws {
        let bus = try bus2005()
        bus.outl(0xcf8, address(0, 0, 0)); #expect(bus.inl(0xcfc) == 0x1237_8086)
        bus.outl(0xcf8, address(1, 0, 0)); #expect(bus.inl(0xcfc) == 0x7000_8086)
        bus.outl(0xcf8, address(9, 0, 0)); #expect(bus.inl(0xcfc) == 0x1229_8086)
        bus.outl(0xcf8, address(2, 0, 0)); #expect(bus.inl(0xcfc) == 0xffff_ffff)
    }
}

@Suite("Bridges: QEMU reset values and write masks")
struct BridgeTests {
    @Test func resetValues() throws {
        let bus = try GuestBus(devices: [])
        let host = bus.configSpace(slot: 0, function: 0)!
        #expect(Array(host[0..<16]) == [0x86, 0x80, 0x37, 0x12, 0, 0, 0, 0, 0x02, 0, 0, 0x06, 0, 0, 0, 0])
        #expect(Array(host[0x2c..<0x30]) == [0xf4, 0x1a, 0x00, 0x11])
        #expect(host[0x72] == 0x02 && host[0x59..<0x60].allSatisfy { $0 == 0 })
        let isa = bus.configSpace(slot: 1, function: 0)!
        #expect(Array(isa[0..<16]) == [0x86, 0x80, 0x00, 0x70, 0, 0, 0, 0x02, 0, 0, 0x01, 0x06, 0, 0, 0x80, 0])
        #expect(isa[0x4c] == 0x4d && isa[0x4e] == 0x03 && isa[0x60..<0x64].allSatisfy { $0 == 0x80 })
        #expect(isa[0x69] == 0x02 && isa[0x70] == 0x80 && isa[0x76] == 0x0c && isa[0x77] == 0x0c)
        #expect(isa[0x78] == 0x02 && isa[0xa0] == 0x08 && isa[0xa8] == 0x0f)
    }

    @Test("write masks", arguments: [0 as UInt8, 1])
    func writeMasks(_ slot: UInt8) throws {
        let bus = try GuestBus(devices: [])
        try bus.write(slot: slot, function: 0, offset: 4, width: 2, value: 0xffff)
        #expect(try bus.read(slot: slot, function: 0, offset: 4, width: 2) == 0x0507)
        try bus.write(slot: slot, function: 0, offset: 0, width: 4, value: 0)
        #expect(try bus.read(slot: slot, function: 0, offset: 0, width: 2) == 0x8086)
        try bus.write(slot: slot, function: 0, offset: 0x0c, width: 1, value: 0x10)
        try bus.write(slot: slot, function: 0, offset: 0x3c, width: 1, value: 0x0b)
        try bus.write(slot: slot, function: 0, offset: 0x80, width: 4, value: 0xdead_beef)
        #expect(try bus.read(slot: slot, function: 0, offset: 0x0c, width: 1) == 0x10)
        #expect(try bus.read(slot: slot, function: 0, offset: 0x3c, width: 1) == 0x0b)
        #expect(try bus.read(slot: slot, function: 0, offset: 0x80, width: 4) == 0xdead_beef)
        try bus.write(slot: slot, function: 0, offset: 0x08, width: 4, value: 0xffff_ffff)
        #expect(try bus.read(slot: slot, function: 0, offset: 0x0b, width: 1) == 0x06)
    }

    @Test func statusIsWriteOneToClear() throws {
        let bus = try GuestBus(devices: [])
        // PIIX3 status 0x0200 (DEVSEL medium) is read-only: writing ones does not clear it.
        try bus.write(slot: 1, function: 0, offset: 6, width: 2, value: 0xffff)
        #expect(try bus.read(slot: 1, function: 0, offset: 6, width: 2) == 0x0200)
    }

    @Test func piix3ResetControlResetsTheBus() throws {
        let bus = try GuestBus(devices: [])
        try bus.write(slot: 0, function: 0, offset: 0x3c, width: 1, value: 0x0b)
        bus.outb(0xcf9, 0x02)
        #expect(try bus.read(slot: 0, function: 0, offset: 0x3c, width: 1) == 0x0b)
        bus.outb(0xcf9, 0x06)
        #expect(try bus.read(slot: 0, function: 0, offset: 0x3c, width: 1) == 0)
    }
}

@Suite("Configuration mechanism #1")
struct MechanismTests {
    @Test("rule 1: only 32-bit writes to 0xCF8 latch; Linux's outb(0x01, 0xCFB) probe does not")
    func latch() throws {
        let bus = try bus2005()
        bus.outl(0xcf8, address(9, 0, 0))
        bus.outb(0xcfb, 0x01)
        bus.outw(0xcf8, 0x1234)
        bus.outb(0xcf8, 0x55)
        #expect(bus.inl(0xcf8) == address(9, 0, 0))
        // The type-1 probe of arch/x86/pci/direct.c.
        let saved = bus.inl(0xcf8)
        bus.outl(0xcf8, 0x8000_0000)
        #expect(bus.inl(0xcf8) == 0x8000_0000)
        bus.outl(0xcf8, saved)
        #expect(bus.inl(0xcfc) == 0x1229_8086)
    }

    @Test("rule 2: the latch reads 0 after reset")
    func latchAfterReset() throws {
        #expect(try bus2005().inl(0xcf8) == 0)
    }

    @Test("rules 3 and 4: decode, low bits ignored, byte lanes little-endian")
    func decode() throws {
        let bus = try bus2005()
        bus.outl(0xcf8, address(9, 0, 0) | 3)
        #expect(bus.inl(0xcfc) == 0x1229_8086)
        #expect(bus.inb(0xcfc) == 0x86 && bus.inb(0xcfd) == 0x80 && bus.inb(0xcfe) == 0x29 && bus.inb(0xcff) == 0x12)
        #expect(bus.inw(0xcfc) == 0x8086 && bus.inw(0xcfe) == 0x1229)
        bus.outl(0xcf8, address(9, 0, 0x08) | 0x7f00_0000)
        #expect(bus.inl(0xcfc) == 0x0200_0008)
    }

    @Test("rule 4: misaligned accesses read all ones and drop writes")
    func misaligned() throws {
        let bus = try bus2005()
        bus.outl(0xcf8, address(0, 0, 0x3c))
        #expect(bus.inw(0xcfd) == 0xffff)
        bus.outw(0xcfd, 0x1234)
        #expect(bus.inl(0xcfc) == 0)
    }

    @Test("rule 5: with bit 31 clear reads are all ones and writes dropped")
    func disabled() throws {
        let bus = try bus2005()
        bus.outl(0xcf8, address(0, 0, 0x3c) & 0x7fff_ffff)
        #expect(bus.inl(0xcfc) == 0xffff_ffff && bus.inw(0xcfc) == 0xffff && bus.inb(0xcfc) == 0xff)
        bus.outb(0xcfc, 0x0b)
        #expect(try bus.read(slot: 0, function: 0, offset: 0x3c, width: 1) == 0)
    }

    @Test(
        "rule 6: absent functions and other buses read all ones",
        arguments: [
            address(3, 0, 0), address(0, 1, 0), address(9, 1, 0), address(0, 0, 0) | 1 << 16, address(31, 7, 0),
        ])
    func absent(_ a: UInt32) throws {
        let bus = try bus2005()
        bus.outl(0xcf8, a)
        #expect(bus.inl(0xcfc) == 0xffff_ffff && bus.inw(0xcfe) == 0xffff)
        bus.outl(0xcfc, 0)
        #expect(bus.inl(0xcfc) == 0xffff_ffff)
    }

    @Test("rule 7: unimplemented registers of present functions read 0")
    func unimplemented() throws {
        let bus = try bus2005()
        #expect(try bus.read(slot: 0, function: 0, offset: 0xf0, width: 4) == 0)
    }

    @Test("rule 8: header bit 7 only where the virtual slot has more functions")
    func multiFunction() throws {
        var f1 = Fixture2005.device
        f1.hostFunction = 1
        let bus = try GuestBus(devices: [Fixture2005.device, f1])
        #expect(try bus.read(slot: 9, function: 0, offset: 0x0e, width: 1) == 0x80)
        #expect(try bus.read(slot: 9, function: 1, offset: 0x00, width: 2) == 0x8086)
        #expect(try bus2005().read(slot: 9, function: 0, offset: 0x0e, width: 1) == 0x00)
        #expect(try bus2005().read(slot: 1, function: 0, offset: 0x0e, width: 1) == 0x80)
    }
}

@Suite("Passthrough rules")
struct PassthroughTests {
    @Test("rule 1: ids, revision, class, subsystem from the host, read-only")
    func identity() throws {
        let bus = try bus2005()
        for o in [0, 8, 0x2c] { try bus.write(slot: 9, function: 0, offset: o, width: 4, value: 0) }
        #expect(try bus.read(slot: 9, function: 0, offset: 0, width: 4) == 0x1229_8086)
        #expect(try bus.read(slot: 9, function: 0, offset: 8, width: 4) == 0x0200_0008)
        #expect(try bus.read(slot: 9, function: 0, offset: 0x2c, width: 4) == 0x000c_8086)
        #expect(try !bus.isEmulated(slot: 9, function: 0, offset: 0, width: 4))
        #expect(bus.droppedWrites.isEmpty)
    }

    @Test("rule 3: COMMAND's emulated bits start at 0; bus master is the host's")
    func command() throws {
        let bus = try bus2005()
        #expect(try bus.read(slot: 9, function: 0, offset: 4, width: 2) == 0x0004)
        try bus.write(slot: 9, function: 0, offset: 4, width: 2, value: 0x0743)
        #expect(try bus.read(slot: 9, function: 0, offset: 4, width: 2) == 0x0747)
        try bus.write(slot: 9, function: 0, offset: 4, width: 2, value: 0)
        #expect(try bus.read(slot: 9, function: 0, offset: 4, width: 2) == 0x0004)
    }

    @Test("rule 4: STATUS is the host's; the capability bit follows the exposed chain; 0xf900 clear on write")
    func status() throws {
        var d = Fixture2005.device
        d.config[7] = 0xf2
        let bus = try GuestBus(devices: [d])
        #expect(try bus.read(slot: 9, function: 0, offset: 6, width: 2) == 0xf290)
        try bus.write(slot: 9, function: 0, offset: 6, width: 2, value: 0x8000)
        #expect(try bus.read(slot: 9, function: 0, offset: 6, width: 2) == 0x7290)
        var none = Fixture2005.device
        none.config[0xdc] = 0x0a  // no exposed capability left
        #expect(try GuestBus(devices: [none]).read(slot: 9, function: 0, offset: 6, width: 2) == 0x0280)
    }

    @Test("rule 5: cache line size is a shadow from 0, the latency timer a shadow")
    func shadows() throws {
        let bus = try bus2005()
        #expect(try bus.read(slot: 9, function: 0, offset: 0x0c, width: 1) == 0)
        #expect(try bus.read(slot: 9, function: 0, offset: 0x0d, width: 1) == 66)
        try bus.write(slot: 9, function: 0, offset: 0x0c, width: 2, value: 0x4010)
        #expect(try bus.read(slot: 9, function: 0, offset: 0x0c, width: 2) == 0x4010)
        #expect(bus.capturedBytes(slot: 9, function: 0)![0x0c] == 0x08)
    }

    @Test("rule 6: BARs are virtual, read the host's address until written, and size")
    func bars() throws {
        let bus = try bus2005()
        #expect(try bus.read(slot: 9, function: 0, offset: 0x10, width: 4) == 0xc010_1000)
        #expect(try bus.read(slot: 9, function: 0, offset: 0x14, width: 4) == 0x0000_2041)
        try bus.write(slot: 9, function: 0, offset: 0x10, width: 4, value: 0xffff_ffff)
        #expect(try bus.read(slot: 9, function: 0, offset: 0x10, width: 4) == 0xffff_f000)
        try bus.write(slot: 9, function: 0, offset: 0x14, width: 4, value: 0xffff_ffff)
        #expect(try bus.read(slot: 9, function: 0, offset: 0x14, width: 4) == 0xffff_ffc1)
        try bus.write(slot: 9, function: 0, offset: 0x18, width: 4, value: 0xffff_ffff)
        #expect(try bus.read(slot: 9, function: 0, offset: 0x18, width: 4) == 0xfff0_0000)
        try bus.write(slot: 9, function: 0, offset: 0x10, width: 4, value: 0xf000_0000)
        #expect(try bus.read(slot: 9, function: 0, offset: 0x10, width: 4) == 0xf000_0000)
        // A BAR the host does not implement reads 0, before and after sizing.
        try bus.write(slot: 9, function: 0, offset: 0x1c, width: 4, value: 0xffff_ffff)
        #expect(try bus.read(slot: 9, function: 0, offset: 0x1c, width: 4) == 0)
        #expect(bus.capturedBytes(slot: 9, function: 0) == Fixture2005.config)
    }

    @Test("rule 6: 64-bit and prefetchable BARs size both halves")
    func bars64() throws {
        var c = Fixture2005.config
        c[0x10] = 0x0c; c[0x11] = 0; c[0x12] = 0; c[0x13] = 0xe0  // 64-bit prefetchable at 0x1_e0000000
        c[0x14] = 0x01; c[0x15] = 0; c[0x16] = 0; c[0x17] = 0
        let big = PassthroughDevice(hostBus: 3, hostDevice: 0, hostFunction: 0, config: c, barSizes: [8 << 30, 0, 0, 0, 0, 0], hostIRQ: 11)
        let bus = try GuestBus(devices: [big])
        #expect(try bus.read(slot: 2, function: 0, offset: 0x10, width: 4) == 0xe000_000c)
        #expect(try bus.read(slot: 2, function: 0, offset: 0x14, width: 4) == 1)
        try bus.write(slot: 2, function: 0, offset: 0x10, width: 4, value: 0xffff_ffff)
        try bus.write(slot: 2, function: 0, offset: 0x14, width: 4, value: 0xffff_ffff)
        #expect(try bus.read(slot: 2, function: 0, offset: 0x10, width: 4) == 0x0000_000c)
        #expect(try bus.read(slot: 2, function: 0, offset: 0x14, width: 4) == 0xffff_fffe)
        let small = PassthroughDevice(hostBus: 3, hostDevice: 0, hostFunction: 0, config: c, barSizes: [1 << 20, 0, 0, 0, 0, 0])
        let bus2 = try GuestBus(devices: [small])
        try bus2.write(slot: 2, function: 0, offset: 0x14, width: 4, value: 0xffff_ffff)
        #expect(try bus2.read(slot: 2, function: 0, offset: 0x14, width: 4) == 0xffff_ffff)
    }

    @Test("rule 7: the expansion ROM sizes with its enable bit; no ROM reads 0")
    func rom() throws {
        var d = Fixture2005.device
        d.romSize = 64 << 10
        d.config[0x30] = 0x00; d.config[0x31] = 0x00; d.config[0x32] = 0x1e; d.config[0x33] = 0xc0
        let bus = try GuestBus(devices: [d])
        #expect(try bus.read(slot: 9, function: 0, offset: 0x30, width: 4) == 0xc01e_0000 & 0xffff_0001)
        try bus.write(slot: 9, function: 0, offset: 0x30, width: 4, value: 0xffff_ffff)
        #expect(try bus.read(slot: 9, function: 0, offset: 0x30, width: 4) == 0xffff_0001)
        let none = try bus2005()
        try none.write(slot: 9, function: 0, offset: 0x30, width: 4, value: 0xffff_ffff)
        #expect(try none.read(slot: 9, function: 0, offset: 0x30, width: 4) == 0)
    }

    @Test("rules 8 and 9: the interrupt line shows the IRQ delivered (21, not the stale 9); the pin is the host's")
    func interrupts() throws {
        let bus = try bus2005()
        #expect(try bus.read(slot: 9, function: 0, offset: 0x3c, width: 1) == 21)
        #expect(try bus.isEmulated(slot: 9, function: 0, offset: 0x3c, width: 1))
        try bus.write(slot: 9, function: 0, offset: 0x3c, width: 2, value: 0x050a)
        #expect(try bus.read(slot: 9, function: 0, offset: 0x3c, width: 2) == 0x010a)
    }

    @Test("rule 10: the capability chain is rebuilt from exposed capabilities")
    func capabilities() throws {
        var d = Fixture2005.device
        // Chain: 0x40 vendor-private 0x0a (hidden) -> 0x50 MSI -> 0x60 id 0x0d (hidden) -> 0x70 PCIe.
        d.config[0x34] = 0x40
        for (o, id, next) in [(0x40, 0x0a, 0x50), (0x50, 0x05, 0x60), (0x60, 0x0d, 0x70), (0x70, 0x10, 0x00)] as [(Int, UInt8, UInt8)] {
            d.config[o] = id; d.config[o + 1] = next
        }
        let bus = try GuestBus(devices: [d])
        #expect(try bus.read(slot: 9, function: 0, offset: 0x34, width: 1) == 0x50)
        #expect(try bus.read(slot: 9, function: 0, offset: 0x51, width: 1) == 0x70)
        #expect(try bus.read(slot: 9, function: 0, offset: 0x71, width: 1) == 0x00)
        // Hidden capabilities still read through.
        #expect(try bus.read(slot: 9, function: 0, offset: 0x40, width: 2) == 0x500a)
        try bus.write(slot: 9, function: 0, offset: 0x34, width: 1, value: 0x40)
        #expect(try bus.read(slot: 9, function: 0, offset: 0x34, width: 1) == 0x50)
    }

    @Test("rule 11: unknown registers read through; writes dropped and reported unless permissive")
    func unknownRegisters() throws {
        let bus = try bus2005()
        #expect(try bus.read(slot: 9, function: 0, offset: 0xe4, width: 4) == 0x3412_000a)
        try bus.write(slot: 9, function: 0, offset: 0xe4, width: 4, value: 0)
        try bus.write(slot: 9, function: 0, offset: 0xe8, width: 1, value: 7)
        #expect(try bus.read(slot: 9, function: 0, offset: 0xe4, width: 4) == 0x3412_000a)
        #expect(bus.droppedWrites.count == 2)
        #expect(bus.droppedWrites[0] == DroppedWrite(slot: 9, function: 0, offset: 0xe4, width: 4, value: 0))
        var p = Fixture2005.device
        p.permissive = true
        let permissive = try GuestBus(devices: [p])
        try permissive.write(slot: 9, function: 0, offset: 0xe4, width: 4, value: 0x1122_3344)
        #expect(try permissive.read(slot: 9, function: 0, offset: 0xe4, width: 4) == 0x1122_3344)
        #expect(permissive.droppedWrites.isEmpty)
        #expect(permissive.capturedBytes(slot: 9, function: 0) == Fixture2005.config)
    }

    @Test(
        "rule 12: accesses must be 1, 2 or 4 wide, aligned and inside the config space",
        arguments: [
            (0x3c, 3), (0x3d, 2), (0x3e, 4), (0xfe, 4), (0x100, 1), (-1, 1), (Int.max, 1), (Int.max - 1, 2), (Int.min, 4),
        ])
    func badAccesses(_ offset: Int, _ width: Int) throws {
        let bus = try bus2005()
        #expect(throws: EmulationError.self) { try bus.read(slot: 9, function: 0, offset: offset, width: width) }
        #expect(throws: EmulationError.self) { try bus.write(slot: 9, function: 0, offset: offset, width: width, value: 0) }
    }

    @Test("rule 13: virtual slots")
    func slots() throws {
        func dev(_ bus: UInt8, _ d: UInt8, _ f: UInt8, _ v: UInt8? = nil) -> PassthroughDevice {
            PassthroughDevice(hostBus: bus, hostDevice: d, hostFunction: f, config: Fixture2005.config, virtualSlot: v)
        }
        let g = try GuestBus(devices: [dev(2, 9, 0), dev(3, 0, 0), dev(3, 0, 1), dev(4, 0, 0, 2 + 3)])
        let placed = g.functions.map { "\($0.slot).\($0.function)" }
        // Host 02:09.0 keeps device 9; 03:00.x cannot have slot 0 and takes the first free one.
        #expect(placed == ["0.0", "1.0", "2.0", "2.1", "5.0", "9.0"])
        let kept = try GuestBus(devices: [dev(3, 4, 0), dev(5, 4, 0), dev(6, 1, 0)])
        #expect(kept.functions.map { "\($0.slot).\($0.function)" } == ["0.0", "1.0", "2.0", "3.0", "4.0"], "04 kept once, then the first free slots")
        #expect(throws: EmulationError.self) { try GuestBus(devices: [dev(2, 9, 0, 1)]) }
        #expect(throws: EmulationError.self) { try GuestBus(devices: [dev(2, 9, 0, 0x20)]) }
        #expect(throws: EmulationError.self) { try GuestBus(devices: [dev(2, 9, 0, 5), dev(3, 0, 0, 5)]) }
        #expect(throws: EmulationError.self) { try GuestBus(devices: (0..<31).map { dev(UInt8($0), 0, 0) }) }
    }

    /// A guest looks behind function 0 only (mechanism rule 8): functions of a host slot whose
    /// function 0 stays on the host are placed so that the lowest becomes function 0.
    @Test(
        "rule 13: without its host function 0, a slot's lowest function becomes function 0",
        arguments: [
            ([UInt8(1)], ["2.0"]), ([3, 5], ["2.0", "2.5"]), ([0, 1], ["2.0", "2.1"]), ([0, 4], ["2.0", "2.4"]),
        ])
    func functionZero(_ hostFunctions: [UInt8], _ expected: [String]) throws {
        let g = try GuestBus(
            devices: hostFunctions.map {
                PassthroughDevice(hostBus: 3, hostDevice: 0, hostFunction: $0, config: Fixture2005.config)
            })
        #expect(g.functions.dropFirst(2).map { "\($0.slot).\($0.function)" } == expected)
        // The guest's scan finds it: vendor through the ports at 00:02.0.
        g.outl(0xcf8, address(2, 0, 0))
        #expect(g.inl(0xcfc) == 0x1229_8086)
    }

    @Test("rule 1: an SR-IOV virtual function shows the ids the host kernel knows, not its ffff")
    func virtualFunctionIds() throws {
        var config = Fixture2005.config
        for k in 0..<4 { config[k] = 0xff }
        let vf = PassthroughDevice(hostBus: 3, hostDevice: 0x10, hostFunction: 1, config: config, hostIds: .init(vendor: 0x15b3, device: 0x1018))
        let g = try GuestBus(devices: [vf])
        #expect(try g.read(slot: 0x10, function: 0, offset: 0, width: 4) == 0x1018_15b3)
        #expect(try g.isEmulated(slot: 0x10, function: 0, offset: 0, width: 2))
        try g.write(slot: 0x10, function: 0, offset: 0, width: 4, value: 0)
        #expect(try g.read(slot: 0x10, function: 0, offset: 2, width: 2) == 0x1018, "read-only")
        #expect(g.droppedWrites.isEmpty)
        #expect(g.devices[0].config == config, "the captured bytes are not modified")
        let plain = try GuestBus(devices: [PassthroughDevice(hostBus: 3, hostDevice: 0x10, hostFunction: 1, config: config)])
        #expect(try plain.read(slot: 2, function: 0, offset: 0, width: 4) == 0xffff_ffff)
    }
}

@Suite("Port I/O properties")
struct PortPropertyTests {
    @Test("random port accesses never crash and never change the captured host bytes")
    func randomAccesses() async throws {
        let ops = Gen.int(in: 0...Int(UInt32.max)).array(of: 1...200)
        await propertyCheck(count: 300, input: ops) { words in
            guard
                let bus = try? GuestBus(devices: [
                    Fixture2005.device,
                    {
                        var d = Fixture2005.device; d.hostFunction = 1; d.permissive = true; return d
                    }(),
                ])
            else {
                Issue.record("bus"); return
            }
            for w in words {
                let port = UInt16(0xcf8 + (w & 7))
                let value = UInt32(truncatingIfNeeded: w &* 2_654_435_761)
                switch (w >> 3) % 7 {
                case 0: bus.outl(0xcf8, 0x8000_0000 | (value & 0x00ff_fffc) | (w & 1 == 0 ? 0x4800 : 0))
                case 1: bus.outl(port, value)
                case 2: bus.outw(port, UInt16(truncatingIfNeeded: value))
                case 3: bus.outb(port, UInt8(truncatingIfNeeded: value))
                case 4: _ = bus.inl(port)
                case 5: _ = bus.inw(port)
                default: _ = bus.inb(port)
                }
            }
            #expect(bus.capturedBytes(slot: 9, function: 0) == Fixture2005.config)
            #expect(bus.capturedBytes(slot: 9, function: 1) == Fixture2005.config)
            #expect(bus.configSpace(slot: 9, function: 0)![0..<4] == [0x86, 0x80, 0x29, 0x12])
        }
    }
}
