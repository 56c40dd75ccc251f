import ArgumentParser
import PCIActions
import PCIToolstacks

extension ToolstackName: ExpressibleByArgument {}

/// `--apply --toolstack xl|libvirt`: carry out what the ledger decided through a toolstack.
struct ToolstackOptions: ParsableArguments {
    @Flag(help: "Carry out the hand-over through the toolstack (attach or detach the devices), not only in the ledger.")
    var apply = false

    @Option(help: "The toolstack for --apply: xl (xl pci-attach/pci-detach) or libvirt (virsh attach-device/detach-device --live).")
    var toolstack: ToolstackName?

    @OptionGroup var timeouts: TimeoutOptions

    func validate() throws {
        if apply && toolstack == nil { throw ValidationError("--apply needs --toolstack xl or --toolstack libvirt") }
        if toolstack != nil && !apply { throw ValidationError("--toolstack goes with --apply") }
    }

    /// The toolstack to apply through, nil without --apply.
    func make() throws -> Toolstack? {
        try timeouts.apply()
        guard apply, let toolstack else { return nil }
        return try HandOver.toolstack(toolstack)
    }
}
