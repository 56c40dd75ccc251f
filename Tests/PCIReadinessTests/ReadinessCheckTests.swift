import Glibc
import PCIBinding
import PCIFixtures
import PCIInventory
import PCIModel
import SystemIO
import Testing

@testable import PCIReadiness

/// The readiness checks one by one, on host roots built in a temporary directory: each check in
/// `ReadinessChecks.all` adds its findings in the registry's order.
@Suite("readiness checks")
struct ReadinessCheckTests {
    static let gpu = PCIAddress(sysfsName: "0000:01:00.0")!
    static let audio = PCIAddress(sysfsName: "0000:01:00.1")!

    /// The report on the GPU of PersistenceRoots' host (GPU and audio in group 1) with `hidden`
    /// hidden, after `configure`.
    func inspect(hidden: Set<PCIAddress>, _ configure: (inout HostRootFixture) -> Void = { _ in }, written: (String) -> Void = { _ in }) throws -> ReadinessReport {
        var template = Array(((getenv("TMPDIR").map { String(cString: $0) } ?? "/tmp") + "/pcihide-readiness-XXXXXX").utf8CString)
        let dir = template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)!) }
        defer { _ = try? Command.output(["/bin/rm", "-rf", dir]) }
        var fixture = HostRootFixture(pci: PersistenceRoots.pci())
        configure(&fixture)
        try fixture.write(to: dir)
        written(dir)
        let host = HostRoot(dir, explicit: true)
        let tree = SysfsTree(root: host.path("/sys/bus/pci"))
        let present = try tree.addresses()
        let sources = SafetySources.under(host, tree: tree, mounts: host.path("/proc/mounts"), blockClass: nil)
        let safety = SafetyInspector(tree: tree, present: present, sources: sources, isHidden: { hidden.contains($0) })
        return ReadinessInspector(safety: safety, tree: tree, host: host, present: present, isHidden: { hidden.contains($0) }).inspect(Self.gpu)
    }

    @Test func theChecksRunInTheRegistrysOrder() {
        #expect(ReadinessChecks.names == ["renumbered", "iommu", "untraced", "group", "isolation", "reset", "framebuffer", "sr-iov", "processes"])
        #expect(Set(ReadinessChecks.names).count == ReadinessChecks.all.count, "a check is listed twice")
    }

    @Test func noIOMMUNeedsAttention() throws {
        let report = try inspect(hidden: [Self.gpu, Self.audio]) { host in
            host.iommuUnits = []
            for k in host.pci.functions.indices { host.pci.functions[k].iommuGroup = nil }
        }
        #expect(report.findings.contains { $0.severity == .attention && $0.text.hasPrefix("no IOMMU is active") }, "\(report.findings)")
        #expect(report.verdict == .needsAttention)
    }

    /// A display device whose `resource` cannot be read may hold the boot framebuffer: never
    /// "none" (fail closed).
    @Test func unreadableBARsAreNeverNoFramebuffer() throws {
        let readable = try inspect(hidden: [Self.gpu, Self.audio])
        #expect(readable.framebuffer == nil && readable.verdict == .ready, "\(readable.findings)")
        let report = try inspect(
            hidden: [Self.gpu, Self.audio],
            written: { dir in
                _ = unlink(dir + "/sys/bus/pci/devices/0000:01:00.0/resource")
            })
        #expect(report.framebuffer == "unknown")
        #expect(report.findings.contains { $0.severity == .attention && $0.text.contains("resource could not be read") }, "\(report.findings)")
        #expect(report.verdict == .needsAttention)
    }

    /// The audio function in the GPU's group, on its host driver and not hidden, blocks the group
    /// (a companion); hidden too, the group is viable.
    @Test func aGroupMemberOnAHostDriverIsACompanion() throws {
        let alone = try inspect(hidden: [Self.gpu])
        #expect(alone.group.first { $0.device.address == Self.audio }?.status == .blocks, "\(alone.group)")
        #expect(alone.companions == [Self.audio])
        let both = try inspect(hidden: [Self.gpu, Self.audio])
        #expect(both.group.first { $0.device.address == Self.audio }?.status == .ready, "\(both.group)")
        #expect(both.companions.isEmpty)
        #expect(!both.findings.contains { $0.severity == .critical }, "\(both.findings)")
    }
}
