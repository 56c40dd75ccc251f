import PCIModel
import PCIState
import Testing

@testable import PCIOwnership

let nic = DeviceSelection(bus: 2, device: 9, function: 0)
let gpu = DeviceSelection(bus: 3, device: 0, function: 0)

func stateWith(_ sels: DeviceSelection...) -> PCIHideState {
    var s = PCIHideState()
    for sel in sels { s.hide(HiddenEntry(selection: sel, since: "t0")) }
    return s
}

@Suite("Hand-over policy")
struct OwnershipTests {
    @Test("the 2005 rule: first domain started, then the next one started after its owner dies")
    func prototypeRule() throws {
        var s = stateWith(nic)
        #expect(try Ownership.start(1, name: "first", in: &s, now: "t1") == [nic])
        #expect(try Ownership.start(2, name: nil, in: &s, now: "t2") == [])
        #expect(s.entry(for: nic)?.owner == 1)
        #expect(try Ownership.kill(1, in: &s, now: "t3") == [nic])
        // Domain 2 was already running: it does not get the device.
        #expect(s.entry(for: nic)?.owner == nil)
        #expect(try Ownership.start(3, name: nil, in: &s, now: "t4") == [nic])
        #expect(s.entry(for: nic)?.owner == 3 && s.entry(for: nic)?.ownerSince == "t4")
    }

    @Test func devicesHiddenWhileDomainsRunWaitForTheNextStart() throws {
        var s = PCIHideState()
        _ = try Ownership.start(1, name: nil, in: &s, now: "t1")
        s.hide(HiddenEntry(selection: nic, since: "t2"))
        #expect(s.entry(for: nic)?.owner == nil)
        #expect(try Ownership.start(2, name: nil, in: &s, now: "t3") == [nic])
    }

    @Test func assignPinsNowOrAtNextStart() throws {
        var s = stateWith(nic, gpu)
        #expect(try Ownership.assign([gpu], to: 5, force: false, in: &s, now: "t1") == [.reserved(gpu)])
        #expect(s.entry(for: gpu)?.reservedFor == 5)
        // Another domain starting takes the auto device, not the one reserved for 5.
        #expect(try Ownership.start(4, name: nil, in: &s, now: "t2") == [nic])
        #expect(try Ownership.start(5, name: nil, in: &s, now: "t3") == [gpu])
        #expect(throws: Failure.self) { try Ownership.assign([nic], to: 5, force: false, in: &s, now: "t4") }
    }

    @Test func takingFromARunningDomainNeedsForce() throws {
        var s = stateWith(nic)
        _ = try Ownership.start(1, name: "web", in: &s, now: "t1")
        _ = try Ownership.start(2, name: nil, in: &s, now: "t2")
        do {
            _ = try Ownership.assign([nic], to: 2, force: false, in: &s, now: "t3")
            Issue.record("assigned without --force")
        } catch {
            #expect(error.description.contains("owned by running domain 1 (web)"))
            #expect(error.exitStatus == .usage)
        }
        #expect(try Ownership.assign([nic], to: 2, force: true, in: &s, now: "t3") == [.taken(nic, from: 1)])
        #expect(s.entry(for: nic)?.owner == 2 && s.entry(for: nic)?.policy == .pinned(2))
    }

    @Test func manualDevicesAreNeverHandedOverByThemselves() throws {
        var s = stateWith(nic)
        _ = try Ownership.setPolicy([nic], manual: true, in: &s)
        #expect(try Ownership.start(1, name: nil, in: &s, now: "t1") == [])
        #expect(try Ownership.assign([nic], to: 1, force: false, in: &s, now: "t2") == [.given(nic)])
        _ = try Ownership.release([nic], in: &s, now: "t3")
        #expect(s.entry(for: nic)?.owner == nil && s.entry(for: nic)?.policy == .auto)
    }

    @Test("domain ids are checked", arguments: [(0, "dom0"), (-1, "not a domain id"), (0x7ff0, "reserved by Xen"), (0xffff, "reserved by Xen")])
    func domainIds(_ id: Int, _ reason: String) {
        var s = stateWith(nic)
        #expect(throws: Failure.self) { try Ownership.start(id, name: nil, in: &s, now: "t") }
        do { try Ownership.validate(domain: id) } catch { #expect(error.description.contains(reason)) }
        #expect(s.domains.isEmpty)
    }

    @Test func errorsForUnknownDevicesAndDomains() {
        var s = stateWith(nic)
        #expect(throws: Failure.self) { try Ownership.assign([gpu], to: 1, force: false, in: &s, now: "t") }
        #expect(throws: Failure.self) { try Ownership.kill(4, in: &s, now: "t") }
        _ = try? Ownership.start(4, name: "a", in: &s, now: "t")
        #expect(throws: Failure.self) { try Ownership.start(4, name: nil, in: &s, now: "t") }
        #expect(throws: Failure.self) { try Ownership.start(5, name: "a", in: &s, now: "t") }
    }

    @Test func wildcardEntriesAreAssignedWhole() throws {
        let bus = DeviceSelection(bus: 5, device: nil, function: nil)
        var s = stateWith(bus)
        _ = try Ownership.start(1, name: nil, in: &s, now: "t")
        let one = DeviceSelection(bus: 5, device: 1, function: 0)
        #expect(try Ownership.release([one], in: &s, now: "t") == [bus])
    }

    @Test func splitSlotsAreReported() throws {
        let f0 = DeviceSelection(bus: 3, device: 0, function: 0), f1 = DeviceSelection(bus: 3, device: 0, function: 1)
        var s = stateWith(f0, f1)
        _ = try Ownership.start(1, name: nil, in: &s, now: "t")
        #expect(Ownership.splitSlots(in: s).isEmpty)
        _ = try Ownership.start(2, name: nil, in: &s, now: "t")
        _ = try Ownership.assign([f1], to: 2, force: true, in: &s, now: "t")
        #expect(Ownership.splitSlots(in: s) == ["the functions of slot 0000:03:00 are split: 0000:03:00.0 domain 1, 0000:03:00.1 domain 2"])
    }
}
