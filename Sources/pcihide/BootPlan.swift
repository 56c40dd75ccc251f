import PCIInventory
import PCIModel
import PCISpec
import PCIState

/// Turns a hidden set into the boot-loader text the user asked for.
struct BootPlan {
    var options: BootOptions
    var tree: SysfsTree

    /// The kernel-argument token for the whole hidden set, with warnings for vfio's id matching.
    func token(for state: PCIHideState) throws -> String {
        let selections = state.hidden.map(\.selection)
        var ids: [PCIIds] = []
        if options.style == .vfio {
            // Ids come from the inventory (libpci), as lspci shows them.
            let inventory = try Inventory(source: .sysfs(tree.root))
            let present = inventory.devices
            let hiddenDevices = present.filter { d in selections.contains { $0.matches(d.address) } }
            for s in selections where !present.contains(where: { s.matches($0.address) }) {
                warn("\(s) is not present in \(tree.root); its ids are unknown and it is left out of vfio-pci.ids")
            }
            ids = hiddenDevices.map(\.ids)
            // vfio-pci.ids claims every card with the same ids: name the ones not in the hidden set.
            let idSet = Set(ids)
            let alsoClaimed = present.filter { d in !hiddenDevices.contains { $0 === d } && idSet.contains(d.ids) }
            if !alsoClaimed.isEmpty {
                warn("vfio-pci.ids claims every card with these ids, so it also takes \(alsoClaimed.map(\.address.description).joined(separator: ", ")), which is not in the hidden set")
            }
        }
        return try BootFragment.token(style: options.style, selections: selections, ids: ids)
    }

    /// The text to print: the token alone, a menu.lst line, or an /etc/default/grub assignment.
    func render(_ state: PCIHideState) throws -> String {
        let token = try token(for: state)
        switch options.loader {
        case .none: return token
        case .legacy: return BootFragment.legacyLine(style: options.style, token: token, kernel: options.kernel ?? "", append: options.append)
        case .grub2: return BootFragment.grub2Assignment(style: options.style, token: token)
        }
    }
}
