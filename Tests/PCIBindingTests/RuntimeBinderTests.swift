import PCIBinding
import PCIFixtures
import PCIInventory
import PCIModel
import SystemIO
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A host tree in a fresh temporary directory with pciback and vfio-pci loaded, driven by the
/// simulated kernel.
struct Host {
    let dir: String
    let kernel: SimulatedKernel
    var tree: SysfsTree { SysfsTree(root: dir + "/sys/bus/pci") }
    var binder: RuntimeBinder { RuntimeBinder(tree: tree, io: kernel) }

    init(drivers: [String] = ["pciback", "vfio-pci", "e1000e", "i915", "ahci", "pcieport"]) throws {
        var template = Array(((getenv("TMPDIR").map { String(cString: $0) } ?? "/tmp") + "/pcihide-bind-XXXXXX").utf8CString)
        dir = template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)!) }
        try SysfsFixture.writeHost(to: dir)
        try SimulatedKernel.loadDrivers(drivers, root: dir + "/sys/bus/pci")
        kernel = SimulatedKernel(root: dir + "/sys/bus/pci")
        kernel.nativeDrivers = [nic: "e1000e", PCIAddress(sysfsName: "0000:01:00.1")!: "e1000e"]
    }

    let nic = PCIAddress(sysfsName: "0000:01:00.0")!
    let bare = PCIAddress(sysfsName: "0000:02:09.0")!

    func paths(_ writes: [(path: String, value: String)]) -> [String] {
        writes.map { String($0.path.dropFirst(dir.count + "/sys/bus/pci/".count)) + " " + LiveSysfs.shown($0.value) }
    }
}

@Suite("Runtime binding")
struct RuntimeBinderTests {
    @Test func pcibackBindWritesInOrderAndVerifies() throws {
        let h = try Host()
        let change = try h.binder.bind(h.nic, to: .pciback)
        #expect(change == BindingChange(address: h.nic, before: "e1000e", after: "pciback"))
        #expect(h.kernel.driver(h.nic) == "pciback")
        #expect(
            h.paths(h.kernel.writes) == [
                "devices/0000:01:00.0/driver_override pciback",
                "drivers/e1000e/unbind 0000:01:00.0",
                "drivers/pciback/new_slot 0000:01:00.0",
                "drivers_probe 0000:01:00.0",
            ])
    }

    @Test func listedSlotIsNotAddedAgain() throws {
        let h = try Host()
        try h.kernel.write(h.dir + "/sys/bus/pci/drivers/pciback/new_slot", "0000:01:00.0")
        _ = try h.binder.bind(h.nic, to: .pciback)
        #expect(!h.paths(h.kernel.writes).dropFirst().contains { $0.hasPrefix("drivers/pciback/new_slot") })
        #expect(h.kernel.driver(h.nic) == "pciback")
    }

    @Test func vfioBindAndUnbindRestoresTheOriginalDriver() throws {
        let h = try Host()
        _ = try h.binder.bind(h.nic, to: .vfio)
        #expect(h.kernel.driver(h.nic) == "vfio-pci")
        let back = try h.binder.unbind(h.nic, restoring: "e1000e")
        #expect(back.after == "e1000e")
        #expect(h.kernel.driver(h.nic) == "e1000e")
        #expect(h.kernel.override(h.nic) == nil, "a stale driver_override would block later rebinds")
        #expect(
            Array(h.paths(h.kernel.writes).suffix(3)) == [
                "devices/0000:01:00.0/driver_override \\n",
                "drivers/vfio-pci/unbind 0000:01:00.0",
                "drivers/e1000e/bind 0000:01:00.0",
            ])
    }

    @Test func pcibackUnbindRemovesTheSlot() throws {
        let h = try Host()
        _ = try h.binder.bind(h.nic, to: .pciback)
        _ = try h.binder.unbind(h.nic, restoring: "e1000e")
        #expect(h.kernel.listedSlots().isEmpty)
        #expect(h.kernel.driver(h.nic) == "e1000e")
    }

    @Test func deviceWithoutDriverIsProbedBack() throws {
        let h = try Host()
        _ = try h.binder.bind(h.bare, to: .pciback)
        #expect(!h.paths(h.kernel.writes).contains { $0.contains("unbind") })
        let back = try h.binder.unbind(h.bare, restoring: nil)
        #expect(back.after == nil)
        #expect(h.paths(h.kernel.writes).last == "drivers_probe 0000:02:09.0")
    }

    @Test func alreadyBoundIsLeftAlone() throws {
        let h = try Host()
        _ = try h.binder.bind(h.nic, to: .pciback)
        let n = h.kernel.writes.count
        let again = try h.binder.bind(h.nic, to: .pciback)
        #expect(again.before == "pciback" && h.kernel.writes.count == n)
    }

    /// A failure at each step leaves the device bound to its original driver, and says so.
    @Test(
        "a failure at any step rolls back",
        arguments: [
            ("driver_override", EACCES, PCIModel.ExitStatus.noPermission),
            ("e1000e/unbind", EBUSY, .ioError),
            ("pciback/new_slot", EROFS, .ioError),
            ("drivers_probe", ENODEV, .ioError),
        ])
    func failureRollsBack(_ step: String, _ code: Int32, _ status: PCIModel.ExitStatus) throws {
        let h = try Host()
        h.kernel.failures[step] = code
        do {
            _ = try h.binder.bind(h.nic, to: .pciback)
            Issue.record("expected a failure at \(step)")
        } catch {
            #expect(error.exitStatus == status)
            #expect(error.description.contains(step), "\(error)")
            let rolledBack = error.description.contains("rolled back") || error.description.contains("nothing was changed")
            #expect(rolledBack, "\(error)")
        }
        #expect(h.kernel.driver(h.nic) == "e1000e")
        #expect(h.kernel.override(h.nic) == nil)
        #expect(h.kernel.listedSlots().isEmpty)
    }

    @Test func driverThatNeverBindsIsCaughtAndRolledBack() throws {
        let h = try Host()
        h.kernel.neverBinds = ["vfio-pci"]
        do {
            _ = try h.binder.bind(h.nic, to: .vfio)
            Issue.record("expected the verification to fail")
        } catch {
            #expect(error.description.contains("has no driver, not vfio-pci"), "\(error)")
            #expect(error.description.contains("rolled back: 0000:01:00.0 is bound to e1000e"), "\(error)")
        }
        #expect(h.kernel.driver(h.nic) == "e1000e")
    }

    @Test func failedRollbackSaysWhatToDoByHand() throws {
        let h = try Host()
        h.kernel.neverBinds = ["vfio-pci"]
        h.kernel.failures["e1000e/bind"] = EIO
        do {
            _ = try h.binder.bind(h.nic, to: .vfio)
            Issue.record("expected a failure")
        } catch {
            #expect(error.description.contains("rollback did not finish"), "\(error)")
            #expect(error.description.contains("to undo by hand: echo > "), "\(error)")
            #expect(error.description.contains("drivers/e1000e/bind"), "\(error)")
        }
    }

    @Test func defaultDriverPrefersPciback() throws {
        #expect(try Host().binder.defaultDriver() == .pciback)
        #expect(try Host(drivers: ["vfio-pci", "e1000e"]).binder.defaultDriver() == .vfio)
        #expect(throws: Failure.self) { try Host(drivers: ["e1000e"]).binder.defaultDriver() }
    }

    @Test func dryRunRecordsAndChangesNothing() throws {
        let h = try Host()
        let dry = DryRunSysfs()
        _ = try RuntimeBinder(tree: h.tree, io: dry).bind(h.nic, to: .pciback)
        #expect(
            dry.lines == [
                "write \(h.dir)/sys/bus/pci/devices/0000:01:00.0/driver_override pciback",
                "write \(h.dir)/sys/bus/pci/drivers/e1000e/unbind 0000:01:00.0",
                "write \(h.dir)/sys/bus/pci/drivers/pciback/new_slot 0000:01:00.0",
                "write \(h.dir)/sys/bus/pci/drivers_probe 0000:01:00.0",
            ])
        #expect(h.kernel.driver(h.nic) == "e1000e")
    }
}

@Suite("Safety report")
struct SafetyTests {
    func inspector(_ h: Host, traced: Bool = true, hidden: Set<String> = []) throws -> SafetyInspector {
        var sources = SafetySources.under(HostRoot(h.dir), tree: h.tree, mounts: h.dir + "/proc/mounts", blockClass: nil)
        if !traced { sources.blockClass = nil }
        return SafetyInspector(tree: h.tree, present: try h.tree.addresses(), sources: sources, isHidden: { hidden.contains($0.description) })
    }

    @Test func groupCompanionsAndSiblings() throws {
        let h = try Host()
        let s = try inspector(h, hidden: ["0000:01:00.1"]).inspect(h.nic)
        #expect(s.iommuGroup == "2")
        #expect(s.groupCompanions == [RelatedDevice(address: PCIAddress(sysfsName: "0000:01:00.1")!, driver: "e1000e", hidden: true)])
        #expect(s.siblings.map(\.address.description) == ["0000:01:00.1"])
        #expect(s.leftBehind.isEmpty, "a hidden companion is not left behind")
        #expect(s.refusals.isEmpty)
        let t = try inspector(h).inspect(h.nic)
        #expect(t.leftBehind.map(\.address.description) == ["0000:01:00.1"])
    }

    @Test func refusals() throws {
        let h = try Host()
        let i = try inspector(h)
        #expect(i.inspect(PCIAddress(sysfsName: "0000:00:00.0")!).refusals == ["it is the host bridge"])
        #expect(i.inspect(PCIAddress(sysfsName: "0000:00:02.0")!).refusals.first?.contains("boot VGA") == true)
        let sata = i.inspect(PCIAddress(sysfsName: "0000:00:17.0")!)
        #expect(sata.mounts == ["/"])
        #expect(sata.refusals == ["it holds mounted file systems (/)"])
        #expect(i.inspect(h.bare).refusals.isEmpty)
    }

    @Test func bridgeShowsWhatIsBehindIt() throws {
        let h = try Host()
        let s = try inspector(h).inspect(PCIAddress(sysfsName: "0000:00:01.0")!)
        #expect(s.isBridge)
        #expect(s.behind.map(\.address.description) == ["0000:01:00.0", "0000:01:00.1"])
        #expect(s.mounts.isEmpty)
    }

    @Test func untracedMountsAreSaidSo() throws {
        let h = try Host()
        let s = try inspector(h, traced: false).inspect(PCIAddress(sysfsName: "0000:00:17.0")!)
        #expect(!s.mountsTraced && s.mounts.isEmpty)
    }
}
