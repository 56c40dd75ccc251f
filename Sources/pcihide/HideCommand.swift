import ArgumentParser
import PCIActions
import PCIBinding
import SystemIO

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
            let request = HideRequest(
                specs: specs, one: one, now: runtime.now, dryRun: runtime.dryRun, io: runtime.io(), driver: driver, force: force, group: group,
                fragment: grub ? BootPlan(style: boot.style, loader: boot.loader, kernel: boot.kernel, append: boot.append, tree: tree) : nil,
                inspector: { present, state in try safety.inspector(host: host, tree: tree, present: present, state: state) })
            switch try HideAction.run(request, tree: tree, store: store) {
            case .dryRun(let writes):
                writes.forEach { print($0) }
            case .done(let messages, let fragment?):
                messages.forEach { note($0) }
                print(fragment)
            case .done(let messages, nil):
                messages.forEach { print($0) }
            }
        }
    }
}
