import ArgumentParser
import PCIInventory
import PCISpec
import PCIState

/// Where the state file is.
struct StateOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The state file (default: $PCIHIDE_STATE, else /var/lib/pcihide/state.json for root, else $XDG_STATE_HOME/pcihide/state.json).", valueName: "path"), completion: .file())
    var state: String?

    var store: StateStore { StateStore(option: state) }
}

/// Where devices are read from.
struct SourceOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("A sysfs PCI root holding devices/ (default: $PCIHIDE_SYSFS, else /sys/bus/pci).", valueName: "dir"), completion: .directory)
    var sysfs: String?

    var tree: SysfsTree { SysfsTree(root: SysfsTree.resolveRoot(option: sysfs)) }
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
