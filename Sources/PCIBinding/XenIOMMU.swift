import PCIModel
import SystemIO

#if canImport(Glibc)
import Glibc
#endif

/// What Xen says of its IOMMU. A Xen dom0 sees no IOMMU groups, since Xen, not Linux, owns
/// VT-d and AMD-Vi: the kernel's view (no `iommu_group` anywhere) says nothing there, and only
/// Xen can tell (`xl info`'s `virt_caps` lists `pv_directio`/`hvm_directio` when I/O
/// virtualisation is enabled). See docs/fail-closed.md.
public struct XenIOMMU: Equatable, Sendable {
    public enum State: Equatable, Sendable {
        case on
        case off
        /// xl could not be asked: the state is said to be unknown, never taken for off or on.
        case unknown
    }
    public var state: State
    /// What the state was read from, or why it could not be.
    public var evidence: String

    public var isOn: Bool { state == .on }

    /// The line `check` prints after `IOMMU: `.
    public var summary: String {
        switch state {
        case .on: return "on (Xen owns it: \(evidence))"
        case .off: return "off (Xen: \(evidence))"
        case .unknown: return "unknown (Xen dom0: \(evidence))"
        }
    }

    /// What to do about it, in Xen's terms (its own command line, not dom0's `intel_iommu=`).
    public var advice: String {
        switch state {
        case .on: return ""
        case .off: return "enable VT-d or AMD-Vi in the firmware and leave iommu= off the Xen command line, or set iommu=1 there (GRUB_CMDLINE_XEN_DEFAULT in /etc/default/grub); dom0's intel_iommu= means nothing under Xen"
        case .unknown: return "run pcihide as root on the dom0 with xl installed (xen-utils), or read xl info's virt_caps (pv_directio means on)"
        }
    }

    /// nil when the host root is not a Xen dom0: `/sys/hypervisor/type` is not `xen`, or
    /// `/proc/xen/capabilities` says it is a guest. `xl` is asked only on the live host (or
    /// $PCIHIDE_XL, a program standing in for xl on another root), bounded by a timeout.
    public static func read(_ host: HostRoot, run: ([String]) throws(Failure) -> String = { (a) throws(Failure) in try Command.output(a) }) -> XenIOMMU? {
        guard let type = Files.readIfPresent(host.hypervisorTypeFile), String(decoding: type, as: UTF8.self).trimmingBlanks == "xen" else { return nil }
        if let caps = Files.readIfPresent(host.xenCapabilitiesFile), !String(decoding: caps, as: UTF8.self).contains("control_d") { return nil }
        let stand = getenv("PCIHIDE_XL").map { String(cString: $0) }.flatMap { $0.isEmpty ? nil : $0 }
        guard host.isLive || stand != nil else {
            return XenIOMMU(state: .unknown, evidence: "xl info cannot be asked for a host root other than / (set PCIHIDE_XL to a program that answers for it)")
        }
        let info: String
        do { info = try run([stand ?? "xl", "info"]) } catch {
            return XenIOMMU(state: .unknown, evidence: "xl info: \(error.message)")
        }
        return parse(xlInfo: info)
    }

    /// `virt_caps : pv pv_directio ...`: directio means Xen set up the IOMMU for passthrough.
    public static func parse(xlInfo text: String) -> XenIOMMU {
        for line in text.split(separator: "\n") {
            let kv = line.split(separator: ":", maxSplits: 1)
            guard kv.count == 2, kv[0].trimmingBlanks == "virt_caps" else { continue }
            let caps = kv[1].trimmingBlanks
            let direct = caps.split(separator: " ").contains { $0.hasSuffix("directio") }
            return XenIOMMU(state: direct ? .on : .off, evidence: "xl info virt_caps: \(caps)")
        }
        return XenIOMMU(state: .unknown, evidence: "xl info printed no virt_caps line")
    }
}
