import PCIEmulation
import Testing

/// The README's library example, kept compiling and true.
@Test func readmeExample() throws {
    var config = [UInt8](repeating: 0, count: 256)
    config[0...3] = [0x86, 0x80, 0x29, 0x12]
    let card = PassthroughDevice(
        hostBus: 2, hostDevice: 9, hostFunction: 0, config: config,
        barSizes: [4096, 64, 1 << 20], hostIRQ: 21, virtualSlot: 9)
    let bus = try GuestBus(devices: [card])
    bus.outl(0xcf8, 0x8000_4800)
    #expect(String(bus.inl(0xcfc), radix: 16) == "12298086")
}
