import PCIBinding
import PCIInventory
import PCIModel
import PCISpec
import PCIState
import SystemIO

/// What `hide` was asked to do, parsed.
public struct HideRequest {
    public var specs: [String]
    /// A VENDOR:DEVICE spec must select exactly one device.
    public var one: Bool
    /// Bind now (`--now`), or only show the writes (`--dry-run`) through `io`.
    public var now: Bool
    public var dryRun: Bool
    public var io: SysfsIO
    public var driver: PassthroughDriver?
    public var force: Bool
    /// Also hide the group companions and siblings left behind.
    public var group: Bool
    /// The boot fragment to render from the new set (`--grub`).
    public var fragment: BootPlan?
    /// The safety inspector for the devices present and the set as it is.
    public var inspector: (_ present: [PCIAddress], _ state: PCIHideState) throws -> SafetyInspector

    public init(
        specs: [String], one: Bool, now: Bool, dryRun: Bool, io: SysfsIO, driver: PassthroughDriver?, force: Bool, group: Bool,
        fragment: BootPlan?, inspector: @escaping (_ present: [PCIAddress], _ state: PCIHideState) throws -> SafetyInspector
    ) {
        self.specs = specs; self.one = one; self.now = now; self.dryRun = dryRun; self.io = io; self.driver = driver
        self.force = force; self.group = group; self.fragment = fragment; self.inspector = inspector
    }
}

/// What `hide` did.
public enum HideOutcome {
    /// `--now --dry-run`: the sysfs writes, in order (`write PATH VALUE`); nothing changed.
    case dryRun([String])
    /// The messages of the change, and the boot fragment when one was asked for.
    case done(messages: [String], fragment: String?)
}

/// `hide`: the specs resolved to devices, the host's needs refused, the driver settled, then the
/// set (and with --now the bindings) changed in one transaction; a failure after binding puts
/// the hardware back.
public enum HideAction {
    public static func run(_ request: HideRequest, tree: SysfsTree, store: StateStore) throws -> HideOutcome {
        // VENDOR:DEVICE[:SUBVENDOR:SUBDEVICE] selects the devices with those ids, whatever
        // their address; each is then hidden by address like any other spec.
        let specs = try IDSelection.expand(request.specs, tree: tree, one: request.one)
        let parsed = try SpecParser.parseAll(specs)
        var entries = try HiddenSetChange.entries(from: parsed)
        // Safety checks that read nothing would pass everything: the tree must be there.
        try tree.requireReadable()
        let present = try tree.addresses()
        HiddenSetChange.warnAbsent(entries.map(\.selection), present: present, tree: tree)
        let named = SelectionIndex(entries.map(\.selection))
        var targets = present.filter(named.matches)

        let binder = RuntimeBinder(tree: tree, io: request.io)
        // Read once for the checks below; the transaction reads it again under the lock.
        let current = try store.load()
        // A device already hidden whose address now holds another one is not bound.
        if request.now {
            for a in targets {
                if let r = tree.renumbering(at: a, recorded: current.entry(for: DeviceSelection(a))?.identity) {
                    throw Failure(.usage, "\(r.text): pcihide will not bind it; pcihide verify says where the recorded one is; nothing was changed")
                }
            }
        }
        // What the host needs is refused first; then the driver is settled (loaded on the
        // live host when missing), before any write, a dry run included.
        let inspector = targets.isEmpty ? nil : try request.inspector(present, current)
        if let inspector {
            try HideSafety.review(&entries, &targets, inspector: inspector, force: request.force, group: request.group)
            try HideSafety.reviewUntraced(inspector, targets: targets, now: request.now, force: request.force)
        }
        let chosen: PassthroughDriver? = request.now ? try (request.driver.map(binder.require) ?? binder.defaultDriver()) : nil
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
            if request.dryRun {
                try r.bindAll()
                return .dryRun((r.binder.io as? DryRunSysfs)?.lines ?? [])
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
                return (messages, try request.fragment.map { try $0.render(state) })
            }
        } catch {
            // Nothing was recorded (state and history are written as a pair, or not at
            // all): the hardware goes back to what the state says, and the message says so.
            if bound.isEmpty { throw error }
            let status = (error as? PCIHideError)?.exitStatus ?? .software
            throw RuntimeHide.undo(bound, binder: binder, after: "\(error)", status: status)
        }
        return .done(messages: messages, fragment: fragment)
    }
}
