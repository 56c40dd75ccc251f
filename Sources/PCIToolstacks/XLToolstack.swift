import PCIModel
import PCIState

/// Live ownership from the Xen toolstack instead of the state file: on a real Xen host the truth
/// is in xenstore, which `xl` reports.
public enum XLToolstack {
    /// One device as xl sees it: assignable (hidden, free) or attached to a domain.
    public struct Device: Equatable, Sendable {
        public var address: PCIAddress
        /// nil: assignable, attached to no domain.
        public var domain: Int?
        public var domainName: String?
        /// The guest's virtual slot (`xl pci-list`'s Vdev), when attached.
        public var vdev: String?

        public init(address: PCIAddress, domain: Int? = nil, domainName: String? = nil, vdev: String? = nil) {
            self.address = address; self.domain = domain; self.domainName = domainName; self.vdev = vdev
        }
    }

    /// `xl pci-assignable-list [-n]`: one `DDDD:BB:DD.F` per line (`-n` adds the name after it).
    public static func parseAssignable(_ text: String) throws(Failure) -> [PCIAddress] {
        var out: [PCIAddress] = []
        for (n, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let field = line.split(separator: " ").first.map(String.init) ?? ""
            if field.isEmpty { continue }
            guard let a = PCIAddress(sysfsName: field) else {
                throw Failure(.dataError, "xl pci-assignable-list, line \(n + 1): '\(line)' does not start with an address DDDD:BB:DD.F")
            }
            out.append(a)
        }
        return out
    }

    /// `xl list`: a header `Name ID Mem VCPUs State Time(s)`, then one domain per line. Names
    /// have no spaces in xl, so the id is the second field; xl separates the later columns with
    /// tabs or spaces. Domain-0 is left out. `building`: the state shows `p` and the name is
    /// not known yet, or the state is paused — libxl builds a domain paused and unpauses it
    /// last, so a paused domain has not run yet (or was paused by its owner).
    public static func parseDomains(_ text: String) throws(Failure) -> [(id: Int, name: String, paused: Bool)] {
        var out: [(Int, String, Bool)] = []
        for r in rows(text, header: "Name") {
            guard r.fields.count >= 2, let id = Int(r.fields[1]) else {
                throw Failure(.dataError, "xl list, line \(r.number): '\(r.line)' has no domain id in its second field")
            }
            let state = r.fields.count >= 5 ? r.fields[4] : ""
            if id != 0 { out.append((id, String(r.fields[0]), state.count == 6 && state.dropFirst(2).first == "p")) }
        }
        return out
    }

    /// `xl pci-list DOMID`: a header `Vdev Device`, then `%02x.%01x %04x:%02x:%02x.%01x` per device.
    public static func parsePCIList(_ text: String) throws(Failure) -> [(vdev: String, address: PCIAddress)] {
        var out: [(String, PCIAddress)] = []
        for r in rows(text, header: "Vdev") {
            guard r.fields.count >= 2, let a = PCIAddress(sysfsName: r.fields[1]) else {
                throw Failure(.dataError, "xl pci-list, line \(r.number): '\(r.line)' is not 'VDEV DDDD:BB:DD.F'")
            }
            out.append((String(r.fields[0]), a))
        }
        return out
    }

    /// The rows of an xl table split into blank-separated fields, with their 1-based line
    /// numbers; a first line whose first field is `header` is left out.
    static func rows(_ text: String, header: String) -> [(number: Int, line: Substring, fields: [Substring])] {
        var out: [(Int, Substring, [Substring])] = []
        for (n, line) in text.split(separator: "\n").enumerated() {
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            if n == 0 && fields.first.map(String.init) == header { continue }
            out.append((n + 1, line, fields))
        }
        return out
    }

    /// Asks `xl` (through `run`, which returns a command's standard output) for every
    /// passthrough device: the assignable ones and those attached to each running domain.
    public static func devices(run: ([String]) throws(Failure) -> String) throws(Failure) -> [Device] {
        var out = try parseAssignable(try run(["xl", "pci-assignable-list"])).map { Device(address: $0) }
        for d in try parseDomains(try run(["xl", "list"])) {
            for (vdev, a) in try parsePCIList(try run(["xl", "pci-list", String(d.id)])) {
                out.append(Device(address: a, domain: d.id, domainName: d.name, vdev: vdev))
            }
        }
        return out.sorted { $0.address < $1.address }
    }
}

extension XLToolstack.Device {
    /// `3 (web)`, or `free (assignable)`.
    public var ownerText: String { domain.map { id in domainName.map { "\(id) (\($0))" } ?? String(id) } ?? "free (assignable)" }
}
