import PCIModel
import PCIPersistence
import PCISpec
import PCIState
import SystemIO

public enum GrubEditing {
    /// `grub --edit`: /etc/default/grub given the token of the hidden set, under the state
    /// lock so that two editors cannot interleave.
    public static func edit(path: String, plan: BootPlan, store: StateStore, write: Bool) throws {
        try store.withLock { state in
            let token: String? = state.hidden.isEmpty ? nil : try plan.token(for: state)
            try apply(path: path, style: plan.style, token: token, write: write)
        }
    }

    public static func apply(path: String, style: BootStyle, token: String?, write: Bool) throws {
        let old = try Files.readText(path)
        let edit = try GrubDefaultFile.plan(old, style: style, token: token, path: path)
        let new = edit.text
        for n in edit.notes { note(n) }
        if old == new {
            note("\(path) already says this; nothing to change")
            return
        }
        print(unifiedDiff(old: old, new: new, oldName: path, newName: path + " (pcihide)"), terminator: "")
        guard write else {
            note("not written: add --write to apply this change")
            return
        }
        // Called under the state lock, which every editor takes: leftovers are a killed run's.
        Files.removeStaleTemporaries(of: path)
        let target = try Files.writeTarget(path)
        // The distribution's original is kept once and never replaced; the previous version
        // is kept beside it, so two edits never lose the first.
        let original = target + ".pcihide-orig"
        if !Files.exists(original) { try Files.backup(target, to: original) }
        try Files.backup(target, to: target + ".pcihide-bak")
        try Files.writeAtomically(path, Array(new.utf8))
        if target != path { note("\(path) is a symbolic link to \(target): wrote \(target) and kept the link") }
        note("wrote \(target) (previous version: \(target).pcihide-bak, original: \(original)); now run update-grub (Debian) or grub2-mkconfig -o /boot/grub2/grub.cfg (Fedora)")
    }
}
