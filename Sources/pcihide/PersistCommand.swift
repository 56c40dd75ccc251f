import ArgumentParser
import PCIActions
import PCIModel
import PCIPersistence

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
    @Flag(name: .customLong("apply-now"), help: "With --write on this machine: also run the commands that rebuild the boot files (after the state lock is released); exit 69 when one fails.")
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
            try PersistAction.run(
                loader: loader, initramfs: initramfs, driver: driver, write: write, remove: remove, applyNow: applyNow,
                host: host, store: try stateOptions.store(host), tree: try source.tree(host))
        }
    }
}
