import PCIModel

/// How the hidden set is written on a kernel or hypervisor command line.
public enum BootStyle: String, CaseIterable, Sendable {
    /// Mainline Linux: `xen-pciback.hide=(0000:02:09.0)(...)`.
    case xenPciback = "xen-pciback"
    /// Old XenLinux: `pciback.hide=(02:09.0)`.
    case pciback
    /// The 2005 prototype: `hide=02:09.0`, one device.
    case hide
    /// Xen 2.0's hypervisor option `physdev_dom0_hide=(02:09.0)`, on the Xen line.
    case physdev
    /// KVM: `vfio-pci.ids=8086:1229`, by vendor and device id.
    case vfio

    /// Does the fragment belong on the hypervisor's line rather than the dom0 kernel's?
    public var isHypervisorOption: Bool { self == .physdev }

    /// The /etc/default/grub variable the fragment goes into.
    public var grubVariable: String {
        switch self {
        case .physdev: return "GRUB_CMDLINE_XEN_DEFAULT"
        case .vfio: return "GRUB_CMDLINE_LINUX_DEFAULT"
        default: return "GRUB_CMDLINE_LINUX_XEN_REPLACE_DEFAULT"
        }
    }

    /// The variable a new assignment starts from, so native settings are kept in Xen entries.
    public var grubInheritedVariable: String? {
        self == .xenPciback || self == .pciback || self == .hide ? "GRUB_CMDLINE_LINUX_DEFAULT" : nil
    }
}

/// The boot loader the fragment is printed for.
public enum BootLoader: String, CaseIterable, Sendable {
    /// Only the kernel-argument fragment.
    case none
    /// A GRUB legacy menu.lst line: `module /boot/vmlinuz… root=… hide=02:09.0`.
    case legacy
    /// A GRUB 2 /etc/default/grub assignment.
    case grub2
}

/// The hidden set cannot be written in the asked-for style.
public struct StyleError: PCIHideError {
    public var message: String
    public var exitStatus: ExitStatus { .usage }
    public var description: String { message }
}

public enum BootFragment {
    /// The command-line token for `selections` in `style`. `ids` are the vendor:device pairs
    /// (needed by, and only by, `.vfio`), in the order they should appear.
    public static func token(style: BootStyle, selections: [DeviceSelection], ids: [PCIIds] = []) throws(StyleError) -> String {
        let sels = selections.sorted()
        if sels.isEmpty { throw StyleError(message: "the hidden set is empty: there is nothing to hide at boot (add devices with 'pcihide hide SPEC')") }
        switch style {
        case .xenPciback:
            return "xen-pciback.hide=" + sels.map { "(" + $0.description + ")" }.joined()
        case .pciback:
            return "pciback.hide=" + sels.map { "(" + ($0.domain == 0 ? $0.shortDescription : $0.description) + ")" }.joined()
        case .hide:
            guard sels.count == 1 else {
                throw StyleError(message: "the 2005 hide= form holds exactly one device, and the hidden set has \(sels.count) (\(sels.map(\.description).joined(separator: ", "))); use --style xen-pciback")
            }
            let s = sels[0]
            guard !s.isWildcard else {
                throw StyleError(message: "the 2005 hide= form takes no wildcards, and the hidden set holds \(s); use --style xen-pciback")
            }
            guard s.domain == 0 else {
                throw StyleError(message: "the 2005 hide= form has no PCI domain, and \(s) is in domain \(hex(s.domain, 4)); use --style xen-pciback")
            }
            return "hide=" + s.shortDescription
        case .physdev:
            if let s = sels.first(where: { $0.domain != 0 }) {
                throw StyleError(message: "physdev_dom0_hide has no PCI domain, and \(s) is in domain \(hex(s.domain, 4)); use --style xen-pciback on the dom0 line")
            }
            if let s = sels.first(where: { $0.isWildcard }) {
                throw StyleError(message: "physdev_dom0_hide takes no wildcards, and the hidden set holds \(s); use --style xen-pciback on the dom0 line")
            }
            return "physdev_dom0_hide=" + sels.map { "(" + $0.shortDescription + ")" }.joined()
        case .vfio:
            guard !ids.isEmpty else {
                throw StyleError(message: "--style vfio needs the devices' vendor and device ids, and none of the hidden devices was found in the inventory")
            }
            var seen = Set<PCIIds>()
            return "vfio-pci.ids=" + ids.filter { seen.insert($0).inserted }.map(\.description).joined(separator: ",")
        }
    }

    /// A GRUB legacy line: `module KERNEL APPEND TOKEN` (or `kernel` for the hypervisor option).
    public static func legacyLine(style: BootStyle, token: String, kernel: String, append: String?) -> String {
        let keyword = style.isHypervisorOption || style == .vfio ? "kernel" : "module"
        return ([keyword, kernel] + [append, token].compactMap { $0.flatMap { $0.isEmpty ? nil : $0 } }).joined(separator: " ")
    }

    /// A GRUB 2 assignment for /etc/default/grub.
    public static func grub2Assignment(style: BootStyle, token: String) -> String {
        // GRUB_CMDLINE_LINUX_DEFAULT already holds the native arguments (quiet, intel_iommu=on,
        // which vfio needs): the printed line, pasted below them, adds to them instead of
        // replacing them. (`grub --default-file` edits the existing value itself.)
        let base = style.grubInheritedVariable ?? (style == .vfio ? style.grubVariable : nil)
        return style.grubVariable + "=\"" + (base.map { "$" + $0 + " " } ?? "") + token + "\""
    }

    /// Is `token` a hide token of any style (so that a new one replaces it)?
    /// Parameter names treat `-` and `_` alike.
    public static func isHideToken(_ token: Substring) -> Bool {
        guard let eq = token.firstIndex(of: "=") else { return false }
        let name = token[..<eq].lowercased().dashesAsUnderscores
        return ["hide", "xen_pciback.hide", "pciback.hide", "physdev_dom0_hide", "vfio_pci.ids"].contains(name)
    }
}
