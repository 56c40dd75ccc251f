import ArgumentParser

struct PCIHide: ParsableCommand {
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "pcihide",
        abstract: "Hide PCI devices from the host and hand them to Xen or KVM guests.",
        discussion: """
            pcihide validates every device-spec form (hide=02:09.0, xen-pciback (BB:DD.F) lists, \
            xl BDFs), records the hidden set in a state file and writes the boot-loader fragment \
            that hides it. Nothing touches devices or boot files unless asked to (--write).
            """,
        version: version,
        subcommands: [List.self, Hide.self, Unhide.self, Hidden.self, Check.self, Grub.self, Domain.self, Assign.self, Release.self, Policy.self, Owners.self, History.self, Groups.self, Config.self, Watch.self, Verify.self, Persist.self, Export.self, Emu.self, Completion.self]
    )
}
