import PCIInventory
import PCIModel
import PCIState
import SystemIO

/// After boot: did the hiding take effect? For one hidden device: is it on the running kernel's
/// command line, bound to the passthrough driver, and still the device recorded at hide time.
public struct VerifyReport: Equatable, Sendable {
    public enum IdentityStatus: Equatable, Sendable {
        case matches
        /// Hidden before identities were recorded (or by a wildcard): nothing to compare.
        case notRecorded
        /// Another device sits at the address; the recorded one is at `movedTo` when found once.
        case changed(now: DeviceIdentity, movedTo: PCIAddress?)
        /// Nothing at the address; the recorded device is at `movedTo` when found once.
        case gone(movedTo: PCIAddress?)
    }
    public var address: PCIAddress
    public var entry: DeviceSelection
    /// The command-line parameter that hides it (`xen-pciback.hide=...`, `vfio-pci.ids=...`).
    public var token: String?
    /// nil when /proc/cmdline could not be read.
    public var onCommandLine: Bool?
    public var driver: String?
    public var identity: IdentityStatus
    public var findings: [Finding]

    public var inEffect: Bool { findings.isEmpty }
}

public enum Verification {
    static let hideParameters = ["xen_pciback.hide", "pciback.hide", "hide"]

    /// A `vfio-pci.ids=`/`pci-stub.ids=` list (`VVVV:DDDD[:SVVV:SDDD…]`, comma-separated) names `ids`.
    static func idList(_ list: Substring, names ids: PCIIds) -> Bool {
        list.split(separator: ",").contains { $0.lowercased().hasPrefix(ids.description) }
    }

    /// The hide parameter on the command line that covers `address` (by address or, for
    /// vfio-pci.ids and pci-stub.ids, by its ids), as the command line spells it.
    static func token(for address: PCIAddress, ids: PCIIds?, facts: HostFacts, parse: (String) -> [DeviceSelection]?) -> String? {
        for p in hideParameters {
            if let v = facts.parameter(p), let sels = parse(v), sels.contains(where: { $0.matches(address) }) { return facts.word(p) }
        }
        for p in ["vfio_pci.ids", "pci_stub.ids"] {
            if let v = facts.parameter(p), let ids, idList(v[...], names: ids) { return facts.word(p) }
        }
        return nil
    }

    /// What brings a runtime binding back after a reboot, besides the command line: modprobe.d
    /// options naming its ids or address, a udev rule or a driverctl override for its address.
    /// nil when nothing does (the binding is in effect now, not after the next boot).
    static func persistedBy(_ a: PCIAddress, ids: PCIIds?, host: HostRoot, parse: (String) -> [DeviceSelection]?) -> String? {
        if Files.exists(host.path("/etc/driverctl.d/pci-\(a)")) { return "/etc/driverctl.d/pci-\(a)" }
        for o in ModprobeOptions.read(host) {
            if (o.module == "vfio_pci" || o.module == "pci_stub") && o.name == "ids", let ids, idList(o.value[...], names: ids) { return o.file }
            if (o.module == "xen_pciback" || o.module == "pciback") && o.name == "hide", let sels = parse(o.value), sels.contains(where: { $0.matches(a) }) {
                return o.file
            }
        }
        for dir in ["/etc/udev/rules.d", "/usr/lib/udev/rules.d", "/lib/udev/rules.d"] {
            for name in (Files.list(host.path(dir)) ?? []).sorted() where name.hasSuffix(".rules") {
                guard let text = Files.readIfPresent(host.path(dir + "/" + name)).map({ String(decoding: $0, as: UTF8.self) }) else { continue }
                for line in text.split(separator: "\n") where !line.hasPrefix("#") && line.contains("driver_override") && line.contains(a.description) {
                    return dir + "/" + name
                }
            }
        }
        return nil
    }

    /// Verifies every hidden device the state records (wildcards for the devices present).
    /// `parse` reads a hide list as the boot-fragment parser does.
    public static func verify(
        state: PCIHideState, tree: SysfsTree, host: HostRoot, present: [PCIAddress],
        parse: (String) -> [DeviceSelection]?
    ) -> [VerifyReport] {
        let facts = HostFacts.read(host)
        var out: [VerifyReport] = []
        for e in state.hidden {
            let addresses: [PCIAddress] = e.selection.address.map { [$0] } ?? present.filter { e.selection.matches($0) }
            for a in addresses {
                var findings: [Finding] = []
                let now = tree.identity(a)
                let identity: VerifyReport.IdentityStatus
                if let recorded = e.identity {
                    if let now {
                        if recorded.matches(now) {
                            identity = .matches
                        } else {
                            identity = .changed(now: now, movedTo: tree.find(recorded, among: present).unique)
                        }
                    } else {
                        identity = .gone(movedTo: tree.find(recorded, among: present).unique)
                    }
                } else {
                    identity = now == nil ? .gone(movedTo: nil) : .notRecorded
                }
                let ids = now.map { PCIIds(vendor: $0.vendor, device: $0.device) }
                let token = token(for: a, ids: ids, facts: facts, parse: parse)
                let driver = tree.driver(a)
                switch identity {
                case .gone(let moved):
                    findings.append(
                        Finding(
                            .attention, "no device at \(a)" + (moved.map { "; the recorded device \(e.identity!.summary) is now at \($0)" } ?? ""),
                            fix: moved.map { "pcihide unhide \(a) && pcihide hide \($0) (nothing is handed over meanwhile)" } ?? "check that the card is fitted, or unhide \(a)"))
                case .changed(let now, let moved):
                    findings.append(
                        Finding(
                            .critical, Renumbering(address: a, recorded: e.identity!, now: now).text + ": pcihide will not bind or hand it over",
                            fix: moved.map { "the recorded device is now at \($0): pcihide unhide \(a) && pcihide hide \($0)" } ?? "unhide \(a) and hide the card at its new address"))
                case .matches, .notRecorded:
                    if facts.commandLine == nil {
                        findings.append(Finding(.attention, "could not read the kernel command line (proc/cmdline)"))
                    } else if token == nil && !(driver.map(HostNames.passthroughDrivers.contains) ?? false) {
                        findings.append(
                            Finding(
                                .attention, "no hide parameter on the running kernel's command line covers it: the boot file edited is not the one this boot used, or it was not regenerated",
                                fix: "pcihide persist --write (it finds this system's boot loader and names the command that rebuilds its boot files), run that command, and reboot"))
                    }
                    if driver.map(HostNames.passthroughDrivers.contains) ?? false, token == nil, facts.commandLine != nil,
                        persistedBy(a, ids: ids, host: host, parse: parse) == nil
                    {
                        findings.append(
                            Finding(
                                .attention, "it is on \(driver!) now, but only until the next boot: no hide parameter on the command line, no modprobe.d options, udev rule or driverctl override brings it back",
                                fix: "pcihide persist --write, then the commands it names"))
                    }
                    if !(driver.map(HostNames.passthroughDrivers.contains) ?? false) {
                        if token != nil {
                            findings.append(
                                Finding(
                                    .attention, "it is on \(driver ?? "no driver"), not the passthrough driver, although the command line hides it: the native driver loaded before the stub",
                                    fix: "load the stub driver from the initramfs (xen-pciback, or vfio-pci with softdep) and regenerate it, or bind now with pcihide hide --now"))
                        } else if facts.commandLine != nil {
                            findings.append(Finding(.attention, "it is on \(driver ?? "no driver"), not the passthrough driver"))
                        }
                    }
                }
                out.append(
                    VerifyReport(
                        address: a, entry: e.selection, token: token, onCommandLine: facts.commandLine == nil ? nil : token != nil,
                        driver: driver, identity: identity, findings: findings))
            }
        }
        return out
    }
}
