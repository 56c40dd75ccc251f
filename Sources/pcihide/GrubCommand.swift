import ArgumentParser
import PCIActions
import PCIModel
import SystemIO

struct Grub: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the boot-loader fragment for the hidden set, or edit /etc/default/grub.",
        discussion: """
            Without --default-file or --edit, prints the fragment and changes nothing. With them, \
            shows the change to /etc/default/grub as a unified diff; --write applies it atomically \
            (keeping the previous version at PATH.pcihide-bak and the first original, written once, at \
            PATH.pcihide-orig; a symbolic link is kept and its target edited). Run update-grub (Debian) or grub2-mkconfig -o \
            /boot/grub2/grub.cfg (Fedora) afterwards.
            """
    )

    @OptionGroup var boot: BootOptions

    @Option(name: .customLong("default-file"), help: ArgumentHelp("The /etc/default/grub to edit (implies --edit).", valueName: "path"))
    var defaultFile: String?

    @Flag(help: "Edit $PCIHIDE_GRUB_DEFAULT, else /etc/default/grub: replace the hide token of the style's variable.")
    var edit = false

    @Flag(help: "With --edit or --default-file: write the change (otherwise only the diff is shown).")
    var write = false

    @OptionGroup var host: HostOptions
    @OptionGroup var stateOptions: StateOptions
    @OptionGroup var source: SourceOptions

    func validate() throws {
        if write && defaultFile == nil && !edit {
            throw ValidationError("--write goes with --default-file PATH or --edit")
        }
        if (defaultFile != nil || edit) && boot.loader == .legacy {
            throw ValidationError("--default-file edits /etc/default/grub (GRUB 2); it does not combine with --loader legacy")
        }
    }

    func grubPath(_ host: HostRoot) throws(Failure) -> String? {
        guard defaultFile != nil || edit else { return nil }
        return try host.resolve(option: defaultFile, name: "--default-file", env: "PCIHIDE_GRUB_DEFAULT", absolute: "/etc/default/grub")
    }

    func run() throws {
        try reporting {
            let host = try self.host.resolve()
            let plan = BootPlan(style: boot.style, loader: boot.loader, kernel: boot.kernel, append: boot.append, tree: try source.tree(host))
            let store = try stateOptions.store(host)
            guard let path = try grubPath(host) else {
                print(try plan.render(try store.load()))
                return
            }
            try GrubEditing.edit(path: path, plan: plan, store: store, write: write)
        }
    }
}
