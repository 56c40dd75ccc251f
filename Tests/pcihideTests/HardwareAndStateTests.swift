import PCIBinding
import PCIFixtures
import PCIModel
import SystemIO
import Testing

@testable import pcihide

#if canImport(Glibc)
import Glibc
#endif

/// hide --now and unhide --now through the commands themselves, with a simulated kernel behind
/// the runtime seam and faults injected into the state and history writes: after any failure
/// the state records what the hardware is, or the hardware goes back to what the state says.
@Suite("hardware and state agree", .serialized)
final class HardwareAndStateTests {
    let dir: String
    let kernel: SimulatedKernel
    var state: String { dir + "/state.json" }
    let nic = PCIAddress(sysfsName: "0000:01:00.0")!
    let bare = PCIAddress(sysfsName: "0000:02:09.0")!

    init() throws {
        var template = Array(((getenv("TMPDIR").map { String(cString: $0) } ?? "/tmp") + "/pcihide-agree-XXXXXX").utf8CString)
        dir = template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)!) }
        try SysfsFixture.writeHost(to: dir)
        let pci = HostRootFixture.pciRoot(dir)
        try SimulatedKernel.loadDrivers(["pciback", "vfio-pci", "e1000e", "i915", "ahci", "pcieport"], root: pci)
        kernel = SimulatedKernel(root: pci)
        kernel.nativeDrivers = [nic: "e1000e", PCIAddress(sysfsName: "0000:01:00.1")!: "e1000e"]
        let k = kernel
        RuntimeOptions.kernel = { k }
    }

    deinit {
        RuntimeOptions.kernel = { LiveSysfs() }
        Files.clearInjectedFailure(at: state)
        Files.clearInjectedFailure(at: state + ".history")
    }

    func run(_ command: [String]) throws {
        var c = try PCIHide.parseAsRoot(command + ["--root", dir, "--state", state])
        try c.run()
    }

    func load() throws -> String { String(decoding: try Files.read(state), as: UTF8.self) }

    @Test func aStateWriteThatFailsRollsTheBindBack() throws {
        Files.injectFailure(ENOSPC, at: state)
        #expect(throws: (any Error).self) { try self.run(["hide", "01:00.0", "01:00.1", "--now", "--driver", "pciback"]) }
        Files.clearInjectedFailure(at: state); Files.clearInjectedFailure(at: state + ".history")
        #expect(kernel.driver(nic) == "e1000e", "the bind was rolled back: the state records nothing")
        #expect(!Files.exists(state))
    }

    /// The history is written before the state (they commit as a pair): a history that cannot
    /// be written records nothing, and the device goes back like for a failed state write.
    @Test func aHistoryLineThatFailsRecordsNothingAndRollsTheBindBack() throws {
        Files.injectFailure(EIO, at: state + ".history")
        #expect(throws: (any Error).self) { try self.run(["hide", "02:09.0", "--now", "--driver", "pciback"]) }
        Files.clearInjectedFailure(at: state); Files.clearInjectedFailure(at: state + ".history")
        #expect(kernel.driver(bare) == nil, "the bind was rolled back: the state records nothing")
        #expect(!Files.exists(state))
        // The same command again succeeds (no half-done change stands in its way).
        try run(["hide", "02:09.0", "--now", "--driver", "pciback"])
        #expect(kernel.driver(bare) == "pciback")
        #expect(try load().contains("\"boundTo\": \"pciback\""))
    }

    @Test func aWildcardCoveringABoundDeviceIsRecordedDeviceByDevice() throws {
        try run(["hide", "(02:*.*)"])
        try run(["hide", "02:09.0", "--now", "--driver", "pciback"])
        #expect(kernel.driver(bare) == "pciback")
        let text = try load()
        #expect(!text.contains("02:*.*"), "\(text)")
        #expect(text.contains("\"device\": \"0000:02:09.0\"") && text.contains("\"boundTo\": \"pciback\""), "\(text)")
        // And it can be given back, since what it had is recorded.
        try run(["unhide", "02:09.0", "--now"])
        #expect(kernel.driver(bare) == nil)
    }

    @Test func anUnhideWhoseStateWriteFailsGoesBackToThePassthroughDriver() throws {
        try run(["hide", "02:09.0", "--now", "--driver", "pciback"])
        Files.injectFailure(ENOSPC, at: state)
        #expect(throws: (any Error).self) { try self.run(["unhide", "02:09.0", "--now"]) }
        Files.clearInjectedFailure(at: state); Files.clearInjectedFailure(at: state + ".history")
        #expect(kernel.driver(bare) == "pciback", "the state still says bound to pciback, and so is the device")
    }
}
