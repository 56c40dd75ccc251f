/// The PCI bus a guest sees: an emulated Intel 440FX host bridge at 00:00.0, a PIIX3 ISA bridge
/// at 00:01.0 and passthrough ("shine-through") devices on virtual slots, all on bus 0, answering
/// configuration mechanism #1 on ports 0xCF8-0xCFF.
///
/// Storage is flat: every function keeps the 256 bytes the guest reads (its *view*), recomputed
/// on writes, so a read is an index and a load. Writes apply the per-register rules.
///
/// ```swift
/// let nic = PassthroughDevice(hostBus: 2, hostDevice: 9, hostFunction: 0, config: hostBytes,
///                             barSizes: [4096, 64, 1 << 20], hostIRQ: 21, virtualSlot: 9)
/// let bus = try GuestBus(devices: [nic])
/// bus.outl(0xcf8, 0x8000_4800)      // bus 0, device 9, function 0, register 0
/// let ids = bus.inl(0xcfc)          // 0x12298086
/// ```
public final class GuestBus {
    /// What occupies a guest function.
    public enum Kind: Equatable, Sendable {
        case hostBridge, isaBridge
        /// Index into `devices`.
        case passthrough(Int)
    }

    public struct Function: Sendable {
        public var slot: UInt8
        public var function: UInt8
        public var kind: Kind
    }

    /// The passthrough devices, in the order given.
    public let devices: [PassthroughDevice]
    /// Every function present, by slot then function.
    public internal(set) var functions: [Function] = []
    /// Writes the emulation dropped, oldest first (the first one is what a backend reports).
    public internal(set) var droppedWrites: [DroppedWrite] = []
    /// CONFIG_ADDRESS as last latched by a 32-bit write to 0xCF8.
    @exclusivity(unchecked) @usableFromInline var latch: UInt32 = 0
    /// CONFIG_ADDRESS as last latched by a 32-bit write to 0xCF8.
    public var configAddress: UInt32 { latch }

    // Flat storage, 256 bytes per function index, behind plain pointers: the port path is a few
    // loads, with no array bounds, uniqueness or exclusivity checks (guarded by construction:
    // offsets are masked to 0-255 and function indexes come from `index`).
    /// What the guest reads.
    @usableFromInline let view: UnsafeMutablePointer<UInt8>
    var writeMask: [UInt8] = []
    var clearMask: [UInt8] = []
    /// devfn (slot << 3 | function) to function index, -1 when absent.
    @usableFromInline let index: UnsafeMutablePointer<Int16>
    /// Per passthrough function: BAR and ROM state.
    var bars: [[VirtualBAR]] = []
    var captured: [[UInt8]] = []
    var emulated: [[UInt8]] = []

    public init(devices: [PassthroughDevice]) throws(EmulationError) {
        self.devices = devices
        index = .allocate(capacity: 256)
        index.initialize(repeating: -1, count: 256)
        // At most 32 slots of 8 functions.
        view = .allocate(capacity: 256 * 256)
        view.initialize(repeating: 0, count: 256 * 256)
        try place()
        reset()
    }

    deinit {
        index.deallocate()
        view.deallocate()
    }

    // MARK: Placement (reference rule 13)

    func place() throws(EmulationError) {
        functions = [Function(slot: 0, function: 0, kind: .hostBridge), Function(slot: 1, function: 0, kind: .isaBridge)]
        var slotOfHostSlot: [UInt16: UInt8] = [:]
        var used: Set<UInt8> = [0, 1]
        // Asked-for slots first, so that a later device cannot take one.
        for (i, d) in devices.enumerated() {
            guard d.hostDevice <= 0x1f, d.hostFunction <= 7 else {
                throw EmulationError("host device \(d.hostName) is not a valid address")
            }
            let key = UInt16(d.hostBus) << 8 | UInt16(d.hostDevice)
            if let v = d.virtualSlot {
                guard v <= 0x1f else { throw EmulationError("virtual slot \(hex2(v)) is out of range 00-1f") }
                guard v > 1 else {
                    throw EmulationError("virtual slot \(hex2(v)) is taken by the emulated \(v == 0 ? "host bridge" : "ISA bridge") (slots 02-1f are free)")
                }
                if let existing = slotOfHostSlot[key], existing != v {
                    throw EmulationError("functions of host slot \(hex2(d.hostBus)):\(hex2(d.hostDevice)) must share one virtual slot, but \(d.hostName) asks for \(hex2(v)) and another for \(hex2(existing))")
                }
                if slotOfHostSlot[key] == nil {
                    guard !used.contains(v) else { throw EmulationError("virtual slot \(hex2(v)) is asked for twice (by \(d.hostName))") }
                    used.insert(v)
                    slotOfHostSlot[key] = v
                }
                _ = i
            }
        }
        // Then each device keeps its host device number when that guest slot is free, as the
        // 2005 prototype showed host 02:09.0 at guest 00:09.0 (slots 00 and 01 hold the
        // emulated bridges); the rest take the first free slot.
        for d in devices where d.virtualSlot == nil {
            let key = UInt16(d.hostBus) << 8 | UInt16(d.hostDevice)
            if slotOfHostSlot[key] != nil || d.hostDevice < 2 || used.contains(d.hostDevice) { continue }
            used.insert(d.hostDevice)
            slotOfHostSlot[key] = d.hostDevice
        }
        var next: UInt8 = 2
        for d in devices where d.virtualSlot == nil {
            let key = UInt16(d.hostBus) << 8 | UInt16(d.hostDevice)
            if slotOfHostSlot[key] != nil { continue }
            while used.contains(next) && next <= 0x1f { next += 1 }
            guard next <= 0x1f else { throw EmulationError("no free virtual slot left for \(d.hostName): a guest bus has 30 slots for devices") }
            used.insert(next)
            slotOfHostSlot[key] = next
        }
        // Functions keep their numbers when their host slot's function 0 comes with them.
        // Otherwise the lowest of them becomes function 0: a guest looks at functions 1-7 only
        // behind a function 0 (rule 8), so a lone function 1 (say one SR-IOV virtual function)
        // would be invisible; libxl places a single function at function 0 for the same reason.
        var lowest: [UInt16: UInt8] = [:]
        for d in devices {
            let key = UInt16(d.hostBus) << 8 | UInt16(d.hostDevice)
            lowest[key] = min(lowest[key] ?? 7, d.hostFunction)
        }
        for (i, d) in devices.enumerated() {
            let key = UInt16(d.hostBus) << 8 | UInt16(d.hostDevice)
            let slot = slotOfHostSlot[key]!
            let function = d.hostFunction == lowest[key] ? 0 : d.hostFunction
            if functions.contains(where: { $0.slot == slot && $0.function == function }) {
                throw EmulationError("\(d.hostName) is given twice")
            }
            functions.append(Function(slot: slot, function: function, kind: .passthrough(i)))
        }
        functions.sort { ($0.slot, $0.function) < ($1.slot, $1.function) }
        for (k, f) in functions.enumerated() { index[Int(f.slot) << 3 | Int(f.function)] = Int16(k) }
    }

    // MARK: Reset

    /// Puts every function back to its reset state (also done by the PIIX3 reset-control register).
    @usableFromInline func resetFromPort() { reset() }

    public func reset() {
        let n = functions.count
        view.update(repeating: 0, count: n * 256)
        writeMask = [UInt8](repeating: 0, count: n * 256)
        clearMask = [UInt8](repeating: 0, count: n * 256)
        bars = Array(repeating: [], count: n)
        captured = Array(repeating: [], count: n)
        emulated = Array(repeating: [], count: n)
        droppedWrites = []
        latch = 0
        for (k, f) in functions.enumerated() {
            switch f.kind {
            case .hostBridge: resetBridge(k, Bridges.i440fx)
            case .isaBridge: resetBridge(k, Bridges.piix3)
            case .passthrough(let i): resetPassthrough(k, devices[i], slot: f.slot)
            }
        }
    }

    func resetBridge(_ k: Int, _ values: [Int: UInt8]) {
        let base = k * 256
        for (o, v) in values { view[base + o] = v }
        // Write masks, the same for both bridges (QEMU): COMMAND 0x0507, cache line, interrupt
        // line, 0x40-0xff; STATUS 0xf900 write-1-to-clear.
        writeMask[base + 4] = 0x07; writeMask[base + 5] = 0x05
        writeMask[base + 0x0c] = 0xff; writeMask[base + 0x3c] = 0xff
        for o in 0x40..<0x100 { writeMask[base + o] = 0xff }
        clearMask[base + 7] = 0xf9
    }

    // MARK: Port I/O (configuration mechanism #1)

    @inlinable @inline(__always) static func ones(_ width: Int) -> UInt32 {
        width == 4 ? 0xffff_ffff : (width == 2 ? 0xffff : 0xff)
    }

    /// The view byte offset for a data access at 0xCFC+n, or -1 (disabled, absent, misaligned).
    @inlinable @inline(__always) func dataOffset(_ n: Int, _ width: Int) -> Int {
        let a = latch
        // Bit 31 enables; only bus 0 exists; misaligned accesses are refused.
        guard a & 0x8000_0000 != 0, a & 0x00ff_0000 == 0, n & (width - 1) == 0 else { return -1 }
        let k = Int(index[Int((a >> 8) & 0xff)])
        guard k >= 0 else { return -1 }
        return k << 8 | (Int(a & 0xfc) + n)
    }

    @inlinable @inline(__always) func load(_ at: Int, _ width: Int) -> UInt32 {
        switch width {
        case 1: return UInt32(view[at])
        case 2: return UInt32(UnsafeRawPointer(view + at).loadUnaligned(as: UInt16.self).littleEndian)
        default: return UnsafeRawPointer(view + at).loadUnaligned(as: UInt32.self).littleEndian
        }
    }

    @inlinable @inline(__always) func portRead(_ port: UInt16, _ width: Int) -> UInt32 {
        switch port {
        case 0xcf8 where width == 4: return latch
        case 0xcfc...0xcff:
            let at = dataOffset(Int(port - 0xcfc), width)
            return at < 0 ? GuestBus.ones(width) : load(at, width)
        default: return GuestBus.ones(width)
        }
    }

    @inlinable @inline(__always) func portWrite(_ port: UInt16, _ value: UInt32, _ width: Int) {
        switch port {
        case 0xcf8 where width == 4:
            latch = value
        case 0xcf9 where width == 1:
            // PIIX3 reset control: bit 2 resets the machine, and with it the bus.
            if value & 0x04 != 0 { resetFromPort() }
        case 0xcfc...0xcff:
            let at = dataOffset(Int(port - 0xcfc), width)
            if at >= 0 { store(function: at >> 8, offset: at & 0xff, value: value, width: width) }
        default:
            // Byte and word writes to 0xCF8-0xCFB (Linux's outb(0x01, 0xCFB) probe) are not
            // address writes; other ports are not ours.
            break
        }
    }

    // Inlinable: a client's `outl(0xcf8, …)` / `inl(0xcfc)` compiles to a few loads.
    @inlinable public func inb(_ port: UInt16) -> UInt8 { UInt8(truncatingIfNeeded: portRead(port, 1)) }
    @inlinable public func inw(_ port: UInt16) -> UInt16 { UInt16(truncatingIfNeeded: portRead(port, 2)) }
    @inlinable public func inl(_ port: UInt16) -> UInt32 { portRead(port, 4) }
    @inlinable public func outb(_ port: UInt16, _ value: UInt8) { portWrite(port, UInt32(value), 1) }
    @inlinable public func outw(_ port: UInt16, _ value: UInt16) { portWrite(port, UInt32(value), 2) }
    @inlinable public func outl(_ port: UInt16, _ value: UInt32) { portWrite(port, value, 4) }

    // MARK: Direct access (reference rule 12)

    func check(_ slot: UInt8, _ function: UInt8, _ offset: Int, _ width: Int) throws(EmulationError) -> Int? {
        guard width == 1 || width == 2 || width == 4 else { throw EmulationError("width \(width) is not 1, 2 or 4") }
        // Compared without adding to `offset`: any Int reaches here (emu read 7fffffffffffffff).
        guard offset >= 0, offset <= 256 - width else {
            let shown = offset < 0 ? "-0x" + String(offset.magnitude, radix: 16) : "0x" + String(offset, radix: 16)
            throw EmulationError("offset \(shown) with width \(width) is outside the 256-byte config space")
        }
        guard offset % width == 0 else { throw EmulationError("offset 0x\(hexPad(UInt32(offset), 2)) is not aligned to width \(width)") }
        guard slot <= 0x1f, function <= 7 else { throw EmulationError("00:\(hex2(slot)).\(function) is not a PCI address") }
        let k = Int(index[Int(slot) << 3 | Int(function)])
        return k < 0 ? nil : k
    }

    /// Is there a function at bus 0, `slot`.`function` (emulated or passed through)?
    public func isPresent(slot: UInt8, function: UInt8) -> Bool {
        slot <= 0x1f && function <= 7 && index[Int(slot) << 3 | Int(function)] >= 0
    }

    /// Reads what the guest reads at bus 0, `slot`.`function`, `offset` (all ones when absent).
    public func read(slot: UInt8, function: UInt8, offset: Int, width: Int) throws(EmulationError) -> UInt32 {
        guard let k = try check(slot, function, offset, width) else { return GuestBus.ones(width) }
        return load(k << 8 | offset, width)
    }

    /// Writes as the guest would (dropped when absent).
    public func write(slot: UInt8, function: UInt8, offset: Int, width: Int, value: UInt32) throws(EmulationError) {
        guard let k = try check(slot, function, offset, width) else { return }
        store(function: k, offset: offset, value: value, width: width)
    }

    /// Is the register at `offset` answered by the emulation (true) or shone through from the host?
    public func isEmulated(slot: UInt8, function: UInt8, offset: Int, width: Int) throws(EmulationError) -> Bool {
        guard let k = try check(slot, function, offset, width) else { return true }
        guard case .passthrough = functions[k].kind else { return true }
        return (offset..<offset + width).contains { emulated[k][$0] != 0 }
    }

    /// The 256 bytes the guest reads from a function, or nil when absent.
    public func configSpace(slot: UInt8, function: UInt8) -> [UInt8]? {
        let k = Int(index[Int(slot & 0x1f) << 3 | Int(function & 7)])
        return k < 0 ? nil : Array(UnsafeBufferPointer(start: view + (k << 8), count: 256))
    }

    /// The captured host bytes of a passthrough function (for checking they are never changed).
    public func capturedBytes(slot: UInt8, function: UInt8) -> [UInt8]? {
        let k = Int(index[Int(slot & 0x1f) << 3 | Int(function & 7)])
        return k < 0 || captured[k].isEmpty ? nil : captured[k]
    }

    // MARK: Writes

    @usableFromInline func store(function k: Int, offset: Int, value: UInt32, width: Int) {
        if case .passthrough(let i) = functions[k].kind {
            passthroughWrite(k, devices[i], offset: offset, value: value, width: width)
            return
        }
        let base = k << 8
        for b in 0..<width {
            let o = base + offset + b
            let v = UInt8(truncatingIfNeeded: value >> (8 * UInt32(b)))
            var n = (view[o] & ~writeMask[o]) | (v & writeMask[o])
            n &= ~(v & clearMask[o])
            view[o] = n
        }
    }
}

/// Reset values from QEMU's hw/pci-host/i440fx.c and hw/isa/piix.c (reference table).
enum Bridges {
    static let i440fx: [Int: UInt8] = [
        0x00: 0x86, 0x01: 0x80, 0x02: 0x37, 0x03: 0x12, 0x08: 0x02, 0x0b: 0x06,
        0x2c: 0xf4, 0x2d: 0x1a, 0x2e: 0x00, 0x2f: 0x11, 0x72: 0x02,
    ]
    static let piix3: [Int: UInt8] = [
        0x00: 0x86, 0x01: 0x80, 0x02: 0x00, 0x03: 0x70, 0x07: 0x02, 0x0a: 0x01, 0x0b: 0x06, 0x0e: 0x80,
        0x4c: 0x4d, 0x4e: 0x03, 0x60: 0x80, 0x61: 0x80, 0x62: 0x80, 0x63: 0x80, 0x69: 0x02, 0x70: 0x80,
        0x76: 0x0c, 0x77: 0x0c, 0x78: 0x02, 0xa0: 0x08, 0xa8: 0x0f,
    ]
}
