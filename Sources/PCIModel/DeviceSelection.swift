/// What a spec selects: one function, every function of a slot (`BB:DD.*`), or every function of
/// every slot on a bus (`BB:*.*`), as xen-pciback's wildcards allow.
public struct DeviceSelection: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// 32 bits like `PCIAddress`'s; the spec grammar and the state file accept up to ffff.
    public var domain: UInt32
    public var bus: UInt8
    /// nil: any device (slot) on the bus; then `function` is nil too.
    public var device: UInt8?
    /// nil: any function.
    public var function: UInt8?

    public init(domain: UInt32 = 0, bus: UInt8, device: UInt8?, function: UInt8?) {
        precondition(device != nil || function == nil, "a wildcard slot needs a wildcard function")
        self.domain = domain
        self.bus = bus
        self.device = device
        self.function = function
    }

    public init(_ address: PCIAddress) {
        self.init(domain: address.domain, bus: address.bus, device: address.device, function: address.function)
    }

    /// True for the `*` forms.
    public var isWildcard: Bool { function == nil }

    /// The single address selected, when it is not a wildcard.
    public var address: PCIAddress? {
        guard let d = device, let f = function else { return nil }
        return PCIAddress(domain: domain, bus: bus, device: d, function: f)
    }

    /// `DDDD:BB:DD.F`, `DDDD:BB:DD.*` or `DDDD:BB:*.*`.
    /// Built from bytes: a state of 4096 devices formats every address on each write.
    public var description: String {
        var b: [UInt8] = []
        b.reserveCapacity(12)
        append(to: &b)
        return String(decoding: b, as: UTF8.self)
    }

    /// Appends `description`'s bytes (the state writer puts 4096 of them into one buffer).
    public func append(to b: inout [UInt8]) {
        appendHexDigits(&b, domain, domain > 0xffff ? String(domain, radix: 16).utf8.count : 4)
        b.append(UInt8(ascii: ":"))
        appendShort(&b)
    }

    /// The same without the domain: `BB:DD.F`.
    public var shortDescription: String {
        var b: [UInt8] = []
        b.reserveCapacity(7)
        appendShort(&b)
        return String(decoding: b, as: UTF8.self)
    }

    private func appendShort(_ b: inout [UInt8]) {
        appendHexDigits(&b, UInt32(bus), 2)
        b.append(UInt8(ascii: ":"))
        if let device { appendHexDigits(&b, UInt32(device), 2) } else { b.append(UInt8(ascii: "*")) }
        b.append(UInt8(ascii: "."))
        if let function { appendHexDigits(&b, UInt32(function), 1) } else { b.append(UInt8(ascii: "*")) }
    }

    public func matches(_ a: PCIAddress) -> Bool {
        a.domain == domain && a.bus == bus
            && (device == nil || device == a.device) && (function == nil || function == a.function)
    }

    /// Does every address this selection matches also match `other`?
    public func isCovered(by other: DeviceSelection) -> Bool {
        guard domain == other.domain, bus == other.bus else { return false }
        if other.device == nil { return true }
        guard device == other.device else { return false }
        return other.function == nil || other.function == function
    }

    /// The addresses it stands for (up to 256 for `BB:*.*`).
    public var expanded: [PCIAddress] {
        let devices = device.map { [$0] } ?? Array(0...31)
        let functions = function.map { [$0] } ?? Array(0...7)
        return devices.flatMap { d in functions.map { PCIAddress(domain: domain, bus: bus, device: d, function: $0) } }
    }

    private var sortKey: (UInt32, UInt8, Int, Int) {
        (domain, bus, device.map(Int.init) ?? -1, function.map(Int.init) ?? -1)
    }
    public static func < (a: DeviceSelection, b: DeviceSelection) -> Bool { a.sortKey < b.sortKey }
}

/// Vendor and device ids, as `vfio-pci.ids=` writes them: `8086:1229`.
public struct PCIIds: Hashable, Sendable, CustomStringConvertible {
    public var vendor: UInt16
    public var device: UInt16
    public init(vendor: UInt16, device: UInt16) { self.vendor = vendor; self.device = device }
    public var description: String { hex(vendor, 4) + ":" + hex(device, 4) }
}

extension DeviceSelection {
    /// The slot's `DD.*` and the bus's `*.*` for an address: every selection that matches it.
    public static func all(matching a: PCIAddress) -> [DeviceSelection] {
        [
            DeviceSelection(a),
            DeviceSelection(domain: a.domain, bus: a.bus, device: a.device, function: nil),
            DeviceSelection(domain: a.domain, bus: a.bus, device: nil, function: nil),
        ]
    }
}

/// A set of selections asked which addresses they match, in constant time per address (a
/// 75,000-entry hide against a 4096-function tree compared every pair).
public struct SelectionIndex: Sendable {
    private let selections: Set<DeviceSelection>
    public init<S: Sequence>(_ selections: S) where S.Element == DeviceSelection { self.selections = Set(selections) }
    public func matches(_ a: PCIAddress) -> Bool {
        DeviceSelection.all(matching: a).contains { selections.contains($0) }
    }
}

/// A set of addresses asked whether a selection matches any of them, in constant time.
public struct PresentSet: Sendable {
    private let keys: Set<DeviceSelection>
    public init<S: Sequence>(_ addresses: S) where S.Element == PCIAddress {
        var keys = Set<DeviceSelection>()
        for a in addresses { for s in DeviceSelection.all(matching: a) { keys.insert(s) } }
        self.keys = keys
    }
    public func containsAny(_ s: DeviceSelection) -> Bool { keys.contains(s) }
}
