/// Names for ids, supplied by the caller (pcihide uses libpci and pci.ids; the library has none).
public struct PCINames {
    /// "Intel Corporation 82557/8/9 [Ethernet Pro 100]" for vendor and device, nil when unknown.
    public var device: (UInt16, UInt16) -> String?
    /// "Ethernet controller" for a class (base and subclass), nil when unknown.
    public var className: (UInt16) -> String?
    public init(device: @escaping (UInt16, UInt16) -> String?, className: @escaping (UInt16) -> String?) {
        self.device = device
        self.className = className
    }
    public static var none: PCINames { PCINames(device: { _, _ in nil }, className: { _ in nil }) }
}

extension GuestBus {
    func word(_ c: [UInt8], _ o: Int) -> UInt16 { UInt16(c[o]) | UInt16(c[o + 1]) << 8 }
    func dword(_ c: [UInt8], _ o: Int) -> UInt32 { UInt32(word(c, o)) | UInt32(word(c, o + 2)) << 16 }

    /// BARs 0-5 as a guest kernel sees them: (start, end, raw value) for those with a size.
    func regions(_ f: Function) -> [(UInt64, UInt64, UInt32)] {
        guard case .passthrough(let i) = f.kind, let c = configSpace(slot: f.slot, function: f.function) else { return [] }
        let sizes = devices[i].barSizes
        var out: [(UInt64, UInt64, UInt32)] = []
        var r = 0
        while r < 6 {
            let raw = dword(c, 0x10 + 4 * r)
            let size = r < sizes.count ? sizes[r] : 0
            if size == 0 { r += 1; continue }
            var start: UInt64
            if raw & 1 == 1 {
                start = UInt64(raw & ~3)
            } else {
                start = UInt64(raw & ~0xf)
                if (raw >> 1) & 3 == 2 && r < 5 {
                    start |= UInt64(dword(c, 0x14 + 4 * r)) << 32
                    out.append((start, start + size - 1, raw))
                    r += 2
                    continue
                }
            }
            out.append((start, start + size - 1, raw))
            r += 1
        }
        return out
    }

    /// The guest's `cat /proc/pci` (Linux 2.4 and early 2.6, drivers/pci/proc.c).
    public func procPCI(names: PCINames) -> String {
        var out = "PCI devices found:\n"
        for f in functions {
            guard let c = configSpace(slot: f.slot, function: f.function) else { continue }
            let vendor = word(c, 0), device = word(c, 2)
            let cls = word(c, 0x0a)
            out += "  Bus  0, device " + pad(Int(f.slot), 3) + ", function " + pad(Int(f.function), 2) + ":\n"
            let className = names.className(cls) ?? "Class " + hexPad(UInt32(cls), 4)
            let name = names.device(vendor, device) ?? "PCI device " + hexPad(UInt32(vendor), 4) + ":" + hexPad(UInt32(device), 4)
            out += "    \(className): \(name) (rev \(c[8])).\n"
            // The kernel reads the line only when the function has an interrupt pin.
            if c[0x3d] != 0 && c[0x3c] != 0 { out += "      IRQ \(c[0x3c]).\n" }
            let latency = c[0x0d], minGnt = c[0x3e], maxLat = c[0x3f]
            if latency != 0 || minGnt != 0 || maxLat != 0 {
                out += "      Master Capable.  "
                out += latency != 0 ? "Latency=\(latency).  " : "No bursts.  "
                if minGnt != 0 { out += "Min Gnt=\(minGnt)." }
                if maxLat != 0 { out += "Max Lat=\(maxLat)." }
                out += "\n"
            }
            for (start, end, raw) in regions(f) {
                if raw & 1 == 1 {
                    out += "      I/O at 0x\(String(start, radix: 16)) [0x\(String(end, radix: 16))].\n"
                } else {
                    let pref = raw & 8 != 0 ? "P" : "Non-p"
                    let type: String
                    switch (raw >> 1) & 3 {
                    case 0: type = "32 bit"
                    case 1: type = "20 bit"
                    case 2: type = "64 bit"
                    default: type = "unknown"
                    }
                    out += "      \(pref)refetchable \(type) memory at 0x\(String(start, radix: 16)) [0x\(String(end, radix: 16))].\n"
                }
            }
        }
        return out
    }

    /// The guest bus as `lspci -xxx` prints it, which `lspci -F` (and `pcihide list -F`) read back.
    public func lspciDump(names: PCINames) -> String {
        var out = ""
        for f in functions {
            guard let c = configSpace(slot: f.slot, function: f.function) else { continue }
            let cls = word(c, 0x0a)
            let className = names.className(cls) ?? "Class " + hexPad(UInt32(cls), 4)
            let name = names.device(word(c, 0), word(c, 2)) ?? "Device " + hexPad(UInt32(word(c, 0)), 4) + ":" + hexPad(UInt32(word(c, 2)), 4)
            out += "00:" + hex2(f.slot) + "." + String(f.function) + " " + className + ": " + name
            if c[8] != 0 { out += " (rev " + hex2(c[8]) + ")" }
            out += "\n"
            for row in 0..<16 {
                out += hex2(UInt8(row * 16)) + ":"
                for b in 0..<16 { out += " " + hex2(c[row * 16 + b]) }
                out += "\n"
            }
            out += "\n"
        }
        return out
    }

    func pad(_ v: Int, _ w: Int) -> String {
        let s = String(v)
        return String(repeating: " ", count: max(0, w - s.count)) + s
    }
}
