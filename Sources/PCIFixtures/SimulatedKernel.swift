import PCIBinding
import PCIInventory
import PCIModel
import SystemIO

#if canImport(Glibc)
import Glibc
#endif

/// A sysfs tree written by `SysfsFixture` that reacts to writes as the PCI core does, so the
/// runtime binder can be tested without a kernel: `driver_override` is stored, `unbind` removes
/// the `driver` link, `bind` and `drivers_probe` create it when the driver accepts the device
/// (pciback only takes listed slots; a set override admits only that driver), `new_slot` and
/// `remove_slot` edit pciback's `slots`. Failures can be injected at any write.
public final class SimulatedKernel: SysfsIO {
    public let root: String
    /// A write whose path ends with the key fails with this errno (once per entry, or always).
    public var failures: [String: Int32] = [:]
    /// Drivers whose probe never takes a device (drivers_probe then succeeds with no driver bound).
    public var neverBinds: Set<String> = []
    /// The driver drivers_probe picks when no override is set (the device's native driver).
    public var nativeDrivers: [PCIAddress: String] = [:]
    /// Every write, in order, including failed ones.
    public private(set) var writes: [(path: String, value: String)] = []

    public init(root: String) { self.root = root }

    public func write(_ path: String, _ value: String) throws(Failure) {
        writes.append((path, value))
        for (suffix, code) in failures where path.hasSuffix(suffix) {
            throw LiveSysfs.failure(code, path, value)
        }
        guard path.hasPrefix(root + "/") else { throw LiveSysfs.failure(ENOENT, path, value) }
        let parts = path.dropFirst(root.count + 1).split(separator: "/").map(String.init)
        let arg = value.hasSuffix("\n") ? String(value.dropLast()) : value
        switch (parts.count, parts.first, parts.last) {
        case (3, "devices", "driver_override"):
            guard let a = PCIAddress(sysfsName: parts[1]) else { throw LiveSysfs.failure(ENOENT, path, value) }
            setOverride(a, arg)
        case (3, "drivers", "unbind"):
            guard let a = PCIAddress(sysfsName: arg), driver(a) == parts[1] else { throw LiveSysfs.failure(ENODEV, path, value) }
            unlink(devicePath(a) + "/driver")
        case (3, "drivers", "bind"):
            guard let a = PCIAddress(sysfsName: arg), Files.exists(devicePath(a)) else { throw LiveSysfs.failure(ENODEV, path, value) }
            if driver(a) != nil { throw LiveSysfs.failure(EBUSY, path, value) }
            guard accepts(parts[1], a) else { throw LiveSysfs.failure(ENODEV, path, value) }
            bindLink(a, parts[1])
        case (3, "drivers", "new_slot"):
            guard let a = PCIAddress(sysfsName: arg) else { throw LiveSysfs.failure(EINVAL, path, value) }
            var slots = listedSlots()
            if !slots.contains(a.description) { slots.append(a.description) }
            writeSlots(slots)
        case (3, "drivers", "remove_slot"):
            guard let a = PCIAddress(sysfsName: arg) else { throw LiveSysfs.failure(EINVAL, path, value) }
            writeSlots(listedSlots().filter { $0 != a.description })
        case (1, "drivers_probe", _):
            guard let a = PCIAddress(sysfsName: arg), Files.exists(devicePath(a)) else { throw LiveSysfs.failure(ENODEV, path, value) }
            guard driver(a) == nil else { return }
            let candidate = override(a) ?? nativeDrivers[a]
            if let d = candidate, accepts(d, a) { bindLink(a, d) }
        default:
            throw LiveSysfs.failure(ENOENT, path, value)
        }
    }

    func devicePath(_ a: PCIAddress) -> String { root + "/devices/" + a.description }

    public func driver(_ a: PCIAddress) -> String? { SysfsTree(root: root).driver(a) }

    public func override(_ a: PCIAddress) -> String? {
        guard let b = Files.readIfPresent(devicePath(a) + "/driver_override") else { return nil }
        let t = String(decoding: b, as: UTF8.self).split(separator: "\n").first.map(String.init) ?? ""
        return t.isEmpty || t == "(null)" ? nil : t
    }

    func setOverride(_ a: PCIAddress, _ value: String) {
        _ = try? Files.writeAtomically(devicePath(a) + "/driver_override", Array((value.isEmpty ? "(null)\n" : value + "\n").utf8))
    }

    public func listedSlots() -> [String] {
        let text = Files.readIfPresent(root + "/drivers/pciback/slots").map { String(decoding: $0, as: UTF8.self) } ?? ""
        return text.split(separator: "\n").map(String.init)
    }

    func writeSlots(_ slots: [String]) {
        _ = try? Files.writeAtomically(root + "/drivers/pciback/slots", Array(slots.map { $0 + "\n" }.joined().utf8))
    }

    func accepts(_ driverName: String, _ a: PCIAddress) -> Bool {
        guard Files.isDirectory(root + "/drivers/" + driverName), !neverBinds.contains(driverName) else { return false }
        if let o = override(a), o != driverName { return false }
        if driverName == "pciback" { return listedSlots().contains(a.description) }
        return true
    }

    func bindLink(_ a: PCIAddress, _ driverName: String) {
        let device = Files.realPath(devicePath(a)) ?? devicePath(a)
        link(root + "/drivers/" + driverName, at: device + "/driver")
    }

    /// Creates the driver directories with the attributes the binder writes (so the live writer
    /// finds them too), and pciback's `slots`.
    public static func loadDrivers(_ names: [String], root: String) throws(Failure) {
        for n in names {
            let dir = root + "/drivers/" + n
            try Files.makeDirectories(dir)
            for attr in ["bind", "unbind"] + (n == "pciback" ? ["new_slot", "remove_slot", "slots"] : []) {
                if !Files.exists(dir + "/" + attr) { try Files.writeAtomically(dir + "/" + attr, []) }
            }
        }
        if !Files.exists(root + "/drivers_probe") { try Files.writeAtomically(root + "/drivers_probe", []) }
    }
}
