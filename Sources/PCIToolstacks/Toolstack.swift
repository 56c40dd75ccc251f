import PCIModel
import SystemIO

/// A running guest as a toolstack names it.
public struct RunningDomain: Equatable, Sendable {
    public var id: Int
    public var name: String?
    /// Paused: for a domain new to pcihide, one the toolstack is still building (libxl builds
    /// a domain paused and unpauses it last). `watch` hands it nothing until it runs: an attach
    /// then races `xl create` for the domain's configuration.
    public var paused: Bool
    public init(id: Int, name: String?, paused: Bool = false) { self.id = id; self.name = name; self.paused = paused }
}

/// One toolstack pcihide hands devices over through: what runs, attach and detach, and the
/// stream of lifecycle events `watch` follows. Every program runs through `run`, so that tests
/// put stub programs on PATH and an in-process test could put a closure here.
public protocol Toolstack {
    var name: String { get }
    /// The guests running now (dom0 left out).
    func running() throws(Failure) -> [RunningDomain]
    /// Hot-plugs a device into a running guest. `xlSpec` is the xl PCI_SPEC_STRING with the guest
    /// slot; `hostdevXML` the libvirt element; each toolstack takes its own.
    func attach(_ device: PCIAddress, to domain: RunningDomain, xlSpec: String, hostdevXML: String) throws(Failure)
    func detach(_ device: PCIAddress, from domain: RunningDomain, hostdevXML: String) throws(Failure)
    /// The event stream whose every line may mean a domain started or died.
    var eventCommand: [String] { get }
    /// Which running domain holds each passed-through device, by the toolstack's own word
    /// (`xl pci-list`, `virsh dumpxml`): what the guests hold, whatever the ledger says.
    func holders() throws(Failure) -> [PCIAddress: Int]
    /// Whether an event line is about a domain starting or dying (others are ignored).
    func isLifecycleEvent(_ line: String) -> Bool
}

public typealias Runner = ([String]) throws(Failure) -> String

/// Xen's xl: `xl list`, `xl pci-attach DOMID SPEC`, `xl pci-detach DOMID BDF`, and xenstore's
/// `@introduceDomain`/`@releaseDomain` watches.
public struct XL: Toolstack {
    public let run: Runner
    public init(run: @escaping Runner = { (a) throws(Failure) in try Command.output(a) }) { self.run = run }
    public var name: String { "xl" }

    public func running() throws(Failure) -> [RunningDomain] {
        try XLToolstack.parseDomains(try run(["xl", "list"])).map { RunningDomain(id: $0.id, name: $0.name, paused: $0.paused) }
    }

    public func attach(_ device: PCIAddress, to domain: RunningDomain, xlSpec: String, hostdevXML: String) throws(Failure) {
        _ = try run(["xl", "pci-attach", String(domain.id), xlSpec])
    }

    public func detach(_ device: PCIAddress, from domain: RunningDomain, hostdevXML: String) throws(Failure) {
        _ = try run(["xl", "pci-detach", String(domain.id), device.description])
    }

    public var eventCommand: [String] { ["xenstore-watch", "@introduceDomain", "@releaseDomain"] }
    public func holders() throws(Failure) -> [PCIAddress: Int] {
        var out: [PCIAddress: Int] = [:]
        for d in try XLToolstack.devices(run: run) { if let id = d.domain { out[d.address] = id } }
        return out
    }
    public func isLifecycleEvent(_ line: String) -> Bool { line.hasPrefix("@introduceDomain") || line.hasPrefix("@releaseDomain") }
}

/// libvirt's virsh: `virsh list --name` and `virsh domid`, `attach-device`/`detach-device
/// --live` with a <hostdev> file, and `virsh event --all --loop`.
public struct Virsh: Toolstack {
    public let run: Runner
    public init(run: @escaping Runner = { (a) throws(Failure) in try Command.output(a) }) { self.run = run }
    public var name: String { "libvirt" }

    public func running() throws(Failure) -> [RunningDomain] {
        var out: [RunningDomain] = []
        for name in try run(["virsh", "list", "--name"]).split(separator: "\n").map(String.init) where !name.isEmpty {
            let id = try run(["virsh", "domid", name]).split(separator: "\n").first.map(String.init) ?? ""
            guard let n = Int(id) else { continue }  // `-`: shut off meanwhile
            out.append(RunningDomain(id: n, name: name))
        }
        return out
    }

    /// The <hostdev> element in a temporary file of its own for virsh, removed after.
    func withDeviceFile(_ xml: String, _ body: (String) throws(Failure) -> Void) throws(Failure) {
        let file = try TemporaryFile.write(xml)
        defer { TemporaryFile.remove(file) }
        try body(file)
    }

    public func attach(_ device: PCIAddress, to domain: RunningDomain, xlSpec: String, hostdevXML: String) throws(Failure) {
        try withDeviceFile(hostdevXML) { (file) throws(Failure) in _ = try run(["virsh", "attach-device", domain.name ?? String(domain.id), file, "--live"]) }
    }

    public func detach(_ device: PCIAddress, from domain: RunningDomain, hostdevXML: String) throws(Failure) {
        try withDeviceFile(hostdevXML) { (file) throws(Failure) in _ = try run(["virsh", "detach-device", domain.name ?? String(domain.id), file, "--live"]) }
    }

    public var eventCommand: [String] { ["virsh", "event", "--all", "--loop"] }
    public func holders() throws(Failure) -> [PCIAddress: Int] {
        var out: [PCIAddress: Int] = [:]
        for d in try devices() { if let id = d.domain { out[d.address] = id } }
        return out
    }
    public func isLifecycleEvent(_ line: String) -> Bool { line.hasPrefix("event 'lifecycle' for domain") }
}

extension Virsh {
    /// The PCI hostdevs of each running guest (`virsh dumpxml NAME`): the host addresses in its
    /// `<hostdev ... type='pci'>` sources, with the guest address when the XML has one.
    public func devices() throws(Failure) -> [XLToolstack.Device] {
        var out: [XLToolstack.Device] = []
        for d in try running() {
            let xml = try run(["virsh", "dumpxml", d.name ?? String(d.id)])
            out += Self.hostdevs(in: xml).map { XLToolstack.Device(address: $0.host, domain: d.id, domainName: d.name, vdev: $0.guest) }
        }
        return out.sorted { $0.address < $1.address }
    }

    /// `(host, guest slot.function)` of every PCI hostdev in a domain's XML.
    public static func hostdevs(in xml: String) -> [(host: PCIAddress, guest: String?)] {
        var out: [(PCIAddress, String?)] = []
        var rest = Substring(xml)
        while let start = rest.firstRange(of: "<hostdev"), let end = rest[start.upperBound...].firstRange(of: "</hostdev>") {
            let element = rest[start.lowerBound..<end.upperBound]
            rest = rest[end.upperBound...]
            guard element.contains("type='pci'") || element.contains("type=\"pci\"") else { continue }
            let addresses = element.split(separator: "<address", omittingEmptySubsequences: false).dropFirst().map { String($0.prefix { $0 != ">" }) }
            func attr(_ a: String, _ name: String) -> UInt32? {
                for q in ["'", "\""] {
                    if let r = a.firstRange(of: " " + name + "=" + q) {
                        let v = a[r.upperBound...].prefix { String($0) != q }
                        let t = v.hasPrefix("0x") ? String(v.dropFirst(2)) : String(v)
                        return UInt32(t, radix: v.hasPrefix("0x") ? 16 : 10)
                    }
                }
                return nil
            }
            guard let source = addresses.first(where: { !$0.contains("type=") }), let bus = attr(source, "bus"), let slot = attr(source, "slot"),
                let fn = attr(source, "function")
            else { continue }
            let host = PCIAddress(domain: attr(source, "domain") ?? 0, bus: UInt8(truncatingIfNeeded: bus), device: UInt8(truncatingIfNeeded: slot), function: UInt8(truncatingIfNeeded: fn))
            let guest = addresses.first { $0.contains("type='pci'") || $0.contains("type=\"pci\"") }.flatMap { g -> String? in
                guard let s = attr(g, "slot"), let f = attr(g, "function") else { return nil }
                return hex(s, 2) + "." + String(f)
            }
            out.append((host, guest))
        }
        return out
    }
}
