/// Every boot setup pcihide persists to, listed once: `--loader`, detection, help, the man page
/// and the tests all come from here. Adding a setup is one file beside this one, its line here,
/// and a fixture root (PCIFixtures/PersistenceRoots) with its goldens.
public enum BootSetups {
    public static let all: [any BootSetupDefinition.Type] = [
        Grub2Setup.self,
        BLSSetup.self,
        SystemdBootSetup.self,
        ProxmoxSetup.self,
        ProxmoxGrubSetup.self,
        KernelstubSetup.self,
        XenEFISetup.self,
        GrubLegacySetup.self,
        LimineSetup.self,
    ]

    /// The setups in the order detection asks them.
    public static var byPrecedence: [any BootSetupDefinition.Type] { all.sorted { $0.precedence < $1.precedence } }
}
