import PCIInventory
import PCIModel
import PCIPersistence
import PCIState
import SystemIO

/// `persist`: the boot setup detected (or given), the plan for the hidden set shown as a diff,
/// and with `write` applied as one transaction (an interrupted one completed first); then the
/// commands that rebuild the boot files, printed or (`applyNow`) run.
public enum PersistAction {
    /// Runs one rebuild command through the shell, as the administrator would type it; a
    /// rebuild may take minutes (update-initramfs for every kernel), hence the long bound.
    public static func runCommand(_ command: String) throws(Failure) {
        _ = try Command.output(["/bin/sh", "-c", command], timeout: max(Command.defaultTimeout, 1800))
    }

    /// `rebuild` runs each command of `applyNow` once the state lock is released: no other
    /// pcihide command waits on update-initramfs. A persist --write that lands meanwhile runs its
    /// own rebuild after it, so the last rebuild reads the last files.
    public static func run(
        loader: BootSetup?, initramfs: InitramfsTool?, driver: PersistDriver?, write: Bool, remove: Bool, applyNow: Bool,
        host: HostRoot, store: StateStore, tree: SysfsTree, rebuild: (String) throws(Failure) -> Void = runCommand
    ) throws {
        let detected = SetupDetector.detect(host)
        guard let setup = loader ?? detected.setup else {
            throw Failure(.unavailable, "no boot setup recognised under \(host): looked for " + Detection.lookedFor.joined(separator: "; ") + "; give --loader to choose one")
        }
        note(loader != nil ? "boot loader: \(setup.rawValue) (--loader)" : "boot loader: \(setup.rawValue): \(detected.setupWhy)")
        let tool = initramfs ?? detected.initramfs
        note(tool.map { "initramfs: \($0.rawValue)" + (initramfs != nil ? " (--initramfs)" : ": " + detected.initramfsWhy) } ?? "initramfs: none found (\(detected.initramfsWhy)); the stub driver must then be built into the kernel")
        let drv = driver ?? (setup.bootsXen || Files.exists(host.xenCapabilitiesFile) ? .xenPciback : .vfio)
        let commands: [String] = try store.withLock { state in
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
                print(
                    unifiedDiff(
                        old: e.old ?? "", new: e.new ?? "", oldName: e.old == nil ? "/dev/null" : e.shown,
                        newName: e.new == nil ? "/dev/null" : e.shown + " (pcihide)"), terminator: "")
            }
            if changed == 0 {
                note("every file already says this; nothing to change")
            } else if !write {
                note("not written: add --write to apply these \(changed) change(s)")
                return []
            } else {
                // The bytes each file holds now (not the text the editors read): what a
                // failure part-way puts back.
                let changes = try plan.edits.filter { $0.old != $0.new }.map { e in
                    FileChange(shown: e.shown, old: try Files.readRegularIfPresent(e.path), new: e.new.map { Array($0.utf8) })
                }
                try PersistTransaction.apply(changes, host: host, intent: intent)
                note("wrote \(changed) file(s); the first original of each is kept as FILE.pcihide-orig, the previous version as FILE.pcihide-bak")
            }
            return plan.commands
        }
        guard !commands.isEmpty else { return }
        if applyNow {
            // Every command runs (update-initramfs still matters when update-grub failed); a
            // failed one fails persist: the files say the set, the boot does not have it yet.
            var failed: [String] = []
            for c in commands {
                do throws(Failure) { try rebuild(c); note("ran: \(c) (exit status 0)") } catch {
                    note("\(c): \(error.message)")
                    failed.append(c)
                }
            }
            if !failed.isEmpty {
                throw Failure(
                    .unavailable,
                    "the boot files say the hidden set, but " + failed.joined(separator: " and ") + (failed.count == 1 ? " has" : " have")
                        + " not run to the end: the next boot does not have the set until " + (failed.count == 1 ? "it does" : "they do") + "; run " + (failed.count == 1 ? "it" : "them") + " again")
            }
        } else {
            note("now run: " + commands.joined(separator: " && "))
        }
    }
}
