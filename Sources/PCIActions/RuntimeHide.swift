import PCIBinding
import PCIInventory
import PCIModel
import PCIState
import SystemIO

/// `hide --now`: binds every target to the passthrough driver; a failure part-way gives the
/// devices bound earlier in the same command back to their drivers.
public struct RuntimeHide {
    public let entries: [HiddenEntry]
    public let targets: [PCIAddress]
    public let binder: RuntimeBinder
    public let driver: PassthroughDriver

    public init(entries: [HiddenEntry], targets: [PCIAddress], tree: SysfsTree, binder: RuntimeBinder, driver: PassthroughDriver) throws(Failure) {
        for e in entries where !targets.contains(where: { e.selection.matches($0) }) {
            throw Failure(.usage, "cannot bind \(e.selection) now: no such device in \(tree.devicesDirectory); nothing was changed")
        }
        self.entries = entries
        self.targets = targets
        self.binder = binder
        self.driver = driver
    }

    /// One exact entry per bound device (a wildcard given with --now is recorded device by device).
    public var perAddressEntries: [HiddenEntry] {
        targets.map { a in
            var e = entries.first { $0.selection.matches(a) }!
            e.selection = DeviceSelection(a)
            return e
        }
    }

    @discardableResult
    public func bindAll() throws(BindingError) -> [BindingChange] {
        var done: [BindingChange] = []
        for a in targets {
            do {
                done.append(try binder.bind(a, to: driver))
            } catch {
                let (restored, _) = Self.giveBack(done, binder: binder)
                var e = error
                if !restored.isEmpty { e.message += "; \(restored.joined(separator: ", ")), bound earlier in this command, went back to their drivers" }
                throw e
            }
        }
        return done
    }

    /// Gives back devices bound in a command whose state change could not be written, so
    /// that the hardware agrees with the state; the error says which happened.
    public static func undo(_ changes: [BindingChange], binder: RuntimeBinder, after message: String, status: ExitStatus) -> Failure {
        let (restored, stuck) = giveBack(changes, binder: binder)
        var message = message
        if !restored.isEmpty { message += "; the binding was rolled back: \(restored.joined(separator: ", ")) went back to their drivers" }
        if !stuck.isEmpty { message += "; could not roll back \(stuck.joined(separator: ", ")): pcihide unhide --now --force after fixing the state file, or echo the address to the driver's unbind by hand" }
        return Failure(status, message)
    }

    /// Undoes `changes`, newest first: each device goes back to the driver it had. Returns the
    /// devices given back and, described, those that could not be.
    public static func giveBack(_ changes: [BindingChange], binder: RuntimeBinder) -> (restored: [String], stuck: [String]) {
        var restored: [String] = [], stuck: [String] = []
        for c in changes.reversed() where c.before != c.after {
            if (try? binder.unbind(c.address, restoring: c.before)) != nil { restored.append(c.address.description) } else { stuck.append("\(c.address) (bound to \(c.after ?? "no driver"), was \(c.before ?? "no driver"))") }
        }
        return (restored, stuck)
    }

    /// Binds and records in `state` what each device was bound to before.
    public func bindAll(recordingIn state: inout PCIHideState) throws(BindingError) -> ([BindingChange], [String]) {
        let changes = try bindAll()
        return (
            changes,
            changes.map { c in
                state.update(DeviceSelection(c.address)) { e in
                    // Re-binding a device pcihide bound earlier keeps the driver it had first.
                    if e.runtimeDriver == nil || c.before != c.after { e.originalDriver = c.before }
                    e.runtimeDriver = c.after
                }
                return c.before == c.after
                    ? "\(c.address) is already bound to \(c.after ?? "no driver")"
                    : "bound \(c.address) to \(c.after ?? "no driver") (was \(c.before ?? "no driver"))"
            }
        )
    }
}
