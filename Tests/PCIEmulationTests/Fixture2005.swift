import PCIEmulation

/// The 2005 machine of origin-xen-devel-2005.txt: host 02:09.0, an Intel 82557 Ethernet Pro 100
/// rev 08 with memory BAR 0xc0101000 (4K), I/O 0x2040 (64), memory 0xc0200000 (1M), latency 66,
/// min gnt 8, max lat 56, a stale interrupt line 9 and host IRQ 21.
enum Fixture2005 {
    static var config: [UInt8] {
        var c = [UInt8](repeating: 0, count: 256)
        func put(_ o: Int, _ bytes: [UInt8]) { for (i, b) in bytes.enumerated() { c[o + i] = b } }
        put(0x00, [0x86, 0x80, 0x29, 0x12, 0x07, 0x00, 0x90, 0x02])
        put(0x08, [0x08, 0x00, 0x00, 0x02, 0x08, 0x42, 0x00, 0x00])
        put(0x10, [0x00, 0x10, 0x10, 0xc0, 0x41, 0x20, 0x00, 0x00, 0x00, 0x00, 0x20, 0xc0])
        put(0x2c, [0x86, 0x80, 0x0c, 0x00])
        put(0x34, [0xdc])
        put(0x3c, [0x09, 0x01, 0x08, 0x38])
        // Power management (exposed), then a vendor-private id 0x0a (hidden) at 0xe4.
        put(0xdc, [0x01, 0xe4, 0x22, 0xfe, 0x00, 0x40, 0x00, 0x00])
        put(0xe4, [0x0a, 0x00, 0x12, 0x34])
        return c
    }

    static var device: PassthroughDevice {
        PassthroughDevice(
            hostBus: 2, hostDevice: 9, hostFunction: 0, config: config,
            barSizes: [4096, 64, 1 << 20, 0, 0, 0], hostIRQ: 21, virtualSlot: 9)
    }

    static var names: PCINames {
        PCINames(
            device: { v, d in
                switch (v, d) {
                case (0x8086, 0x1237): return "Intel Corporation 440FX - 82441FX PMC [Natoma]"
                case (0x8086, 0x7000): return "Intel Corporation 82371SB PIIX3 ISA [Natoma/Triton II]"
                case (0x8086, 0x1229): return "Intel Corporation 82557/8/9 [Ethernet Pro 100]"
                default: return nil
                }
            },
            className: { c in [0x0600: "Host bridge", 0x0601: "ISA bridge", 0x0200: "Ethernet controller"][c] })
    }
}
