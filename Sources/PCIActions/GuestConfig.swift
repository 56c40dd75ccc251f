import PCIEmulation
import PCIFleet
import PCIModel
import PCIState

/// The toolstack a guest configuration is written for.
public enum GuestConfigFormat: String, CaseIterable, Sendable {
    case xl, libvirt, qemu, proxmox
}

/// A passthrough function and where the guest sees it.
public struct Placement: Equatable {
    public var host: PCIAddress
    public var slot: UInt8
    public var function: UInt8
    public var permissive: Bool
    /// Its guest slot holds more than one function.
    public var multifunction: Bool
}

/// The three renderings of one placement (GuestBus's, as `emu` shows it).
public enum GuestConfig {
    /// `config`: the guest's devices in `format`, and the notes to say with them. `state`: the
    /// ledger, for the xl options recorded at hide time and the mappings of hidden devices.
    public static func render(_ g: Guest, format: GuestConfigFormat, state: PCIHideState?) -> (String, [String]) {
        let placed = placements(g)
        switch format {
        case .xl:
            let (line, notes) = xl(placed, presentFunctions: g.presentFunctions) { p in
                state?.entry(hiding: p.host)?.xlOptionText ?? (p.permissive ? ",permissive=1" : "")
            }
            return (line + "\n", notes + ["a guest started without this line can take devices later (watch, --apply) only if its config has passthrough=\"enabled\""])
        case .libvirt: return (libvirt(placed), [])
        case .qemu: return (qemu(placed) + "\n", [])
        case .proxmox: return proxmox(placed, guest: g, hidden: { state?.entry(hiding: $0)?.identity })
        }
    }

    public static func placements(_ g: Guest) -> [Placement] {
        var out: [Placement] = []
        var perSlot: [UInt8: Int] = [:]
        for f in g.bus.functions { if case .passthrough = f.kind { perSlot[f.slot, default: 0] += 1 } }
        for f in g.bus.functions {
            guard case .passthrough(let i) = f.kind else { continue }
            out.append(
                Placement(
                    host: g.hosts[i], slot: f.slot, function: f.function, permissive: g.bus.devices[i].permissive,
                    multifunction: perSlot[f.slot, default: 0] > 1))
        }
        return out
    }

    /// `pci = [ '0000:02:09.0@09', ... ]`. Functions sharing a guest slot are given as the host
    /// slot's wildcard (`BB:DD.*@SS`), as xl places several functions only that way; when the
    /// guest does not get every function of that host slot, they are listed one by one without a
    /// slot and a note says so.
    public static func xl(
        _ placed: [Placement], presentFunctions: [PCISlot: Int],
        options: (Placement) -> String = { $0.permissive ? ",permissive=1" : "" }
    ) -> (String, [String]) {
        var items: [String] = []
        var notes: [String] = []
        var done = Set<UInt8>()
        for p in placed where !done.contains(p.slot) {
            done.insert(p.slot)
            let same = placed.filter { $0.slot == p.slot }
            let text = options(p)
            if same.count == 1 {
                items.append("'\(p.host)@\(hex(p.slot, 2))\(text)'")
            } else if same.count == presentFunctions[p.host.slot] && Set(same.map(\.host.slot)).count == 1 && Set(same.map(options)).count > 1 {
                // One wildcard carries one set of options: folding would give every function
                // what only one was given (permissive config-space access, say).
                for q in same { items.append("'\(q.host)\(options(q))'") }
                notes.append("\(same.map(\.host.description).joined(separator: ", ")) share guest slot \(hex(p.slot, 2)) but have different options: xl gives a slot's wildcard one set, so they are listed one by one and xl places them itself")
            } else if same.count == presentFunctions[p.host.slot] && Set(same.map(\.host.slot)).count == 1 {
                items.append("'\(hex(p.host.domain, 4)):\(hex(p.host.bus, 2)):\(hex(p.host.device, 2)).*@\(hex(p.slot, 2))\(text)'")
            } else {
                for q in same { items.append("'\(q.host)\(options(q))'") }
                notes.append("\(same.map(\.host.description).joined(separator: ", ")) share guest slot \(hex(p.slot, 2)) but are not every function of their host slot: xl places them itself")
            }
        }
        return ("pci = [ " + items.joined(separator: ", ") + " ]", notes)
    }

    public static func libvirt(_ placed: [Placement]) -> String {
        var out = ""
        for p in placed {
            let h = p.host
            out += "<hostdev mode='subsystem' type='pci' managed='no'>\n"
            out += p.permissive ? "  <source writeFiltering='no'>\n" : "  <source>\n"
            out += "    <address domain='0x\(hex(h.domain, 4))' bus='0x\(hex(h.bus, 2))' slot='0x\(hex(h.device, 2))' function='0x\(h.function)'/>\n"
            out += "  </source>\n"
            out += "  <address type='pci' domain='0x0000' bus='0x00' slot='0x\(hex(p.slot, 2))' function='0x\(p.function)'"
            out += p.multifunction && p.function == 0 ? " multifunction='on'/>\n" : "/>\n"
            out += "</hostdev>\n"
        }
        return out
    }

    /// `hostpciN:` lines of a Proxmox VM config (`/etc/pve/qemu-server/ID.conf`, or `qm set ID
    /// --hostpciN ...`): Proxmox places the functions itself, so a host slot whose every function
    /// goes is one line without a function. A hidden device goes by its mapping (what
    /// `export --format proxmox` writes, and what a user without root may use); others by address.
    public static func proxmox(_ placed: [Placement], guest g: Guest, hidden: (PCIAddress) -> DeviceIdentity?) -> (String, [String]) {
        var lines: [String] = [], notes: [String] = []
        var done = Set<PCISlot>()
        for p in placed {
            let slot = p.host.slot
            let same = placed.filter { $0.host.slot == slot }
            let whole = same.count > 1 && same.count == g.presentFunctions[slot]
            if whole && done.contains(slot) { continue }
            done.insert(slot)
            let head = whole ? PCIAddress(domain: slot.domain, bus: slot.bus, device: slot.device, function: 0) : p.host
            let i = g.hosts.firstIndex(of: head) ?? g.hosts.firstIndex(of: p.host)!
            let config = g.bus.devices[i].config
            let classCode = config.count > 0x0b ? UInt16(config[0x0b]) << 8 | UInt16(config[0x0a]) : 0
            var line: String
            if let identity = hidden(head) {
                line = "mapping=" + FleetNames.pool(PCIIds(vendor: identity.vendor, device: identity.device))
                if !whole && (g.presentFunctions[slot] ?? 1) > 1 {
                    notes.append("\(head): where every function of \(slot) is hidden, its mapping names the whole device and the guest gets them all")
                }
            } else {
                line = "host=" + (whole ? slot.description : p.host.description)
                notes.append("\(whole ? slot.description : p.host.description) is not hidden by pcihide: given by address (only root may set it), and Proxmox binds it and its IOMMU group to vfio-pci at start")
            }
            line += ",pcie=1" + (classCode == 0x0300 ? ",x-vga=1" : "")
            if classCode == 0x0300 { notes.append("\(head) is a VGA controller: x-vga=1 makes it the guest's primary display (drop it to keep an emulated one)") }
            lines.append("hostpci\(lines.count): " + line)
        }
        if lines.count > 16 { notes.append("Proxmox takes hostpci0 to hostpci15: \(lines.count) lines is too many for one VM") }
        notes.append("pcie=1 needs the q35 machine type (machine: q35)")
        return (lines.joined(separator: "\n") + "\n", notes)
    }

    public static func qemu(_ placed: [Placement]) -> String {
        placed.map { p in
            "-device vfio-pci,host=\(p.host),addr=0x\(hex(p.slot, 2)).\(p.function)" + (p.multifunction && p.function == 0 ? ",multifunction=on" : "")
        }.joined(separator: " ")
    }
}
