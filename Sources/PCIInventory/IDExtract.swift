#if canImport(Glibc)
import Glibc
#endif

/// The lines of a pci.ids file that name a given set of devices: the lines of the vendors asked
/// for, the device lines (with their subsystem lines) of the devices asked for, and every class.
///
/// lspci spends most of its run loading the whole 36,000-line file into libpci's hash table.
/// libpci loads such an extract in a fraction of that time and answers exactly the same for
/// every id in the set, because the extract holds those ids' lines byte for byte. `Inventory`
/// hands it to libpci, and goes back to the whole file for any lookup outside the set.
///
/// The file is checked line by line as libpci's parser checks it (hex ids, the separator, a
/// name, nesting), so a file libpci would refuse is never made loadable by leaving its bad
/// line out: `extract` is nil then, and libpci loads the whole file and reports what it
/// reports. Also nil for a generic subsystem block (`S vvvv`, whose check needs every vendor).
public struct IDExtract: Equatable, Sendable {
    public var vendors: Set<UInt16>
    /// `vendor << 16 | device`.
    public var devices: Set<UInt32>

    public init(vendors: Set<UInt16> = [], devices: Set<UInt32> = []) {
        self.vendors = vendors
        self.devices = devices
    }

    public static func key(vendor: UInt16, device: UInt16) -> UInt32 { UInt32(vendor) << 16 | UInt32(device) }

    public func contains(vendor: UInt16, device: UInt16?) -> Bool {
        vendors.contains(vendor) && (device.map { devices.contains(Self.key(vendor: vendor, device: $0)) } ?? true)
    }

    private enum Block {
        case none
        /// `sawDevice`: a device line came since the vendor line (subsystem lines need one).
        case vendor(id: UInt16, keep: Bool, sawDevice: Bool, keepDevice: Bool)
        case deviceClass
        /// A reserved top-level block (`X ...`): libpci skips it and everything nested in it.
        case reserved
    }

    public func extract(_ text: UnsafeRawBufferPointer) -> [UInt8]? {
        guard let base = text.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return [] }
        let count = text.count
        var out: [UInt8] = []
        out.reserveCapacity(32 * 1024)
        var block = Block.none
        var start = 0
        while start < count {
            let newline = memchr(base + start, 0x0a, count - start).map { UnsafeRawPointer($0).assumingMemoryBound(to: UInt8.self) - base }
            let next = newline.map { $0 + 1 } ?? count
            defer { start = next }
            // libpci ends a line at the first CR or LF.
            var end = start
            while end < next && base[end] != 0x0a && base[end] != 0x0d { end += 1 }
            // libpci reads lines into a buffer of 1024 bytes and refuses longer ones.
            guard next - start < 1000 else { return nil }
            let line = UnsafeBufferPointer(start: base + start, count: end - start)
            var tabs = 0
            while tabs < line.count && line[tabs] == 0x09 { tabs += 1 }
            var first = tabs
            while first < line.count && (line[first] == 0x20 || line[first] == 0x09) { first += 1 }
            if first == line.count || line[first] == UInt8(ascii: "#") { continue }  // blank or comment
            if case .reserved = block, tabs > 0 { continue }
            let entry = UnsafeBufferPointer(rebasing: line[tabs...])
            func emit() { out.append(contentsOf: UnsafeBufferPointer(start: base + start, count: next - start)) }
            // Subclasses and programming interfaces: every one is kept.
            if case .deviceClass = block, tabs > 0 {
                guard tabs <= 2, Self.named(entry, from: 0, digits: 2) else { return nil }
                emit()
                continue
            }
            switch tabs {
            case 0:
                if entry.count >= 2 && entry[1] == 0x20 && entry[0] >= UInt8(ascii: "A") && entry[0] <= UInt8(ascii: "Z") {
                    switch entry[0] {
                    case UInt8(ascii: "C"):
                        guard Self.named(entry, from: 2, digits: 2) else { return nil }
                        block = .deviceClass
                        emit()
                    case UInt8(ascii: "S"):
                        return nil
                    default:
                        block = .reserved
                    }
                    continue
                }
                guard Self.named(entry, from: 0, digits: 4), let id = Self.hex(entry, from: 0, digits: 4) else { return nil }
                let keep = vendors.contains(UInt16(id))
                block = .vendor(id: UInt16(id), keep: keep, sawDevice: false, keepDevice: false)
                if keep { emit() }
            case 1:
                switch block {
                case .vendor(let vendor, let keep, _, _):
                    guard Self.named(entry, from: 0, digits: 4), let id = Self.hex(entry, from: 0, digits: 4) else { return nil }
                    let keepDevice = keep && devices.contains(Self.key(vendor: vendor, device: UInt16(id)))
                    block = .vendor(id: vendor, keep: keep, sawDevice: true, keepDevice: keepDevice)
                    if keepDevice { emit() }
                default:
                    return nil
                }
            case 2:
                switch block {
                case .vendor(_, _, true, let keepDevice):
                    guard Self.hex(entry, from: 0, digits: 4) != nil, entry.count > 4, entry[4] == 0x20 || entry[4] == 0x09,
                          Self.named(entry, from: 5, digits: 4) else { return nil }
                    if keepDevice { emit() }
                default:
                    return nil
                }
            default:
                return nil
            }
        }
        return out
    }

    /// `digits` hex digits at `from`, then a space or tab, then a name that is not all blank.
    private static func named(_ e: UnsafeBufferPointer<UInt8>, from: Int, digits: Int) -> Bool {
        guard hex(e, from: from, digits: digits) != nil else { return false }
        var k = from + digits
        guard k < e.count, e[k] == 0x20 || e[k] == 0x09 else { return false }
        while k < e.count && (e[k] == 0x20 || e[k] == 0x09) { k += 1 }
        return k < e.count
    }

    private static func hex(_ e: UnsafeBufferPointer<UInt8>, from: Int, digits: Int) -> UInt32? {
        guard from + digits <= e.count else { return nil }
        var v: UInt32 = 0
        for k in from..<(from + digits) {
            let c = e[k]
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): v = v << 4 | UInt32(c - 0x30)
            case UInt8(ascii: "a")...UInt8(ascii: "f"): v = v << 4 | UInt32(c - 0x57)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): v = v << 4 | UInt32(c - 0x37)
            default: return nil
            }
        }
        return v
    }
}
