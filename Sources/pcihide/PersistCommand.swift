import PCIActions
import ArgumentParser
import PCIInventory
import PCIModel
import PCIPersistence
import PCIReadiness
import PCISpec
import PCIState
import SystemIO

extension BootSetup: ExpressibleByArgument {}
extension InitramfsTool: ExpressibleByArgument {}

extension PersistDriver: ExpressibleByArgument {}

struct Persist: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Make the hidden set survive reboots on the boot setup this root uses, and say what to run.",
        discussion: "Detects the boot loader (" + BootSetups.all.compactMap { $0.title }.joined(separator: ", ") + """
            ) and the initramfs generator (initramfs-tools, dracut, \
            mkinitcpio) under the host root, says what it found and why, and shows as a diff what \
            they need for the hidden set: the kernel command line in the right file, \
            modprobe.d options and softdeps, the passthrough driver in the initramfs, and for \
            identical cards a per-address driver_override rule. --write applies it (atomic, with \
            backups; a second run changes nothing); then run the command it prints, or give \
            --apply-now to run it on this machine.
            """
    )

    @Option(help: "The passthrough driver: xen-pciback (Xen dom0) or vfio-pci (KVM). Default: xen-pciback on Xen setups, else vfio-pci.")
    var driver: PersistDriver?
    @Option(help: ArgumentHelp("The boot setup, instead of detecting it: " + BootSetups.all.map { $0.helpName }.joined(separator: ", ") + "."))
    var loader: BootSetup?
    @Option(help: "The initramfs generator, instead of detecting it: initramfs-tools, dracut, mkinitcpio.")
    var initramfs: InitramfsTool?
    @Flag(help: "Write the changes (otherwise only the diff is shown).") var write = false
    @Flag(help: "Take out what pcihide persist wrote (its tokens, its own files, the initramfs modules it added), whatever is hidden now; with an empty hidden set, persist does this by itself.")
    var remove = false
    @Flag(name: .customLong("apply-now"), help: "With --write on this machine: also run the commands that rebuild the boot files, and report their exit status.")
    var applyNow = false
    @OptionGroup var host: HostOptions
    @OptionGroup var timeouts: TimeoutOptions
    @OptionGroup var stateOptions: StateOptions
    @OptionGroup var source: SourceOptions

    func validate() throws {
        if applyNow && !write { throw ValidationError("--apply-now goes with --write") }
    }

    func run() throws {
        try reporting {
            try timeouts.apply()
            let host = try self.host.resolve()
            if applyNow && !host.isLive { throw Failure(.usage, "--apply-now runs the boot tools of this machine; with --root, run them inside that system") }
            let detected = SetupDetector.detect(host)
            guard let setup = loader ?? detected.setup else {
                throw Failure(.unavailable, "no boot setup recognised under \(host): looked for " + Detection.lookedFor.joined(separator: "; ") + "; give --loader to choose one")
            }
            note(loader != nil ? "boot loader: \(setup.rawValue) (--loader)" : "boot loader: \(setup.rawValue): \(detected.setupWhy)")
            let tool = initramfs ?? detected.initramfs
            note(tool.map { "initramfs: \($0.rawValue)" + (initramfs != nil ? " (--initramfs)" : ": " + detected.initramfsWhy) } ?? "initramfs: none found (\(detected.initramfsWhy)); the stub driver must then be built into the kernel")
            let store = try stateOptions.store(host)
            let tree = try source.tree(host)
            let drv = driver ?? (setup.bootsXen || Files.exists(host.path("/proc/xen/capabilities")) ? .xenPciback : .vfio)
            try store.withLock { state in
                // A persist --write killed part-way left its intent: the set is completed first.
                let intent = store.path + ".persist-intent"
                if write, let done = try PersistTransaction.recover(host: host, intent: intent) {
                    note("completed an interrupted persist --write: " + done.files.joined(separator: "; "))
                } else if !write, Files.exists(intent) {
                    warn("an interrupted persist --write left \(intent): persist --write completes it before anything else")
                }
                let plan = try PersistPlan.make(setup: setup, tool: tool, driver: drv, state: state, tree: tree, host: host, remove: remove) { onlyHolders in
                    HideSafety.handOverRefusal(host: host, tree: tree, onlyHolders: onlyHolders)
                }
                plan.notes.forEach { note($0) }
                var changed = 0
                for e in plan.edits where e.old != e.new {
                    changed += 1
                    print(unifiedDiff(old: e.old ?? "", new: e.new ?? "", oldName: e.old == nil ? "/dev/null" : e.shown,
                                      newName: e.new == nil ? "/dev/null" : e.shown + " (pcihide)"), terminator: "")
                }
                if changed == 0 {
                    note("every file already says this; nothing to change")
                } else if !write {
                    note("not written: add --write to apply these \(changed) change(s)")
                    return
                } else {
                    // The bytes each file holds now (not the text the editors read): what a
                    // failure part-way puts back.
                    let changes = try plan.edits.filter { $0.old != $0.new }.map { e in
                        FileChange(shown: e.shown, old: try Files.readRegularIfPresent(e.path), new: e.new.map { Array($0.utf8) })
                    }
                    try PersistTransaction.apply(changes, host: host, intent: intent)
                    note("wrote \(changed) file(s); the first original of each is kept as FILE.pcihide-orig, the previous version as FILE.pcihide-bak")
                }
                guard !plan.commands.isEmpty else { return }
                if applyNow {
                    for c in plan.commands {
                        do { _ = try Command.output(["/bin/sh", "-c", c], timeout: max(Command.defaultTimeout, 1800)); note("ran: \(c) (exit status 0)") } catch { note("\(c): \(error)") }
                    }
                } else {
                    note("now run: " + plan.commands.joined(separator: " && "))
                }
            }
        }
    }
}

