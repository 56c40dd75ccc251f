import ArgumentParser
import PCIActions
import SystemIO

extension GuestConfigFormat: ExpressibleByArgument {}

struct Config: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print what a guest's configuration needs for its devices: an xl pci= line, libvirt <hostdev> elements or QEMU -device arguments.",
        discussion: """
            The devices are those the domain owns or is reserved in the ledger (--domain N), or the \
            ones given with --device (as emu takes them). Guest addresses are the ones emu shows: \
            one placement for all three formats. libvirt's elements are managed='no' (pcihide binds \
            the devices) and mark function 0 of a slot with several functions multifunction='on'. \
            The slots are those of an HVM guest (QEMU's bus); a Xen PV guest sees its devices on \
            pcifront's bus, which pciback numbers from 00:00.0 in attach order whatever slot xl \
            passes.
            """
    )

    @Option(help: "xl (an xl.cfg pci = [...] line), libvirt (<hostdev> elements), qemu (-device vfio-pci arguments) or proxmox (hostpciN: lines; hidden devices by the mapping pcihide export --format proxmox names).")
    var format: GuestConfigFormat = .xl

    @OptionGroup var guest: GuestOptions

    func run() throws {
        try reporting {
            let g = try Guest(guest)
            // The ledger gives the xl options recorded at hide time (with --domain) and the
            // mappings of hidden devices (proxmox).
            let needsState = format == .proxmox || (format == .xl && guest.domain != nil)
            let state = needsState ? try guest.stateOptions.store(try guest.host.resolve()).load() : nil
            let (text, notes) = GuestConfig.render(g, format: format, state: state)
            notes.forEach { note($0) }
            writeStandardOutput(text)
        }
    }
}
