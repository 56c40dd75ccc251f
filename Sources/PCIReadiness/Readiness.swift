import PCIBinding
import PCICapabilities
import PCIInventory
import PCIModel
import PCIState
import SystemIO

/// One finding of the readiness check, with what to do about it.
public struct Finding: Equatable, Sendable {
    public enum Severity: String, Sendable {
        /// The host cannot live without it: the device (or its group) cannot go.
        case critical
        /// A guest start will fail or misbehave until it is dealt with.
        case attention
        /// Works, with a caveat worth knowing (an ACS override, a bus reset shared with others).
        case caveat
    }
    public var severity: Severity
    public var text: String
    public var fix: String?
    public init(_ severity: Severity, _ text: String, fix: String? = nil) { self.severity = severity; self.text = text; self.fix = fix }
}

/// A member of the device's IOMMU group and what it must be for a guest start to work.
public struct GroupMember: Equatable, Sendable {
    public enum Status: String, Sendable {
        /// Already as VFIO wants it (no driver, a passthrough driver, a bridge on pcieport) or hidden.
        case ready
        /// Bound to a host driver and not hidden: the group is not viable until it is hidden too.
        case blocks
        /// The host needs it: the group cannot be handed over at all.
        case refused
    }
    public var device: RelatedDevice
    public var status: Status
    public var why: String
}

public enum Verdict: Equatable, Sendable {
    case ready
    /// Ready once these functions are hidden with it.
    case readyWithCompanions([PCIAddress])
    case needsAttention
    case refused

    public var name: String {
        switch self {
        case .ready: return "ready"
        case .readyWithCompanions: return "ready with companions"
        case .needsAttention: return "needs attention"
        case .refused: return "refused"
        }
    }
}

/// Whether a guest start with the device will work, and why not.
public struct ReadinessReport: Equatable, Sendable {
    public var safety: DeviceSafety
    public var ids: PCIIds?
    /// nil when no config bytes could be read.
    public var features: PassthroughFeatures?
    public var iommuUnits: [String]?
    public var interruptRemapping: Bool?
    public var group: [GroupMember] = []
    public var path: [PortIsolation] = []
    /// The device's own functions share a slot without ACS.
    public var multifunctionWithoutACS = false
    public var acsOverride: String?
    public var reset: ResetFacts?
    /// A boot framebuffer one of its BARs overlaps.
    public var framebuffer: String?
    /// Processes holding its device nodes: `pid (command) node`.
    public var processes: [String] = []
    public var findings: [Finding] = []

    /// The functions to hide with it: group members that block, and sibling functions not hidden.
    public var companions: [PCIAddress] {
        var out = group.filter { $0.status == .blocks && !$0.device.isBridge }.map(\.device.address)
        // Companions come from the kernel's IOMMU group; slot siblings only where there is none.
        for sibling in safety.iommuGroup == nil ? safety.siblings : [] where !sibling.hidden && !sibling.isBridge && !out.contains(sibling.address) { out.append(sibling.address) }
        return out.sorted()
    }

    public var verdict: Verdict {
        if findings.contains(where: { $0.severity == .critical }) { return .refused }
        if findings.contains(where: { $0.severity == .attention }) { return .needsAttention }
        let c = companions
        return c.isEmpty ? .ready : .readyWithCompanions(c)
    }
}

/// Reads what a guest start depends on, for devices of one host root.
public struct ReadinessInspector {
    public let safety: SafetyInspector
    public let tree: SysfsTree
    public let host: HostRoot
    public let facts: HostFacts
    let isHidden: (PCIAddress) -> Bool
    let present: [PCIAddress]

    /// What the ledger recorded of a hidden device, to notice a renumbered bus.
    let recorded: (PCIAddress) -> DeviceIdentity?

    public init(
        safety: SafetyInspector, tree: SysfsTree, host: HostRoot, present: [PCIAddress], isHidden: @escaping (PCIAddress) -> Bool,
        recorded: @escaping (PCIAddress) -> DeviceIdentity? = { _ in nil }
    ) {
        self.safety = safety; self.tree = tree; self.host = host; self.present = present; self.isHidden = isHidden; self.recorded = recorded
        facts = HostFacts.read(host)
    }

    func description(_ a: PCIAddress) -> DeviceDescription? {
        guard let bytes = tree.configBytes(a), bytes.count >= 64 else { return nil }
        return DeviceDescription(config: ConfigSpace(bytes))
    }

    public func inspect(_ a: PCIAddress) -> ReadinessReport {
        let s = safety.inspect(a)
        var r = ReadinessReport(safety: s)
        r.ids = tree.ids(a)
        r.features = description(a).map(PassthroughFeatures.init)
        r.iommuUnits = facts.iommuUnits
        r.interruptRemapping = facts.interruptRemappingSupported
        r.acsOverride = facts.acsOverride
        var findings: [Finding] = s.refusals.map { Finding(.critical, $0) }
        let subject = ReadinessSubject(address: a, safety: s, bridges: tree.upstreamBridges(a), inspector: self)
        for check in ReadinessChecks.all { check.run(subject, &r, &findings) }
        r.findings = findings
        return r
    }

    /// `/dev/dri/cardN`, `/dev/dri/renderDN` of its DRM devices and its `/dev/vfio/N`.
    func nodes(_ a: PCIAddress, group: String?) -> Set<String> {
        var out = Set(tree.drmNodes(a))
        if let group { out.insert("/dev/vfio/" + group) }
        return out
    }
}

/// Processes with a device node open (`/proc/PID/fd/*` links), under the host root.
enum ProcessHolders {
    /// The holders, and how many processes' open files could not be read (another user's).
    static func holding(_ nodes: Set<String>, host: HostRoot) -> ([String], Int) {
        guard !nodes.isEmpty, let pids = Files.list(host.processesDirectory) else { return ([], 0) }
        var out: [String] = []
        var unreadable = 0
        for pid in pids.sorted(by: { (Int($0) ?? 0) < (Int($1) ?? 0) }) where pid.allSatisfy(\.isNumber) {
            guard let fds = Files.list(host.process(pid, "fd")) else {
                if Files.exists(host.process(pid)) { unreadable += 1 }
                continue
            }
            let held = Set(fds.compactMap { Files.readLink(host.processLink(pid, "fd/\($0)")) }).intersection(nodes)
            guard !held.isEmpty else { continue }
            let comm = Files.readIfPresent(host.process(pid, "comm")).map { String(decoding: $0, as: UTF8.self).trimmingBlanks } ?? "?"
            out.append("\(pid) (\(comm)) \(held.sorted().joined(separator: " "))")
        }
        return (out, unreadable)
    }
}

/// One IOMMU group as a whole: what its members are, and whether it can go to a guest.
public struct GroupReport: Equatable, Sendable {
    public struct Member: Equatable, Sendable {
        public var device: RelatedDevice
        /// What the host needs it for (empty: nothing).
        public var refusals: [String]
        public init(device: RelatedDevice, refusals: [String]) { self.device = device; self.refusals = refusals }
    }
    public var id: String
    public var members: [Member]
    public init(id: String, members: [Member]) { self.id = id; self.members = members }

    public enum Verdict: String, Sendable {
        /// Every endpoint is hidden (or already on a passthrough driver or none): a guest can have it.
        case ready
        /// Some endpoints are hidden and others are on host drivers: a guest start fails ("group N is not viable").
        case notViable = "not viable"
        /// Nothing in it is hidden: it stays with the host, and could be handed over whole.
        case host
        /// It holds a device the host needs: it cannot be handed over.
        case refused
    }

    var endpoints: [Member] { members.filter { !$0.device.isBridge } }

    /// Endpoints on a host driver and not hidden, while others of the group are hidden.
    public var blockers: [Member] {
        endpoints.filter { !$0.device.hidden && !($0.device.driver.map { HostNames.passthroughDrivers.contains($0) } ?? true) }
    }

    public var verdict: Verdict {
        if endpoints.contains(where: { !$0.refusals.isEmpty }) { return .refused }
        guard endpoints.contains(where: \.device.hidden) else { return .host }
        return blockers.isEmpty ? .ready : .notViable
    }

    /// The verdict with its reason, for the listing.
    public var summary: String {
        switch verdict {
        case .ready: return "ready"
        case .host: return "host (nothing hidden)"
        case .notViable: return "not viable: hide " + blockers.map(\.device.address.description).joined(separator: ", ") + " too"
        case .refused:
            return "refused: " + endpoints.filter { !$0.refusals.isEmpty }.map { "\($0.device.address) (\($0.refusals.joined(separator: "; ")))" }.joined(separator: ", ")
        }
    }
}
