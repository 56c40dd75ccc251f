import PCIModel
import SystemIO

/// A running guest as a toolstack names it.
public struct RunningDomain: Equatable, Sendable {
    public var id: Int
    public var name: String?
    public init(id: Int, name: String?) { self.id = id; self.name = name }
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
        try XLToolstack.parseDomains(try run(["xl", "list"])).map { RunningDomain(id: $0.id, name: $0.name) }
    }

    public func attach(_ device: PCIAddress, to domain: RunningDomain, xlSpec: String, hostdevXML: String) throws(Failure) {
        _ = try run(["xl", "pci-attach", String(domain.id), xlSpec])
    }

    public func detach(_ device: PCIAddress, from domain: RunningDomain, hostdevXML: String) throws(Failure) {
        _ = try run(["xl", "pci-detach", String(domain.id), device.description])
    }

    public var eventCommand: [String] { ["xenstore-watch", "@introduceDomain", "@releaseDomain"] }
    public func isLifecycleEvent(_ line: String) -> Bool { line.hasPrefix("@introduceDomain") || line.hasPrefix("@releaseDomain") }
}

/// libvirt's virsh: `virsh list --name` and `virsh domid`, `attach-device`/`detach-device
/// --live` with a <hostdev> file, and `virsh event --all --loop`.
public struct Virsh: Toolstack {
    public let run: Runner
    /// Where the <hostdev> file for attach-device is written (a private temporary directory).
    public let scratch: String
    public init(scratch: String, run: @escaping Runner = { (a) throws(Failure) in try Command.output(a) }) { self.scratch = scratch; self.run = run }
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

    func withDeviceFile(_ xml: String, _ body: (String) throws(Failure) -> Void) throws(Failure) {
        let file = scratch + "/hostdev.xml"
        try Files.writeAtomically(file, Array(xml.utf8))
        try body(file)
    }

    public func attach(_ device: PCIAddress, to domain: RunningDomain, xlSpec: String, hostdevXML: String) throws(Failure) {
        try withDeviceFile(hostdevXML) { (file) throws(Failure) in _ = try run(["virsh", "attach-device", domain.name ?? String(domain.id), file, "--live"]) }
    }

    public func detach(_ device: PCIAddress, from domain: RunningDomain, hostdevXML: String) throws(Failure) {
        try withDeviceFile(hostdevXML) { (file) throws(Failure) in _ = try run(["virsh", "detach-device", domain.name ?? String(domain.id), file, "--live"]) }
    }

    public var eventCommand: [String] { ["virsh", "event", "--all", "--loop"] }
    public func isLifecycleEvent(_ line: String) -> Bool { line.hasPrefix("event 'lifecycle' for domain") }
}
