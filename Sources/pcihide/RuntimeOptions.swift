import ArgumentParser
import PCIBinding
import PCIInventory
import PCIModel
import PCIState
import SystemIO

#if canImport(Glibc)
import Glibc
#endif

extension PassthroughDriver: ExpressibleByArgument {}

/// Where the safety checks find mounted file systems.
struct SafetyOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The mount table to trace to PCI devices (default: $PCIHIDE_MOUNTS, else proc/self/mountinfo under the host root, else proc/mounts).", valueName: "file"), completion: .file())
    var mounts: String?

    @Option(name: .customLong("block-class"), help: ArgumentHelp("The block-device class directory (default: $PCIHIDE_BLOCK_CLASS, else sys/class/block under the host root when the sysfs tree is the root's own; other trees are not traced).", valueName: "dir"), completion: .directory)
    var blockClass: String?

    func inspector(host: HostRoot, tree: SysfsTree, present: [PCIAddress], state: PCIHideState) throws(Failure) -> SafetyInspector {
        let mountsFile = try host.resolve(option: mounts, name: "--mounts", env: "PCIHIDE_MOUNTS", absolute: HostRoot.Place.mounts)
        // The default depends on the tree (SafetySources.under), so only an override is read here.
        let block = try host.override(option: blockClass, name: "--block-class", env: "PCIHIDE_BLOCK_CLASS", absolute: HostRoot.Place.blockClass)
        return SafetyInspector.forHost(
            host, tree: tree, present: present, isHidden: { state.entry(hiding: $0) != nil },
            mounts: mounts == nil && getenv("PCIHIDE_MOUNTS") == nil ? nil : mountsFile, blockClass: block)
    }
}

/// Binding at runtime instead of (or as well as) at the next boot.
struct RuntimeOptions: ParsableArguments {
    @Flag(help: "Bind now, without a reboot: driver_override, unbind, probe, verify (rolled back on failure).")
    var now = false

    @Flag(name: .customLong("dry-run"), help: "With --now: print the sysfs writes in order (write PATH VALUE) and change nothing.")
    var dryRun = false

    func validate() throws {
        if dryRun && !now { throw ValidationError("--dry-run goes with --now: boot-time changes are shown by pcihide grub") }
    }

    /// Where runtime writes go outside a dry run: the kernel's sysfs. In-process tests put a
    /// simulated kernel here.
    nonisolated(unsafe) static var kernel: () -> SysfsIO = { LiveSysfs() }

    /// The seam every runtime write goes through.
    func io() -> SysfsIO { dryRun ? DryRunSysfs() : Self.kernel() }

    /// Prints a dry run's writes, one per line.
    func printDryRun(_ io: SysfsIO) {
        if let dry = io as? DryRunSysfs { dry.lines.forEach { print($0) } }
    }
}
