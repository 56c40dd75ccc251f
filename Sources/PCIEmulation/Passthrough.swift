/// A virtual base address register: what the guest programmed, never the host's.
struct VirtualBAR: Equatable {
    enum Kind: Equatable { case unimplemented, io, memory, memory64Low, memory64High, rom }
    var kind: Kind
    /// Bits the guest may write.
    var mask: UInt32
    /// Low flag bits kept from the host (I/O: 2 bits, memory: 4 bits).
    var flags: UInt32
}

extension GuestBus {
    /// Capability ids a guest is shown (reference rule 10); the others are skipped in the chain.
    static let exposedCapabilities: Set<UInt8> = [0x01, 0x03, 0x05, 0x09, 0x10, 0x11]
    /// COMMAND bits emulated from a shadow: I/O, memory, parity, SERR, fast back-to-back, INTx disable.
    static let emulatedCommand: UInt16 = 0x0743

    func resetPassthrough(_ k: Int, _ d: PassthroughDevice, slot: UInt8) {
        let base = k << 8
        var host = [UInt8](repeating: 0, count: 256)
        for i in 0..<min(256, d.config.count) { host[i] = d.config[i] }
        captured[k] = Array(d.config)
        var em = [UInt8](repeating: 0, count: 256)
        for i in 0..<256 { view[base + i] = host[i] }
        func host32(_ o: Int) -> UInt32 {
            UInt32(host[o]) | UInt32(host[o + 1]) << 8 | UInt32(host[o + 2]) << 16 | UInt32(host[o + 3]) << 24
        }
        func set32(_ o: Int, _ v: UInt32) {
            for b in 0..<4 { view[base + o + b] = UInt8(truncatingIfNeeded: v >> (8 * UInt32(b))) }
        }
        // Rule 1, for a virtual function: the ids the host kernel knows, not its ffff bytes.
        if let ids = d.hostIds {
            set32(0, UInt32(ids.vendor) | UInt32(ids.device) << 16)
            for b in 0..<4 { em[b] = 0xff }
        }
        // Rule 3: COMMAND's emulated bits start at 0; the others (bus master) are the host's.
        view[base + 4] = host[4] & ~UInt8(GuestBus.emulatedCommand & 0xff)
        view[base + 5] = host[5] & ~UInt8(GuestBus.emulatedCommand >> 8)
        em[4] = UInt8(GuestBus.emulatedCommand & 0xff); em[5] = UInt8(GuestBus.emulatedCommand >> 8)
        // Rule 5: cache line size starts at 0. The latency timer keeps the host's value: the
        // prototype's guest listing (origin-xen-devel-2005.txt) shows the host's Latency=66.
        view[base + 0x0c] = 0
        em[0x0c] = 0xff; em[0x0d] = 0xff
        // Rule 2: header type bit 7 says whether the virtual slot has other functions.
        let multi = functions.filter { $0.slot == slot }.count > 1
        view[base + 0x0e] = host[0x0e] & 0x7f | (multi ? 0x80 : 0)
        em[0x0e] = 0x80
        // Rule 6/7: BARs and ROM are virtual; until written they read the host's address.
        let headerType = host[0x0e] & 0x7f
        let barCount = headerType == 0 ? 6 : (headerType == 1 ? 2 : 0)
        var list: [VirtualBAR] = []
        var i = 0
        while i < barCount {
            let o = 0x10 + 4 * i
            let v = host32(o)
            let size = i < d.barSizes.count ? d.barSizes[i] : 0
            for b in 0..<4 { em[o + b] = 0xff }
            if size == 0 {
                list.append(VirtualBAR(kind: .unimplemented, mask: 0, flags: 0))
                set32(o, 0)
            } else if v & 1 == 1 {
                list.append(VirtualBAR(kind: .io, mask: ~UInt32(truncatingIfNeeded: size - 1) & ~3, flags: v & 3))
            } else if (v >> 1) & 3 == 2 && i + 1 < barCount {
                list.append(VirtualBAR(kind: .memory64Low, mask: ~UInt32(truncatingIfNeeded: size - 1) & ~0xf, flags: v & 0xf))
                let upper: UInt32 = size >= 1 << 32 ? ~UInt32(truncatingIfNeeded: (size >> 32) - 1) : 0xffff_ffff
                list.append(VirtualBAR(kind: .memory64High, mask: upper, flags: 0))
                for b in 0..<4 { em[o + 4 + b] = 0xff }
                i += 2
                continue
            } else {
                list.append(VirtualBAR(kind: .memory, mask: ~UInt32(truncatingIfNeeded: size - 1) & ~0xf, flags: v & 0xf))
            }
            i += 1
        }
        let romOffset = headerType == 1 ? 0x38 : 0x30
        if headerType <= 1 {
            let romMask: UInt32 = d.romSize == 0 ? 0 : (~UInt32(truncatingIfNeeded: d.romSize - 1) & 0xffff_f800) | 1
            list.append(VirtualBAR(kind: .rom, mask: romMask, flags: 0))
            set32(romOffset, host32(romOffset) & romMask)
            for b in 0..<4 { em[romOffset + b] = 0xff }
        }
        bars[k] = list
        // Rule 8: the interrupt line shows the IRQ really delivered.
        view[base + 0x3c] = d.hostIRQ
        em[0x3c] = 0xff
        // Rule 10 and 4: the capability chain rebuilt from the exposed capabilities.
        var exposed: [Int] = []
        if host[6] & 0x10 != 0 {
            var ptr = Int(host[0x34] & 0xfc)
            var seen = Set<Int>()
            while ptr >= 0x40 && ptr < 0xff && seen.insert(ptr).inserted {
                if GuestBus.exposedCapabilities.contains(host[ptr]) { exposed.append(ptr) }
                ptr = Int(host[ptr + 1] & 0xfc)
            }
        }
        view[base + 0x34] = UInt8(exposed.first ?? 0)
        em[0x34] = 0xff
        for (j, cap) in exposed.enumerated() {
            view[base + cap + 1] = UInt8(j + 1 < exposed.count ? exposed[j + 1] : 0)
            em[cap + 1] = 0xff
        }
        view[base + 6] = host[6] & ~0x10 | (exposed.isEmpty ? 0 : 0x10)
        em[6] = 0x10
        emulated[k] = em
    }

    /// Registers a guest may not change but that are not unknown either: writes are ignored
    /// without a report (ids, class, header type, subsystem, pointers, pin, min/max).
    static func isReadOnlyHeader(_ o: Int) -> Bool {
        switch o {
        case 0x00...0x03, 0x08...0x0b, 0x0e, 0x2c...0x2f, 0x34, 0x3d, 0x3e, 0x3f: return true
        default: return false
        }
    }

    func passthroughWrite(_ k: Int, _ d: PassthroughDevice, offset: Int, value: UInt32, width: Int) {
        let base = k << 8
        let dword = offset & ~3
        // BARs and the ROM: a write touches one dword; merge it with the current value.
        if let barIndex = barIndex(k, dword: dword) {
            var current: UInt32 = 0
            for b in 0..<4 { current |= UInt32(view[base + dword + b]) << (8 * UInt32(b)) }
            let shift = UInt32(offset - dword) * 8
            let mask: UInt32 = width == 4 ? 0xffff_ffff : ((1 << (UInt32(width) * 8)) - 1) << shift
            let raw = (current & ~mask) | ((value << shift) & mask)
            let bar = bars[k][barIndex]
            let stored: UInt32
            switch bar.kind {
            case .unimplemented: stored = 0
            case .memory64High: stored = raw & bar.mask
            case .rom: stored = raw & bar.mask
            default: stored = (raw & bar.mask) | bar.flags
            }
            for b in 0..<4 { view[base + dword + b] = UInt8(truncatingIfNeeded: stored >> (8 * UInt32(b))) }
            return
        }
        var dropped = false
        for b in 0..<width {
            let o = offset + b
            let v = UInt8(truncatingIfNeeded: value >> (8 * UInt32(b)))
            switch o {
            case 0x04, 0x05:
                let m = o == 4 ? UInt8(GuestBus.emulatedCommand & 0xff) : UInt8(GuestBus.emulatedCommand >> 8)
                // The other bits (bus master) belong to the host; a dry run does not touch it.
                view[base + o] = (view[base + o] & ~m) | (v & m)
            case 0x06: break
            case 0x07: view[base + o] &= ~(v & 0xf9)
            case 0x0c, 0x0d, 0x3c: view[base + o] = v
            default:
                if GuestBus.isReadOnlyHeader(o) || (emulated[k][o] == 0xff && o > 0x40) { continue }
                if d.permissive {
                    // The device would take it; the captured bytes stay as they were.
                    view[base + o] = v
                } else {
                    dropped = true
                }
            }
        }
        if dropped {
            let f = functions[k]
            droppedWrites.append(DroppedWrite(slot: f.slot, function: f.function, offset: offset, width: width, value: value))
        }
    }

    /// Which virtual BAR (or the ROM, last) a dword offset is, for passthrough function `k`.
    func barIndex(_ k: Int, dword: Int) -> Int? {
        let list = bars[k]
        guard let last = list.last else { return nil }
        let hasROM = last.kind == .rom
        let romOffset = captured[k].count > 0x0e && captured[k][0x0e] & 0x7f == 1 ? 0x38 : 0x30
        if hasROM && dword == romOffset { return list.count - 1 }
        let count = hasROM ? list.count - 1 : list.count
        guard dword >= 0x10, (dword - 0x10) / 4 < count else { return nil }
        return (dword - 0x10) / 4
    }
}
