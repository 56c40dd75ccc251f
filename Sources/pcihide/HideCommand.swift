import SystemIO
import PCIActions
import ArgumentParser
import PCIBinding
import PCIModel
import PCIReadiness
import PCISpec
import PCIState

struct Hide: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Add devices to the hidden set.",
        discussion: """
            SPEC is any form users type: 02:09.0, 0000:02:09.0, hide=02:09.0, \
            xen-pciback.hide=(02:09.0)(0000:04:1d.*), (05:*.*), or an xl spec such as \
            36:00.0@1d,permissive=1. Every spec is checked before anything is recorded. \
            Hiding a device already hidden says so and succeeds. Devices the host needs are \
            refused unless --force: the host bridge and every bridge, the boot VGA device, devices \
            holding mounted file systems and network functions carrying the host's network; \
            --group companions pass the same refusals, and --force never reaches them. With \
            --now the devices are also bound to pciback or vfio-pci at once.
            """
    )

    @Argument(help: ArgumentHelp("Devices to hide.", valueName: "spec"), completion: .presentDevices)
    var specs: [String]

    @Flag(help: "Print the boot-loader fragment for the whole hidden set afterwards (status lines go to standard error).")
    var grub = false

    @OptionGroup var runtime: RuntimeOptions

    @Option(help: ArgumentHelp("With --now: pciback or vfio-pci (default: pciback when loaded, else vfio-pci).", valueName: "driver"))
    var driver: PassthroughDriver?

    @Flag(help: "Hide a named device the host needs (bridge, boot VGA, mounted file systems, the host's network) all the same.")
    var force = false

    @Flag(help: "Also hide the IOMMU-group companions and sibling functions that would be left behind.")
    var group = false

    @Flag(help: "With a VENDOR:DEVICE spec: it must select exactly one device (else the matches are listed and nothing is hidden).")
    var one = false

    @Flag(help: "Move hidden entries whose device was renumbered (a card added) to the address where their recorded identity is now; shows the move, --yes makes it.")
    var remap = false

    @Flag(help: "With --remap: make the move.")
    var yes = false

    @OptionGroup var boot: BootOptions
    @OptionGroup var host: HostOptions
    @OptionGroup var timeouts: TimeoutOptions
    @OptionGroup var stateOptions: StateOptions
    @OptionGroup var source: SourceOptions
    @OptionGroup var safety: SafetyOptions

    func validate() throws {
        if driver != nil && !runtime.now { throw ValidationError("--driver goes with --now") }
        if remap && (runtime.now || group || grub || one || force) { throw ValidationError("--remap moves recorded entries; it goes with none of --now, --group, --grub, --one, --force") }
        if yes && !remap { throw ValidationError("--yes goes with --remap") }
    }

    func run() throws {
        try reporting {
            try timeouts.apply()
            let host = try self.host.resolve()
            let tree = try source.tree(host)
            let store = try stateOptions.store(host)
            if remap {
                try Remap.run(specs: specs, tree: tree, store: store, confirmed: yes)
                return
            }
            // VENDOR:DEVICE[:SUBVENDOR:SUBDEVICE] selects the devices with those ids, whatever
            // their address; each is then hidden by address like any other spec.
            let specs = try IDSelection.expand(self.specs, tree: tree, one: one)
            let parsed = try SpecParser.parseAll(specs)
            var entries = try HiddenSetChange.entries(from: parsed)
            // Safety checks that read nothing would pass everything: the tree must be there.
            try tree.requireReadable()
            let present = try tree.addresses()
            HiddenSetChange.warnAbsent(entries.map(\.selection), present: present, tree: tree)
            let named = SelectionIndex(entries.map(\.selection))
            var targets = present.filter(named.matches)

            let binder = RuntimeBinder(tree: tree, io: runtime.io())
            // Read once for the checks below; the transaction reads it again under the lock.
            let current = try store.load()
            // A device already hidden whose address now holds another one is not bound.
            if runtime.now {
                for a in targets {
                    if let r = tree.renumbering(at: a, recorded: current.entry(for: DeviceSelection(a))?.identity) {
                        throw Failure(.usage, "\(r.text): pcihide will not bind it; pcihide verify says where the recorded one is; nothing was changed")
                    }
                }
            }
            // What the host needs is refused first; then the driver is settled (loaded on the
            // live host when missing), before any write, a dry run included.
            let inspector = targets.isEmpty ? nil : try safety.inspector(host: host, tree: tree, present: present, state: current)
            if let inspector {
                try HideSafety.review(&entries, &targets, inspector: inspector, force: force, group: group)
                try HideSafety.reviewUntraced(inspector, targets: targets, now: runtime.now, force: force)
            }
            let chosen: PassthroughDriver? = runtime.now ? try (driver.map(binder.require) ?? binder.defaultDriver()) : nil
            if let inspector { try HideSafety.reviewIOMMU(inspector, driver: chosen) }
            var bind: RuntimeHide?
            // Runtime bindings are recorded per function: a wildcard already in the set that
            // covers a device bound now is recorded device by device (its present functions).
            var splitting: [HiddenEntry] = []
            if let chosen {
                for a in targets where current.entry(for: DeviceSelection(a)) == nil {
                    guard let w = current.covering(DeviceSelection(a)), !splitting.contains(where: { $0.selection == w.selection }) else { continue }
                    if w.carriesRecords {
                        throw Failure(.usage, "\(a) is hidden by \(w.selection) (\(HiddenSetChange.recordText(w, in: current))), which cannot record a binding per device; bind it by naming the wildcard's devices after 'pcihide release \(w.selection)', or use hide --now before the wildcard is handed over; nothing was changed")
                    }
                    splitting.append(w)
                }
                let r = try RuntimeHide(entries: entries, targets: targets, tree: tree, binder: binder, driver: chosen)
                if runtime.dryRun {
                    try r.bindAll()
                    runtime.printDryRun(r.binder.io)
                    return
                }
                // Bound devices are recorded one by one, with the driver each had before.
                entries = r.perAddressEntries
                bind = r
            }
            // What each device hidden by address is (companions and bound devices included), so
            // that a later renumbering is noticed (verify, domain start --apply, watch).
            let presentSet = Set(present)
            for k in entries.indices {
                if let a = entries[k].selection.address, presentSet.contains(a) { entries[k].identity = tree.identity(a) }
            }
            let plan = BootPlan(style: boot.style, loader: boot.loader, kernel: boot.kernel, append: boot.append, tree: tree)
            var bound: [BindingChange] = []
            let messages: [String], fragment: String?
            do {
                (messages, fragment) = try store.update { state -> ([String], String?) in
                    var messages: [String] = []
                    for w in splitting {
                        state.unhide(w.selection)
                        let covered = present.filter { w.selection.matches($0) }
                        for a in covered { state.hide(HiddenEntry(selection: DeviceSelection(a), since: w.since)) }
                        messages.append("\(w.selection) is now recorded device by device (\(covered.map(\.description).joined(separator: ", "))), so that each binding is recorded with the driver it had")
                    }
                    messages += try HiddenSetChange.hide(entries, in: &state)
                    if let bind {
                        let (changes, lines) = try bind.bindAll(recordingIn: &state)
                        bound = changes
                        messages += lines
                    }
                    // Render inside the transaction: a set the style cannot express records nothing.
                    return (messages, grub ? try plan.render(state) : nil)
                }
            } catch {
                // Nothing was recorded (state and history are written as a pair, or not at
                // all): the hardware goes back to what the state says, and the message says so.
                if bound.isEmpty { throw error }
                let status = (error as? PCIHideError)?.exitStatus ?? .software
                throw RuntimeHide.undo(bound, binder: binder, after: "\(error)", status: status)
            }
            if let fragment {
                messages.forEach { note($0) }
                print(fragment)
            } else {
                messages.forEach { print($0) }
            }
        }
    }
}
