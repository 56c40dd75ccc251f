import SystemIO
import PCIActions
import ArgumentParser
import PCIBinding
import PCIModel
import PCISpec
import PCIState

struct Unhide: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Remove devices from the hidden set.",
        discussion: """
            Takes the same spec forms as hide. Unhiding a device that is not hidden says so and \
            succeeds. With --now the device is also given back at once: driver_override cleared, \
            unbound from pciback or vfio-pci, and bound to the driver it had before hide --now.
            """
    )

    @Argument(help: ArgumentHelp("Devices to unhide.", valueName: "spec"), completion: .hiddenDevices)
    var specs: [String]

    @Flag(help: "Unhide even when a guest domain owns the device.")
    var force = false

    @OptionGroup var runtime: RuntimeOptions
    @OptionGroup var host: HostOptions
    @OptionGroup var timeouts: TimeoutOptions
    @OptionGroup var stateOptions: StateOptions
    @OptionGroup var source: SourceOptions

    static func leftAlone(_ a: PCIAddress, driver: String?) -> String {
        "left \(a) on \(driver ?? "no driver"): it was not bound by pcihide (hide --now), and pcihide never unbinds what it did not bind"
    }

    func run() throws {
        try reporting {
            try timeouts.apply()
            let parsed = try SpecParser.parseAll(specs)
            let selections = try HiddenSetChange.entries(from: parsed).map(\.selection)
            if runtime.now {
                for s in selections where s.address == nil {
                    throw Failure(.usage, "unhide --now takes device addresses, not the wildcard \(s): name each device")
                }
            }
            let host = try self.host.resolve()
            let store = try stateOptions.store(host)
            let binder = RuntimeBinder(tree: try source.tree(host), io: runtime.io())
            if runtime.dryRun {
                // A dry run refuses what the real run would refuse, before printing any write.
                let state = try store.load()
                var after = state
                for s in selections { _ = try HiddenSetChange.unhide(s, force: force, in: &after) }
                for s in selections {
                    guard let entry = state.entry(for: s), entry.runtimeDriver != nil else {
                        note(Self.leftAlone(s.address!, driver: binder.currentDriver(s.address!)))
                        continue
                    }
                    _ = try binder.unbind(s.address!, restoring: entry.originalDriver)
                }
                runtime.printDryRun(binder.io)
                return
            }
            var given: [(BindingChange, String)] = []
            let messages: [String]
            do {
                messages = try store.update { state in
                    var messages: [String] = []
                    for s in selections {
                        let entry = state.entry(for: s)
                        messages.append(try HiddenSetChange.unhide(s, force: force, in: &state))
                        guard runtime.now, let a = s.address else { continue }
                        // pcihide never unbinds a device it did not bind: a device that is not
                        // hidden, or was hidden without --now, stays on the driver it has.
                        guard entry?.runtimeDriver != nil else {
                            messages.append(Self.leftAlone(a, driver: binder.currentDriver(a)))
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
                    if let d = PassthroughDriver(rawValue: driver), (try? binder.bind(c.address, to: d)) != nil { back.append(c.address.description) }
                    else { stuck.append(c.address.description) }
                }
                var message = "\(error)"
                if !back.isEmpty { message += "; \(back.joined(separator: ", ")) went back to the passthrough driver, as the state still records" }
                if !stuck.isEmpty { message += "; \(stuck.joined(separator: ", ")) stayed with the host driver although the state records it as bound: run pcihide unhide --now again" }
                throw Failure((error as? PCIHideError)?.exitStatus ?? .software, message)
            }
            messages.forEach { print($0) }
        }
    }
}
