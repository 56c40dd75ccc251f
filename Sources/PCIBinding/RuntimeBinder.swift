import PCIInventory
import PCIModel
import SystemIO

/// The drivers a device can be handed to at runtime, by their sysfs driver names.
public enum PassthroughDriver: String, CaseIterable, Sendable {
    /// xen-pciback registers as `pciback`.
    case pciback
    case vfio = "vfio-pci"

    /// The module that registers the driver.
    public var module: String { self == .pciback ? "xen-pciback" : "vfio-pci" }
}

/// A runtime bind or unbind that did not end where it should. The message says what happened,
/// what was rolled back and, where the rollback could not finish, what to write by hand.
public struct BindingError: PCIHideError {
    public var exitStatus: ExitStatus
    public var message: String
    public var description: String { message }
}

/// What a device was bound to before and after one change.
public struct BindingChange: Equatable, Sendable {
    public var address: PCIAddress
    public var before: String?
    public var after: String?
    public init(address: PCIAddress, before: String?, after: String?) {
        self.address = address; self.before = before; self.after = after
    }
}

/// Binds devices to pciback or vfio-pci and back, as libvirt and xl do it, through a `SysfsIO`:
/// every write in the documented order, then a check that the `driver` link really points where
/// it should (drivers_probe succeeds even when nothing binds), and a rollback when it does not.
public struct RuntimeBinder {
    public let tree: SysfsTree
    public let io: SysfsIO

    public init(tree: SysfsTree, io: SysfsIO) {
        self.tree = tree
        self.io = io
    }

    var probePath: String { tree.root + "/drivers_probe" }
    func driverPath(_ driver: String, _ attribute: String) -> String { tree.root + "/drivers/" + driver + "/" + attribute }

    /// The driver bound to `a` now (the last component of its `driver` link), or nil.
    public func currentDriver(_ a: PCIAddress) -> String? {
        io.readLink(tree.driverLinkPath(a)).map(Files.baseName)
    }

    public func isLoaded(_ d: PassthroughDriver) -> Bool { Files.isDirectory(tree.root + "/drivers/" + d.rawValue) }

    /// The driver asked for, when it is loaded; else `unavailable` before any write.
    public func require(_ d: PassthroughDriver) throws(Failure) -> PassthroughDriver {
        // On the live tree the driver is loaded when it is missing, as libvirt and xl do; a
        // dry run shows that step. Another tree (--root, --sysfs) is never this kernel's.
        if !isLoaded(d), tree.root == HostRoot.live.pciBusDirectory {
            try io.loadModule(d.module)
            if io.isDryRun || isLoaded(d) { return d }
        }
        guard isLoaded(d) else {
            throw Failure(.unavailable, "\(d.rawValue) is not loaded (no \(tree.root)/drivers/\(d.rawValue)): " + (d == .pciback ? "modprobe xen-pciback (on a Xen dom0)" : "modprobe vfio-pci") + "; nothing was changed")
        }
        return d
    }

    /// pciback when it is loaded, else vfio-pci when it is, else an error that says what to load.
    public func defaultDriver() throws(Failure) -> PassthroughDriver {
        if isLoaded(.pciback) { return .pciback }
        if isLoaded(.vfio) { return .vfio }
        throw Failure(.unavailable, "neither pciback nor vfio-pci is loaded (no \(tree.root)/drivers/pciback or vfio-pci): modprobe xen-pciback on a Xen dom0, or modprobe vfio-pci for KVM")
    }

    func slotListed(_ a: PCIAddress) -> Bool {
        guard let text = io.read(driverPath(PassthroughDriver.pciback.rawValue, "slots")) else { return false }
        // Lines read `0000:02:09.0` (older kernels add more after the address).
        return text.split(whereSeparator: { $0 == "\n" }).contains { $0.hasPrefix(a.description) }
    }

    /// Hands `a` to `driver`: driver_override, unbind from the current driver, (pciback) new_slot
    /// when the slot is not listed, drivers_probe, then verify. A device already bound to
    /// `driver` is left alone.
    /// A device that is not on the tree cannot be bound or given back: say so before any write.
    func requirePresent(_ a: PCIAddress) throws(BindingError) {
        guard Files.isDirectory(tree.devicesDirectory + "/" + a.description) else {
            throw BindingError(exitStatus: .noInput, message: "\(a) is not present in \(tree.devicesDirectory); nothing was changed")
        }
    }

    public func bind(_ a: PCIAddress, to driver: PassthroughDriver) throws(BindingError) -> BindingChange {
        try requirePresent(a)
        let original = currentDriver(a)
        if original == driver.rawValue { return BindingChange(address: a, before: original, after: original) }
        var journal = Journal(binder: self, address: a, original: original)
        do {
            try journal.write(tree.driverOverridePath(a), driver.rawValue, undo: .clearOverride)
            if let original { try journal.write(driverPath(original, "unbind"), a.description, undo: .rebindOriginal) }
            if driver == .pciback && !slotListed(a) {
                try journal.write(driverPath(driver.rawValue, "new_slot"), a.description, undo: .removeSlot)
            }
            try journal.write(probePath, a.description, undo: .unbindWhateverBound)
        } catch {
            throw journal.rollBack(after: error.message, status: error.exitStatus)
        }
        if io.isDryRun { return BindingChange(address: a, before: original, after: driver.rawValue) }
        let now = currentDriver(a)
        guard now == driver.rawValue else {
            let what = now.map { "is bound to \($0)" } ?? "has no driver"
            throw journal.rollBack(after: "after drivers_probe, \(a) \(what), not \(driver.rawValue) (the driver refused it, or another claimed it first)")
        }
        return BindingChange(address: a, before: original, after: now)
    }

    /// Gives `a` back: clears driver_override, unbinds from the passthrough driver (and, for
    /// pciback, removes its slot so pciback does not take it again), then binds `original` or
    /// probes when there was none, and verifies.
    public func unbind(_ a: PCIAddress, restoring original: String?) throws(BindingError) -> BindingChange {
        if let original, !HostNames.isPlainDriverName(original) {
            throw BindingError(exitStatus: .dataError, message: "\(a): the recorded driver \"\(original)\" is not a driver name; nothing was changed (fix the state file, or unhide without --now)")
        }
        try requirePresent(a)
        let current = currentDriver(a)
        var journal = Journal(binder: self, address: a, original: current)
        do {
            try journal.write(tree.driverOverridePath(a), "\n", undo: current.map { .restoreOverride($0) } ?? .none)
            if let current, current != original {
                try journal.write(driverPath(current, "unbind"), a.description, undo: .rebindOriginal)
                if current == PassthroughDriver.pciback.rawValue && slotListed(a) {
                    try journal.write(driverPath(current, "remove_slot"), a.description, undo: .addSlot)
                }
            }
            if current == nil || current != original {
                if let original {
                    try journal.write(driverPath(original, "bind"), a.description, undo: .unbindWhateverBound)
                } else {
                    try journal.write(probePath, a.description, undo: .unbindWhateverBound)
                }
            }
        } catch {
            throw journal.rollBack(after: error.message, status: error.exitStatus)
        }
        if io.isDryRun { return BindingChange(address: a, before: current, after: original) }
        let now = currentDriver(a)
        if let original, now != original {
            let what = now.map { "is bound to \($0)" } ?? "has no driver"
            throw journal.rollBack(after: "after binding \(original), \(a) \(what)")
        }
        return BindingChange(address: a, before: current, after: now)
    }
}

/// The writes done so far for one device, and how to undo each, newest first.
struct Journal {
    enum Undo {
        case none
        case clearOverride
        case restoreOverride(String)
        /// Bind the driver the device had when the change began.
        case rebindOriginal
        case removeSlot
        case addSlot
        /// Unbind whatever driver the device has now.
        case unbindWhateverBound
    }

    let binder: RuntimeBinder
    let address: PCIAddress
    let original: String?
    var done: [Undo] = []

    mutating func write(_ path: String, _ value: String, undo: Undo) throws(Failure) {
        try binder.io.write(path, value)
        done.append(undo)
    }

    /// Undoes what was done, newest first, and returns the error to report: the cause, what was
    /// rolled back, and what is left to do by hand if the rollback failed too.
    func rollBack(after cause: String, status: ExitStatus = .ioError) -> BindingError {
        let a = address.description
        var problems: [String] = []
        func attempt(_ path: String, _ value: String) {
            do { try binder.io.write(path, value) } catch { problems.append("\(error)") }
        }
        // Not simply newest first: a driver_override left set makes the kernel refuse to bind the
        // original driver, so it is undone after the unbind and slot steps and before the rebind.
        func rank(_ u: Undo) -> Int {
            switch u {
            case .unbindWhateverBound: return 0
            case .removeSlot, .addSlot: return 1
            case .clearOverride, .restoreOverride: return 2
            case .rebindOriginal: return 3
            case .none: return 4
            }
        }
        for undo in done.sorted(by: { rank($0) < rank($1) }) {
            switch undo {
            case .none: break
            case .clearOverride: attempt(binder.tree.driverOverridePath(address), "\n")
            case .restoreOverride(let d): attempt(binder.tree.driverOverridePath(address), d)
            case .rebindOriginal:
                if let o = original, binder.currentDriver(address) == nil { attempt(binder.driverPath(o, "bind"), a) }
            case .removeSlot: attempt(binder.driverPath(PassthroughDriver.pciback.rawValue, "remove_slot"), a)
            case .addSlot: attempt(binder.driverPath(PassthroughDriver.pciback.rawValue, "new_slot"), a)
            case .unbindWhateverBound:
                if let now = binder.currentDriver(address), now != original { attempt(binder.driverPath(now, "unbind"), a) }
            }
        }
        let now = binder.currentDriver(address)
        var message = "\(address): \(cause)"
        if done.isEmpty {
            message += "; nothing was changed"
        } else if problems.isEmpty && now == original {
            message += "; rolled back: \(address) is bound to \(original ?? "no driver") as before"
        } else {
            message += "; the rollback did not finish (\(problems.joined(separator: "; ")))"
            message += ", \(address) is now bound to \(now ?? "no driver")"
            if let o = original {
                message += "; to undo by hand: echo > \(binder.tree.driverOverridePath(address)); echo \(a) > \(binder.driverPath(o, "bind"))"
            } else {
                message += "; to undo by hand: echo > \(binder.tree.driverOverridePath(address)); echo \(a) > \(binder.probePath)"
            }
        }
        return BindingError(exitStatus: status, message: message)
    }
}
