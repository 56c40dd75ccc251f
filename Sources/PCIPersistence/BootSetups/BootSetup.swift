import PCISpec
import SystemIO

/// One boot setup whose kernel command line pcihide can make carry the hide: how it is
/// recognised (with the evidence it says), which files carry the line and how they are edited,
/// and what must run after. One file per setup in this directory, listed once in
/// `BootSetups.all` (docs/boot-setups.md).
public protocol BootSetupDefinition: Sendable {
    /// The name on the command line (`--loader`) and in every message.
    static var name: String { get }
    /// How `--loader`'s help names it (the name and, where it helps, a word on it).
    static var helpName: String { get }
    /// How `persist`'s help names the loader (nil: another setup's title covers it).
    static var title: String? { get }
    /// The evidence looked for, said when no setup matched (nil: another setup's line covers it).
    static var evidence: String? { get }
    /// Where detection asks it, lowest first: the evidence that proves most comes first
    /// (docs/references.md: persistence.md, "which command-line source is live").
    static var precedence: Int { get }
    /// It boots Xen: its dom0 takes xen-pciback, never vfio-pci.
    static var bootsXen: Bool { get }
    /// Why this root uses the setup, or nil when its evidence is not there.
    static func detect(_ probe: BootProbe) -> String?
    /// The kernel command line edited to carry `planner.tokens`, and the commands that refresh it.
    static func carry(_ planner: BootFilePlanner) throws
    /// The tokens pcihide added taken out again (undo).
    static func takeOut(_ planner: BootFilePlanner) throws
    /// What the setup's tools must run after its files change.
    static func refreshCommands(_ host: HostRoot) -> [String]
}

extension BootSetupDefinition {
    public static var helpName: String { name }
    public static var bootsXen: Bool { false }
    public static func refreshCommands(_ host: HostRoot) -> [String] { [] }
}

/// A boot setup by name: what `--loader` parses and detection returns.
public struct BootSetup: RawRepresentable, Hashable, CaseIterable, Sendable {
    public let definition: any BootSetupDefinition.Type
    public var rawValue: String { definition.name }
    public var bootsXen: Bool { definition.bootsXen }

    public init(_ definition: any BootSetupDefinition.Type) { self.definition = definition }
    public init?(rawValue: String) {
        guard let d = BootSetups.all.first(where: { $0.name == rawValue }) else { return nil }
        definition = d
    }
    public static var allCases: [BootSetup] { BootSetups.all.map { BootSetup($0) } }
    public static func == (a: BootSetup, b: BootSetup) -> Bool { a.rawValue == b.rawValue }
    public func hash(into h: inout Hasher) { h.combine(rawValue) }
}

/// What detection reads under the host root, once, for every setup to look at.
public struct BootProbe: Sendable {
    public let host: HostRoot
    /// etc/default/grub ("" when absent).
    public let grubDefault: String
    /// The `*.conf` names in boot/loader/entries.
    public let entries: [String]
    /// The LoaderInfo EFI variable as text (systemd-boot writes it).
    public let loaderInfo: String?
    /// /proc/cmdline, the running kernel's line.
    public let commandLine: String?

    public init(_ host: HostRoot) {
        self.host = host
        grubDefault = Files.readIfPresent(host.path("/etc/default/grub")).map { String(decoding: $0, as: UTF8.self) } ?? ""
        entries = (Files.list(host.path("/boot/loader/entries")) ?? []).filter { $0.hasSuffix(".conf") }
        loaderInfo = (Files.list(host.efiVariablesDirectory) ?? []).first { $0.hasPrefix("LoaderInfo-4a67b082-0a4c-41cf-b6c7-440b29bb8c4f") }
            .flatMap { Files.readIfPresent(host.efiVariable($0)) }
            .map { bytes in String(decoding: bytes.dropFirst(4).enumerated().filter { $0.offset % 2 == 0 }.map(\.element), as: UTF8.self) }
        commandLine = Files.readIfPresent(host.commandLineFile).map { String(decoding: $0, as: UTF8.self) }
    }

    /// The running line's words, split as the kernel splits them.
    public var commandLineWords: [Substring] { commandLine.map { KernelCommandLine.words($0[...]) } ?? [] }
}
