import ArgumentParser
import PCIInventory
import PCIModel
import PCISpec
import PCIState
import SystemIO

/// Which host's files pcihide reads and writes: every host path (/sys, /proc, /etc, /boot,
/// /dev, /var) is taken under this one directory.
struct HostOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Read and write the host's files under this directory (default: $PCIHIDE_ROOT, else /). --sysfs, --state, --mounts and --block-class narrow it.", valueName: "dir"), completion: .directory)
    var root: String?

    func resolve() throws(Failure) -> HostRoot { try HostRoot.resolve(option: root) }
}

/// How long another program (xl, virsh, xenstore-*, modprobe, update-grub, ...) may run.
struct TimeoutOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Seconds each program pcihide runs (xl, virsh, modprobe, update-grub, ...) may take before it and its children are ended (default: $PCIHIDE_TIMEOUT, else 60; persist --apply-now gives boot-file rebuilds at least 1800).", valueName: "seconds"))
    var timeout: Double?

    func validate() throws {
        if let timeout, !(timeout > 0 && timeout.isFinite) { throw ValidationError("--timeout must be a number of seconds above 0") }
    }

    /// Sets the timeout every external command takes; a bad $PCIHIDE_TIMEOUT is a usage error.
    func apply() throws(Failure) {
        if let timeout { Command.timeoutOption = timeout } else { _ = try Command.environmentTimeout() }
    }
}

/// Where the state file is.
struct StateOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The state file (default: $PCIHIDE_STATE, else /var/lib/pcihide/state.json under the host root for root or with --root, else $XDG_STATE_HOME/pcihide/state.json).", valueName: "path"), completion: .file())
    var state: String?

    func store(_ host: HostRoot) throws(Failure) -> StateStore { try StateStore(option: state, host: host) }
}

/// Where devices are read from.
struct SourceOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("A sysfs PCI root holding devices/ (default: $PCIHIDE_SYSFS, else sys/bus/pci under the host root).", valueName: "dir"), completion: .directory)
    var sysfs: String?

    func tree(_ host: HostRoot) throws(Failure) -> SysfsTree { try SysfsTree.resolve(option: sysfs, host: host) }
}

extension BootStyle: ExpressibleByArgument {}
extension BootLoader: ExpressibleByArgument {}

/// How the boot-loader fragment is written.
struct BootOptions: ParsableArguments {
    @Option(help: "The fragment's form: xen-pciback, pciback, hide (the 2005 hide=BB:DD.F), physdev (Xen's physdev_dom0_hide) or vfio (vfio-pci.ids).")
    var style: BootStyle = .xenPciback

    @Option(help: "Print the fragment alone (none), as a GRUB legacy menu.lst line (legacy) or as an /etc/default/grub assignment (grub2).")
    var loader: BootLoader = .none

    @Option(help: ArgumentHelp("With --loader legacy: the kernel image of the line.", valueName: "path"))
    var kernel: String?

    @Option(help: ArgumentHelp("With --loader legacy: the arguments before the fragment.", valueName: "args"))
    var append: String?

    func validate() throws {
        if loader == .legacy && kernel == nil {
            throw ValidationError("--loader legacy needs --kernel PATH (for example --kernel /boot/vmlinuz-2.6.12-xen0)")
        }
        if loader != .legacy && (kernel != nil || append != nil) {
            throw ValidationError("--kernel and --append go with --loader legacy")
        }
    }
}
