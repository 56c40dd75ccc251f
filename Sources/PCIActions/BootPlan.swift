import PCIInventory
import PCIModel
import PCISpec
import PCIState
import SystemIO

/// Turns a hidden set into the boot-loader text the user asked for.
public struct BootPlan {
    public var style: BootStyle
    public var loader: BootLoader
    /// With the legacy loader: the kernel image and the arguments before the fragment.
    public var kernel: String?
    public var append: String?
    public var tree: SysfsTree

    public init(style: BootStyle, loader: BootLoader, kernel: String?, append: String?, tree: SysfsTree) {
        self.style = style; self.loader = loader; self.kernel = kernel; self.append = append; self.tree = tree
    }

    /// The kernel-argument token for the whole hidden set, with warnings for vfio's id matching.
    public func token(for state: PCIHideState) throws -> String {
        let selections = state.hidden.map(\.selection)
        var ids: [PCIIds] = []
        if style == .vfio {
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
        return try BootFragment.token(style: style, selections: selections, ids: ids)
    }

    /// The text to print: the token alone, a menu.lst line, or an /etc/default/grub assignment.
    public func render(_ state: PCIHideState) throws -> String {
        let token = try token(for: state)
        switch loader {
        case .none: return token
        case .legacy: return BootFragment.legacyLine(style: style, token: token, kernel: kernel ?? "", append: append)
        case .grub2: return BootFragment.grub2Assignment(style: style, token: token)
        }
    }
}
