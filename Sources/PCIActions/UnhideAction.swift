import PCIBinding
import PCIModel
import PCIState
import SystemIO

/// What `unhide` did.
public enum UnhideOutcome {
    /// `--now --dry-run`: what would be left alone, and the sysfs writes in order.
    case dryRun(notes: [String], writes: [String])
    case done([String])
}

/// `unhide`: the entries leave the set and, with --now, the devices pcihide bound go back to the
/// driver they had, in one transaction; pcihide never unbinds a device it did not bind.
public enum UnhideAction {
    public static func leftAlone(_ a: PCIAddress, driver: String?) -> String {
        "left \(a) on \(driver ?? "no driver"): it was not bound by pcihide (hide --now), and pcihide never unbinds what it did not bind"
    }

    public static func run(_ selections: [DeviceSelection], force: Bool, now: Bool, dryRun: Bool, binder: RuntimeBinder, store: StateStore) throws -> UnhideOutcome {
        if dryRun {
            // A dry run refuses what the real run would refuse, before printing any write.
            var notes: [String] = []
            let state = try store.load()
            var after = state
            for s in selections { _ = try HiddenSetChange.unhide(s, force: force, in: &after) }
            for s in selections {
                guard let entry = state.entry(for: s), entry.runtimeDriver != nil else {
                    notes.append(leftAlone(s.address!, driver: binder.currentDriver(s.address!)))
                    continue
                }
                _ = try binder.unbind(s.address!, restoring: entry.originalDriver)
            }
            return .dryRun(notes: notes, writes: (binder.io as? DryRunSysfs)?.lines ?? [])
        }
        var given: [(BindingChange, String)] = []
        let messages: [String]
        do {
            messages = try store.update { state in
                var messages: [String] = []
                for s in selections {
                    let entry = state.entry(for: s)
                    messages.append(try HiddenSetChange.unhide(s, force: force, in: &state))
                    guard now, let a = s.address else { continue }
                    // pcihide never unbinds a device it did not bind: a device that is not
                    // hidden, or was hidden without --now, stays on the driver it has.
                    guard entry?.runtimeDriver != nil else {
                        messages.append(leftAlone(a, driver: binder.currentDriver(a)))
                        continue
                    }
                    // A failure here is handled below with every other one: devices given back
                    // earlier in this command return to the passthrough driver.
                    let c = try binder.unbind(a, restoring: entry?.originalDriver)
                    given.append((c, entry?.runtimeDriver ?? c.before ?? ""))
                    messages.append("gave \(a) back to \(c.after ?? "no driver") (was \(c.before ?? "no driver"))")
                }
                return messages
            }
        } catch {
            // The state still says hidden and bound: the devices go back to the passthrough
            // driver, unless the state file itself holds the change.
            if given.isEmpty { throw error }
            var back: [String] = [], stuck: [String] = []
            for (c, driver) in given.reversed() {
                if let d = PassthroughDriver(rawValue: driver), (try? binder.bind(c.address, to: d)) != nil { back.append(c.address.description) } else { stuck.append(c.address.description) }
            }
            var message = "\(error)"
            if !back.isEmpty { message += "; \(back.joined(separator: ", ")) went back to the passthrough driver, as the state still records" }
            if !stuck.isEmpty { message += "; \(stuck.joined(separator: ", ")) stayed with the host driver although the state records it as bound: run pcihide unhide --now again" }
            throw Failure((error as? PCIHideError)?.exitStatus ?? .software, message)
        }
        return .done(messages)
    }
}
