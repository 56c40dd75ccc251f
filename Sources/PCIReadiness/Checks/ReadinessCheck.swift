import PCIBinding
import PCIModel

/// One readiness check: what it looks at and the findings it adds. One file per check in this
/// directory, listed once in `ReadinessChecks.all`, whose order is the order of the findings.
protocol ReadinessCheck: Sendable {
    /// A short name, for the tests and the design note (docs/readiness-checks.md).
    static var name: String { get }
    static func run(_ subject: ReadinessSubject, _ r: inout ReadinessReport, _ findings: inout [Finding])
}

/// The device a check looks at, with what every check shares (read once).
struct ReadinessSubject {
    let address: PCIAddress
    let safety: DeviceSafety
    /// The bridges between the device and its root complex, nearest the root first.
    let bridges: [PCIAddress]
    let inspector: ReadinessInspector
    /// The base class and subclass (0x0300: VGA).
    var displayClass: UInt16 { UInt16(truncatingIfNeeded: (safety.classCode ?? 0) >> 8) }
}

/// Every readiness check, in the order its findings are reported.
enum ReadinessChecks {
    static let all: [any ReadinessCheck.Type] = [
        RenumberingCheck.self,
        IOMMUCheck.self,
        UntracedCheck.self,
        GroupCheck.self,
        IsolationCheck.self,
        ResetCheck.self,
        FramebufferCheck.self,
        SRIOVCheck.self,
        DeviceNodeCheck.self,
    ]

    /// The names, for `check`'s tests and documentation.
    public static var names: [String] { all.map { $0.name } }
}
