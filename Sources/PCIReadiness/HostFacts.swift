import PCIModel
import PCISpec
import SystemIO

/// What the whole host says about passthrough, read once under the host root: the kernel command
/// line, the IOMMU units, the CPU vendor, the boot framebuffers in /proc/iomem. A file that cannot
/// be read is recorded as such, never taken for "nothing there".
public struct HostFacts: Sendable {
    /// /proc/cmdline's words; nil when it could not be read.
    public var commandLine: [String]?
    /// The same words with their quotes, for writing the line back (`"dyndbg=file a.c +p"`).
    public var commandLineWords: [String]?
    /// /sys/class/iommu entries (dmar0, ivhd0, smmu3.0x...); nil when the directory is absent.
    public var iommuUnits: [String]?
    /// `GenuineIntel`, `AuthenticAMD`, ... from /proc/cpuinfo; nil when unknown.
    public var cpuVendor: String?
    /// Intel interrupt remapping support (ecap bit 3 of the first DMAR unit); nil when unknown.
    public var interruptRemappingSupported: Bool?
    /// Boot framebuffers and their ranges; nil when /proc/iomem could not be read.
    public var framebuffers: [(name: String, start: UInt64, end: UInt64)]?

    public init(
        commandLine: [String]? = nil, iommuUnits: [String]? = nil, cpuVendor: String? = nil,
        interruptRemappingSupported: Bool? = nil, framebuffers: [(name: String, start: UInt64, end: UInt64)]? = nil
    ) {
        self.commandLine = commandLine; self.iommuUnits = iommuUnits; self.cpuVendor = cpuVendor
        self.interruptRemappingSupported = interruptRemappingSupported; self.framebuffers = framebuffers
    }

    public static func read(_ host: HostRoot) -> HostFacts {
        var f = HostFacts()
        if let text = Files.readIfPresent(host.commandLineFile) {
            // Quotes only group (the kernel strips them from values): `"hide=(02:09.0)"`.
            // A bare `--` ends the kernel's parameters: what follows goes to init, and a hide
            // token there never takes effect.
            let words = KernelCommandLine.kernelWords(Substring(String(decoding: text, as: UTF8.self).map { $0 == "\n" ? " " : $0 }))
            f.commandLineWords = words.map(String.init)
            f.commandLine = words.map(KernelCommandLine.unquoted)
        }
        f.iommuUnits = Files.list(host.iommuClassDirectory)?.sorted()
        if let dmar = f.iommuUnits?.first(where: { $0.hasPrefix("dmar") }),
            let ecap = Files.readIfPresent(host.iommuAttribute(dmar, "intel-iommu/ecap")),
            let v = UInt64(String(decoding: ecap, as: UTF8.self).trimmingBlanks, radix: 16)
        {
            f.interruptRemappingSupported = v & 0x8 != 0
        }
        // AMD's units have no single IR bit (docs/references.md: readiness.md): the interrupt chips say it, for any
        // vendor — `IR-IO-APIC`, `IR-PCI-MSI…` in /proc/interrupts when remapping is on.
        if f.interruptRemappingSupported == nil, f.iommuUnits?.contains(where: { $0.hasPrefix("ivhd") }) == true,
            let interrupts = Files.readIfPresent(host.interruptsFile)
        {
            let text = String(decoding: interrupts, as: UTF8.self)
            f.interruptRemappingSupported = text.contains(" IR-IO-APIC") || text.contains(" IR-PCI-MSI")
        }
        if let cpu = Files.readIfPresent(host.cpuInfoFile) {
            for line in String(decoding: cpu, as: UTF8.self).split(separator: "\n") where line.hasPrefix("vendor_id") {
                f.cpuVendor = line.split(separator: ":").last.map { String($0).trimmingBlanks }
                break
            }
        }
        if let iomem = Files.readIfPresent(host.ioMemoryFile) {
            let text = String(decoding: iomem, as: UTF8.self)
            // Read by a user, /proc/iomem gives every address as 0: as unknown as no file.
            f.framebuffers = Self.addressesHidden(text) ? nil : Self.framebuffers(in: text)
        }
        return f
    }

    /// The owners /proc/iomem gives boot framebuffers (sysfb's BOOTFB, efifb, vesafb, simplefb).
    static let framebufferNames = ["BOOTFB", "efifb", "vesafb", "simplefb", "simple-framebuffer"]

    /// Whether every range in /proc/iomem reads 0-0 (the kernel hides the addresses from users).
    static func addressesHidden(_ iomem: String) -> Bool {
        var sawRange = false
        for line in iomem.split(separator: "\n") {
            guard let range = line.split(separator: ":", maxSplits: 1).first else { continue }
            for bound in String(range).trimmingBlanks.split(separator: "-") {
                sawRange = true
                if bound.contains(where: { $0 != "0" }) { return false }
            }
        }
        return sawRange
    }

    /// Lines `  start-end : owner`, at any depth.
    static func framebuffers(in iomem: String) -> [(name: String, start: UInt64, end: UInt64)] {
        var out: [(String, UInt64, UInt64)] = []
        for line in iomem.split(separator: "\n") {
            let parts = line.split(separator: ":", maxSplits: 1)
            guard parts.count == 2 else { continue }
            let name = String(parts[1]).trimmingBlanks
            guard framebufferNames.contains(where: { name.hasPrefix($0) }) else { continue }
            let range = String(parts[0]).trimmingBlanks.split(separator: "-")
            guard range.count == 2, let s = UInt64(range[0], radix: 16), let e = UInt64(range[1], radix: 16) else { continue }
            out.append((name, s, e))
        }
        return out
    }

    /// The value of `name=` on the command line (the last one wins, as the kernel reads it;
    /// `-` and `_` alike); nil when absent.
    public func parameter(_ name: String) -> String? {
        guard let words = commandLine else { return nil }
        func norm(_ s: Substring) -> String { s.dashesAsUnderscores }
        let want = norm(name[...])
        var found: String?
        for w in words {
            // `""` and a bare `=` are words too (the kernel passes them on); they name nothing.
            let kv = w.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            if !kv[0].isEmpty, norm(kv[0]) == want { found = kv.count > 1 ? String(kv[1]) : "" }
        }
        return found
    }

    /// The last word setting `name` (`-` and `_` alike), as the command line spells it.
    public func word(_ name: String) -> String? {
        let want = name.dashesAsUnderscores
        return commandLine?.last { w in w.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)[0].dashesAsUnderscores == want }
    }

    /// `iommu=pt`, `intel_iommu=off`, ... as one list for the report.
    public var iommuParameters: [String] {
        ["intel_iommu", "amd_iommu", "iommu", "iommu.passthrough", "iommu.strict"].compactMap { p in parameter(p).map { "\(p)=\($0)" } }
    }

    /// An ACS override on the command line: the out-of-tree `pcie_acs_override=` or upstream
    /// `pci=config_acs=` / `pci=disable_acs_redir=`.
    public var acsOverride: String? {
        if let v = parameter("pcie_acs_override") { return "pcie_acs_override=\(v)" }
        if let pci = parameter("pci") {
            for opt in pci.split(separator: ",") where opt.hasPrefix("config_acs=") || opt.hasPrefix("disable_acs_redir=") {
                return "pci=\(opt)"
            }
        }
        return nil
    }

    /// What turns the IOMMU on for this CPU when it is off.
    public var iommuAdvice: String {
        if let off = ["intel_iommu", "amd_iommu", "iommu"].first(where: { parameter($0) == "off" }) {
            return "remove \(off)=off from the kernel command line"
        }
        switch cpuVendor {
        case "GenuineIntel":
            return "enable VT-d in the firmware and add intel_iommu=on to the kernel command line"
        case "AuthenticAMD", "HygonGenuine":
            return "enable the IOMMU (AMD-Vi) in the firmware; the kernel turns it on by itself (amd_iommu=on is not a kernel option)"
        default:
            return "enable the IOMMU in the firmware (VT-d or AMD-Vi) and, on Intel, add intel_iommu=on to the kernel command line"
        }
    }
}
