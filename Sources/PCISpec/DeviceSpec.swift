import PCIModel

/// Which written form a spec was given in.
public enum SpecForm: String, Sendable, CaseIterable {
    /// `02:09.0`, `0000:02:09.0`
    case address
    /// The 2005 prototype's `hide=02:09.0`.
    case hide2005
    /// xen-pciback's `(02:09.0)(0000:04:1d.*)`, bare or after a parameter name.
    case pcibackList
    /// xl's PCI_SPEC_STRING: `36:00.0@1d,permissive=1`, `bdf=36:00.0,vslot=1d`.
    case xlSpec
}

/// xl's `rdm_policy`.
public enum RDMPolicy: String, Sendable, Hashable {
    case strict, relaxed
}

/// The options an xl PCI_SPEC_STRING may carry (xl-pci-configuration(5)). nil: not given.
public struct XLOptions: Hashable, Sendable {
    public var vslot: UInt8?
    public var permissive: Bool?
    public var msitranslate: Bool?
    public var seize: Bool?
    public var powerManagement: Bool?
    public var rdmPolicy: RDMPolicy?
    /// A name given with `name=` (an assignable device's name) instead of a BDF.
    public var name: String?
    public init() {}
    public var isEmpty: Bool { self == XLOptions() }
}

/// A parsed spec: the device selections it names, the form it was written in and any xl options.
public struct DeviceSpec: Hashable, Sendable {
    public var input: String
    public var form: SpecForm
    /// Empty only for an xl spec that names a device by `name=`.
    public var selections: [DeviceSelection]
    public var options: XLOptions

    public init(input: String, form: SpecForm, selections: [DeviceSelection], options: XLOptions = XLOptions()) {
        self.input = input
        self.form = form
        self.selections = selections
        self.options = options
    }
}

extension SpecParser {
    /// Entries of one command line that name a device twice: `(02:09.0)(02:09.*)` hides 02:09.0
    /// once, so the narrower entry says nothing the wider one does not. Each pair is described
    /// as the administrator wrote it; looked up through the at most two wildcards that can cover
    /// an entry, so a long list costs linear time.
    public static func overlaps(in specs: [DeviceSpec]) -> [String] {
        var firstSpec: [DeviceSelection: String] = [:]
        for spec in specs { for s in spec.selections where firstSpec[s] == nil { firstSpec[s] = spec.input } }
        var seen = Set<DeviceSelection>()
        var out: [String] = []
        for spec in specs {
            for s in spec.selections {
                if !seen.insert(s).inserted {
                    out.append("\(s.shortDescription) is given twice; it is hidden once")
                    continue
                }
                var wider: [DeviceSelection] = []
                if s.function != nil { wider.append(DeviceSelection(domain: s.domain, bus: s.bus, device: s.device, function: nil)) }
                if s.device != nil { wider.append(DeviceSelection(domain: s.domain, bus: s.bus, device: nil, function: nil)) }
                if let w = wider.first(where: { firstSpec[$0] != nil }) {
                    out.append("\(s.shortDescription) is already part of \(w.shortDescription) (every function\(w.device == nil ? " of every device" : "") on \(w.device == nil ? "bus \(hex(w.bus, 2))" : "slot \(hex(w.bus, 2)):\(hex(w.device!, 2))")); the wider entry is the one kept, and the device gets one owner")
                }
            }
        }
        return out
    }
}
