import PCISpec
import PCIState
import SystemIO

/// The files of one persist plan as they are read and as they should become; a boot setup adds
/// its edits here (`carry`, `takeOut`), and `PersistPlan` adds the rest.
public final class BootFilePlanner {
    public let host: HostRoot
    public let driver: PersistDriver
    /// The command-line tokens to carry (the hide, and intel_iommu=on where it is added).
    public let tokens: [String]
    /// The running kernel's line: the start of a file that does not exist yet.
    public let running: String
    public var plan = PersistPlan()

    public init(host: HostRoot, driver: PersistDriver, tokens: [String] = [], running: String = "") {
        self.host = host; self.driver = driver; self.tokens = tokens; self.running = running
    }

    /// The text of a regular file under the host root (nil: absent).
    public func text(_ place: String) throws -> String? {
        try Files.readRegularIfPresent(host.path(place)).map { String(decoding: $0, as: UTF8.self) }
    }

    /// `place` as `make` rewrites it. A file written on Windows (every line ending in CR LF) is
    /// edited as LF and written back as CR LF: tokens go before the CR, never after it.
    public func add(_ place: String, _ make: (String?) throws -> String) throws {
        let old = try text(place)
        var e = FileEdit(path: host.path(place), shown: place, old: old, new: "")
        if let old, old.contains("\r\n"), !old.replacing("\r\n", with: "").contains("\n") {
            e.new = try make(old.replacing("\r\n", with: "\n")).replacing("\n", with: "\r\n")
        } else {
            e.new = try make(old)
        }
        plan.edits.append(e)
    }

    /// The tokens for `place`: hide tokens already in it that pcihide would replace are merged
    /// or kept, never dropped (and said).
    public func keep(_ old: String?, _ place: String) -> [String] {
        BootFileEdit.keepingForeign(tokens, in: old, place: place, notes: &plan.notes)
    }

    /// The hide tokens of FILE.pcihide-orig, kept at the first write: what an administrator had
    /// there before pcihide, which undoing leaves.
    public func originalTokens(_ place: String) throws -> [String] {
        try original(place).map { o in
            o.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\"" || $0 == "'" }).filter { BootFragment.isHideToken($0) }.map(String.init)
        } ?? []
    }

    public func original(_ place: String) throws -> String? { try text(place + ".pcihide-orig") }

    /// Undo: `place` as `make` takes pcihide's tokens out; intel_iommu=on goes too where pcihide
    /// added it (the original did not have it).
    public func takeOut(_ place: String, keepingIOMMU: Bool = false, _ make: (String) throws -> String?) throws {
        guard let old = try text(place), var new = try make(old) else { return }
        if try !keepingIOMMU && !(original(place) ?? "").contains("intel_iommu=on") {
            new = BootFileEdit.removingWord(new, "intel_iommu=on")
        }
        plan.edits.append(FileEdit(path: host.path(place), shown: place, old: old, new: new))
    }

    /// etc/kernel/cmdline, which systemd-boot, Proxmox and new BLS kernels take their line from.
    public func carryKernelCmdline() throws {
        try add("/etc/kernel/cmdline") { BootFileEdit.kernelCmdline($0, fallback: running, tokens: keep($0, "/etc/kernel/cmdline")) }
    }

    public func takeOutKernelCmdline() throws {
        try takeOut("/etc/kernel/cmdline") { BootFileEdit.kernelCmdline($0, fallback: "", tokens: try originalTokens("/etc/kernel/cmdline")) }
    }
}
