import ArgumentParser
import PCIActions
import PCIInventory
import PCIModel

#if canImport(Glibc)
import Glibc
#endif

struct Watch: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Follow guest domains starting and dying in a toolstack and hand hidden devices over as they do.",
        discussion: """
            Listens to xenstore's @introduceDomain and @releaseDomain (xl) or virsh event --all \
            --loop (libvirt). On every event it compares the toolstack's running guests with the \
            ledger: a guest gone is recorded as killed (its devices become free), a new guest is \
            recorded as started and receives the free hidden devices its policy allows, attached \
            at the guest addresses emu shows; a device that cannot be attached stays free. Every \
            action is one line on standard error and in the history. It starts (and restarts after \
            a crash) from the toolstack's current view, so nothing is assigned twice. SIGTERM stops \
            it between two changes. A domain xl is still building (paused) is handed its devices \
            once it runs. A Xen guest receives devices after its start only when its xl.cfg has \
            passthrough = "enabled" (or a pci = [...] line): Xen gives it an IOMMU context only then.
            """
    )

    @Option(help: "The toolstack to follow: xl or libvirt.")
    var toolstack: ToolstackName

    @OptionGroup var host: HostOptions
    @OptionGroup var timeouts: TimeoutOptions
    @OptionGroup var stateOptions: StateOptions

    func run() throws {
        try reporting {
            try timeouts.apply()
            let host = try self.host.resolve()
            let store = try stateOptions.store(host)
            let ts = try HandOver.toolstack(toolstack)
            let handOver = HandOver(toolstack: ts, source: try InventorySource(sysfs: nil, dumpFile: nil, host: host), refusal: HideSafety.handOverRefusal(host: host, tree: try SysfsTree.resolve(option: nil, host: host)))
            let status = try handOver.watch(store: store)
            if status != 0 { throw ExitCode(ExitStatus.unavailable.rawValue) }
        }
    }
}
