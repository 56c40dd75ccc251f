import SystemIO
import PCIActions
import ArgumentParser
import PCIEmulation
import PCIFleet
import PCIModel
import PCIState

/// The toolstack a guest configuration is written for.
enum GuestConfigFormat: String, ExpressibleByArgument, CaseIterable {
    case xl, libvirt, qemu, proxmox
}

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
            let placed = GuestConfig.placements(g)
            switch format {
            case .xl:
                // The xl options recorded at hide time go into the line (with --domain).
                let state = guest.domain != nil ? try guest.stateOptions.store(try guest.host.resolve()).load() : nil
                let (line, notes) = GuestConfig.xl(placed, presentFunctions: g.presentFunctions) { p in
                    state?.entry(hiding: p.host)?.xlOptionText ?? (p.permissive ? ",permissive=1" : "")
                }
                notes.forEach { note($0) }
                note("a guest started without this line can take devices later (watch, --apply) only if its config has passthrough=\"enabled\"")
                print(line)
            case .libvirt: writeStandardOutput(GuestConfig.libvirt(placed))
            case .qemu: print(GuestConfig.qemu(placed))
            case .proxmox:
                let state = try guest.stateOptions.store(try guest.host.resolve()).load()
                let (lines, notes) = GuestConfig.proxmox(placed, guest: g, hidden: { state.entry(hiding: $0)?.identity })
                notes.forEach { note($0) }
                writeStandardOutput(lines)
            }
        }
    }
}
