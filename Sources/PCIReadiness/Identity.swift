import PCICapabilities
import PCIInventory
import PCIModel
import PCIState
import SystemIO

extension SysfsTree {
    /// What the device at `a` is: its ids, subsystem and class from sysfs, the bridges above it
    /// from its real path, and its serial number from the DSN capability when the config space
    /// can be read that far. nil when the device is not there.
    public func identity(_ a: PCIAddress) -> DeviceIdentity? {
        guard let ids = ids(a), let cls = hexAttribute(a, "class") else { return nil }
        var sub: PCIIds?
        if let sv = hexAttribute(a, "subsystem_vendor"), let sd = hexAttribute(a, "subsystem_device"), sv <= 0xffff, sd <= 0xffff {
            sub = PCIIds(vendor: UInt16(sv), device: UInt16(sd))
        }
        let path = upstreamBridges(a)
        var serial: String?
        if let bytes = configBytes(a), bytes.count >= 64 {
            serial = PassthroughFeatures(DeviceDescription(config: ConfigSpace(bytes))).serialNumber
        }
        return DeviceIdentity(
            vendor: ids.vendor, device: ids.device, subsystem: sub, classCode: cls & 0xffffff,
            path: path.map(\.description), serial: serial)
    }

    /// The one present device that is `identity`, when exactly one is (a renumbered card).
    public func find(_ identity: DeviceIdentity, among present: [PCIAddress]) -> (unique: PCIAddress?, count: Int) {
        let matches = present.filter { self.identity($0).map(identity.matches) ?? false }
        return (matches.count == 1 ? matches[0] : nil, matches.count)
    }
}

/// A hidden address that now holds another device than the one recorded at hide time (a card
/// added or moved renumbered the bus, or a card was swapped): one check and one wording for
/// every command that would act on it (check, hide --now, persist, the hand-over, verify, export).
public struct Renumbering: Equatable, Sendable {
    public var address: PCIAddress
    public var recorded: DeviceIdentity
    public var now: DeviceIdentity

    public init(address: PCIAddress, recorded: DeviceIdentity, now: DeviceIdentity) {
        self.address = address; self.recorded = recorded; self.now = now
    }

    /// `the device at A is now X, not the recorded Y (a card was added, moved or swapped)`.
    public var text: String {
        "the device at \(address) is now \(now.summary), not the recorded \(recorded.summary) (a card was added, moved or swapped)"
    }
}

extension SysfsTree {
    /// The renumbering at `a`, when a device is there and it is not `recorded`; nil otherwise
    /// (nothing recorded, nothing there, or the recorded device itself).
    public func renumbering(at a: PCIAddress?, recorded: DeviceIdentity?) -> Renumbering? {
        guard let a, let recorded, let now = identity(a), !recorded.matches(now) else { return nil }
        return Renumbering(address: a, recorded: recorded, now: now)
    }
}
