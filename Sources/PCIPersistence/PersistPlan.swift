import PCIInventory
import PCIModel
import PCIReadiness
import PCISpec
import PCIState
import SystemIO

/// The passthrough driver the boot files hand the hidden devices to.
public enum PersistDriver: String, CaseIterable, Sendable {
    case xenPciback = "xen-pciback", vfio = "vfio-pci"
}

/// One file as it is and as it should be.
public struct FileEdit: Sendable {
    public var path: String
    /// The path as the user knows it (without the host root).
    public var shown: String
    public var old: String?
    /// nil: the file goes (one pcihide wrote whole, when undoing).
    public var new: String?
}

/// What a boot setup needs for the hidden set.
public struct PersistPlan: Sendable {
    public var edits: [FileEdit] = []
    public var commands: [String] = []
    public var notes: [String] = []

    /// The files pcihide writes whole, which undoing removes.
    public static let ownFiles = ["/etc/modprobe.d/pcihide.conf", "/etc/dracut.conf.d/90-pcihide.conf", "/etc/udev/rules.d/70-pcihide.rules"]

    /// The initramfs rebuild before the loader's refresh: proxmox-boot-tool and kernel-install
    /// copy the initramfs that exists when they run (docs/references.md: persistence.md), so it must be the new one.
    static func initramfsFirst(_ tool: InitramfsTool?, then refresh: [String]) -> [String] {
        (tool.map { [$0.rebuildCommand] } ?? []) + refresh
    }

    /// What the setup's tools must run after its files change.
    public static func rebuildCommands(setup: BootSetup, tool: InitramfsTool?, host: HostRoot) -> [String] {
        initramfsFirst(tool, then: setup.definition.refreshCommands(host))
    }

    /// Undo: what pcihide added to each file of the setup taken out again. A file's hide tokens
    /// go back to those of its original (FILE.pcihide-orig, kept at the first write): what an
    /// administrator had there before pcihide stays. pcihide's own files are removed; the
    /// initramfs modules it added are taken out. intel_iommu=on is left (said).
    public static func removal(setup: BootSetup, tool: InitramfsTool?, host: HostRoot) throws -> PersistPlan {
        let planner = BootFilePlanner(host: host, driver: .vfio)
        try setup.definition.takeOut(planner)
        for f in ownFiles { if let old = try planner.text(f) { planner.plan.edits.append(FileEdit(path: host.path(f), shown: f, old: old, new: nil)) } }
        let added = ["xen-pciback", "xen_pciback", "vfio_pci", "vfio", "vfio_iommu_type1"]
        switch tool {
        case .initramfsTools?:
            let kept = try planner.original("/etc/initramfs-tools/modules") ?? ""
            try planner.takeOut("/etc/initramfs-tools/modules") { BootFileEdit.removingInitramfsModules($0, added.filter { !kept.contains($0) }) }
        case .mkinitcpio?:
            let kept = try planner.original("/etc/mkinitcpio.conf") ?? ""
            try planner.takeOut("/etc/mkinitcpio.conf") { BootFileEdit.mkinitcpio($0, modules: added.filter { !kept.contains($0) }, removing: true) }
        case .dracut?, nil: break
        }
        if Files.list(host.path("/etc/driverctl.d"))?.contains(where: { $0.hasPrefix("pci-") }) == true {
            planner.plan.notes.append("driverctl overrides in /etc/driverctl.d are left as they are: remove one with driverctl unset-override ADDRESS")
        }
        planner.plan.commands = rebuildCommands(setup: setup, tool: tool, host: host)
        return planner.plan
    }

    /// The files an earlier `persist --write` left: pcihide's own files and the originals it kept.
    public static func earlierWrites(host: HostRoot) -> [String] {
        var out: [String] = []
        for f in ownFiles where Files.exists(host.path(f)) { out.append(f) }
        for dir in ["/etc/default", "/etc/kernel", "/etc/initramfs-tools", "/etc", "/boot/loader/entries", "/etc/kernelstub", "/boot/grub"] {
            for name in (Files.list(host.path(dir)) ?? []).sorted() where name.hasSuffix(".pcihide-orig") {
                out.append(dir + "/" + name.dropLast(".pcihide-orig".count) + " (original: " + name + ")")
            }
        }
        return out
    }

    /// The plan for the hidden set on this setup (or, with the set empty or `remove`, the way
    /// back). `hostNeeds(a, onlyHolders)`: why the host cannot do without `a` (nil: it can).
    public static func make(
        setup: BootSetup, tool: InitramfsTool?, driver: PersistDriver, state: PCIHideState, tree: SysfsTree, host: HostRoot,
        remove: Bool = false, hostNeeds: (_ onlyHolders: Bool) -> (PCIAddress) -> String?
    ) throws -> PersistPlan {
        var plan = PersistPlan()
        var selections = state.hidden.map(\.selection)
        guard !selections.isEmpty && !remove else {
            // An empty set never reads as "nothing hides anything at boot": what pcihide wrote
            // earlier is taken out.
            if PersistPlan.earlierWrites(host: host).isEmpty {
                throw Failure(
                    .usage,
                    remove
                        ? "pcihide persist wrote nothing here to remove (no pcihide files, no FILE.pcihide-orig)"
                        : "the hidden set is empty: there is nothing to persist (add devices with 'pcihide hide SPEC')")
            }
            var undo = try removal(setup: setup, tool: tool, host: host)
            undo.notes.insert(remove ? "--remove: taking out what pcihide persist wrote" : "the hidden set is empty: taking out what pcihide persist wrote earlier", at: 0)
            return undo
        }
        let present = (try? tree.addresses()) ?? []
        // An SR-IOV virtual function exists only once its PF's driver has created it, and that
        // driver probes it before anything a boot line says: no boot file can hide it. Said, and
        // left out, never claimed.
        let functions = present.filter { a in selections.contains { $0.matches(a) } && tree.isVirtualFunction(a) }
        if !functions.isEmpty {
            let why =
                functions.map(\.description).joined(separator: ", ") + (functions.count == 1 ? " is an SR-IOV virtual function" : " are SR-IOV virtual functions")
                + ": it exists only after its PF's driver creates it at boot (sriov_numvfs) and that driver probes it first, so no boot line can hide it"
            selections.removeAll { s in s.address.map(functions.contains) ?? false }
            if selections.isEmpty {
                throw Failure(.unavailable, "nothing to persist: \(why); at boot, write sriov_drivers_autoprobe=0 and sriov_numvfs on the PF (a systemd unit or udev rule), then pcihide hide --now; nothing was written")
            }
            plan.notes.append("NOT persisted: \(why); at boot, write sriov_drivers_autoprobe=0 and sriov_numvfs on the PF (a systemd unit or udev rule), then pcihide hide --now")
        }
        let hiddenPresent = present.filter { a in selections.contains { $0.matches(a) } }
        // Never a boot line for a device that is not the one hidden (a card added renumbered the bus).
        for e in state.hidden {
            guard let r = tree.renumbering(at: e.selection.address, recorded: e.identity) else { continue }
            throw Failure(.usage, "\(r.text): a boot line would hide the wrong device; pcihide hide --remap \(r.address) moves the entry first; nothing was written")
        }
        // Never a boot line that takes what the host needs (a device hidden with --force while it
        // still holds a mount, the network or the console): the next boot would start without it.
        let needs = hostNeeds(true)
        let needed = hiddenPresent.compactMap { a in needs(a).map { "\(a): \($0)" } }
        if !needed.isEmpty {
            throw Failure(.usage, "refusing to persist: " + needed.joined(separator: "; ") + "; the next boot would take it from the host before anything runs; nothing was written (move what it holds first, or pcihide unhide it)")
        }
        let facts = HostFacts.read(host)
        // The command-line tokens.
        var tokens: [String] = []
        var perAddress: [PCIAddress] = []
        var modules: [String]
        var natives = Set<String>()
        for a in hiddenPresent { if let d = tree.driver(a), !HostNames.passthroughDrivers.contains(d) { natives.insert(d) } }
        switch driver {
        case .xenPciback:
            tokens = [try BootFragment.token(style: .xenPciback, selections: selections)]
            modules = ["xen-pciback"]
        case .vfio:
            if setup.bootsXen { throw Failure(.usage, "\(setup.rawValue) boots Xen: its dom0 takes xen-pciback, not vfio-pci (--driver xen-pciback)") }
            // vfio-pci.ids claims every card with those ids: a card not hidden that shares them
            // makes the ids unusable, and those devices are bound by address instead.
            var ids: [PCIIds] = []
            for a in hiddenPresent {
                guard let i = tree.ids(a) else { continue }
                let twins = present.filter { $0 != a && tree.ids($0) == i && !hiddenPresent.contains($0) }
                if twins.isEmpty {
                    ids.append(i)
                } else {
                    perAddress.append(a)
                    // Name what the host needs among them: vfio-pci.ids would unbind it at boot.
                    let needs = hostNeeds(false)
                    let named = twins.map { t in needs(t).map { "\(t) (\($0))" } ?? t.description }
                    plan.notes.append("\(a) has the ids \(i) of \(named.joined(separator: ", ")), which is not hidden: vfio-pci.ids would take both, so it is bound by address (driver_override) instead")
                }
            }
            if !ids.isEmpty { tokens = [try BootFragment.token(style: .vfio, selections: selections, ids: ids)] }
            if facts.cpuVendor == "GenuineIntel" && facts.parameter("intel_iommu") != "on" {
                tokens.append("intel_iommu=on")
                plan.notes.append("intel_iommu=on is added: this Intel kernel does not turn the IOMMU on by itself, and vfio-pci needs it")
            }
            modules = ["vfio_pci", "vfio", "vfio_iommu_type1"]
        }
        let running = (facts.commandLineWords ?? []).joined(separator: " ")
        let planner = BootFilePlanner(host: host, driver: driver, tokens: tokens, running: running)
        planner.plan = plan
        func add(_ place: String, _ make: (String?) throws -> String) throws { try planner.add(place, make) }
        // The kernel command line, where this setup reads it.
        try setup.definition.carry(planner)
        // Another modprobe.d file that sets the same options: modprobe passes both, and the
        // later one wins, so it is said.
        var named = Set<String>()
        for o in ModprobeOptions.read(host, directories: ["/etc/modprobe.d"]) where o.file != "/etc/modprobe.d/pcihide.conf" {
            let same = driver == .vfio ? o.module == "vfio_pci" && o.name == "ids" : (o.module == "xen_pciback" || o.module == "pciback") && o.name == "hide"
            if same, named.insert(o.file + "\n" + o.line).inserted {
                planner.plan.notes.append("\(o.file) also sets '\(o.line.trimmingBlanks)': modprobe passes both it and pcihide.conf's, and the one read last wins; make them agree or remove it")
            }
        }
        // modprobe.d: the options (for when the driver is a module) and the order against the
        // native drivers.
        try add("/etc/modprobe.d/pcihide.conf") { _ in
            var text = "# Written by pcihide persist: the passthrough driver claims the hidden devices first.\n"
            if let t = tokens.first(where: { !$0.hasPrefix("intel_iommu") }) {
                let value = t.split(separator: "=", maxSplits: 1)[1]
                text += driver == .vfio ? "options vfio-pci ids=\(value)\n" : "options xen-pciback hide=\(value)\n"
            }
            for n in natives.sorted() { text += "softdep \(n) pre: \(driver == .vfio ? "vfio-pci" : "xen-pciback")\n" }
            return text
        }
        // The initramfs, so that the stub driver is there before the native one.
        switch tool {
        case .initramfsTools?:
            try add("/etc/initramfs-tools/modules") { BootFileEdit.initramfsModules($0, modules: modules) }
        case .dracut?:
            try add("/etc/dracut.conf.d/90-pcihide.conf") { _ in
                "# Written by pcihide persist: load the passthrough driver before udev.\nforce_drivers+=\" \(modules.joined(separator: " ")) \"\n"
                    + (perAddress.isEmpty ? "" : "install_items+=\" /etc/udev/rules.d/70-pcihide.rules \"\n")
            }
        case .mkinitcpio?:
            try add("/etc/mkinitcpio.conf") { old in
                guard let old else { throw Failure(.noInput, "cannot read \(host.path("/etc/mkinitcpio.conf"))") }
                guard let new = BootFileEdit.mkinitcpio(old, modules: modules.map(\.dashesAsUnderscores)) else {
                    throw Failure(.dataError, "\(host.path("/etc/mkinitcpio.conf")): its MODULES assignment is shell code pcihide cannot extend safely (a substitution, an escape or an unclosed array); add \(modules.map(\.dashesAsUnderscores).joined(separator: " ")) to it by hand; nothing was changed")
                }
                return new
            }
        case nil:
            break
        }
        // Identical cards: bound by address, guarded by their ids. driverctl's own files where
        // driverctl is installed, else a udev rule numbered before 80-drivers.
        if !perAddress.isEmpty {
            let driverctl = Files.exists(host.path("/usr/sbin/driverctl")) || Files.exists(host.path("/usr/bin/driverctl"))
            if driverctl {
                for a in perAddress { try add("/etc/driverctl.d/pci-\(a)") { _ in "vfio-pci\n" } }
                planner.plan.notes.append("driverctl is installed: its driverctl@ service binds each device by address after boot (it rebinds after the native driver)")
            } else {
                try add("/etc/udev/rules.d/70-pcihide.rules") { _ in
                    "# Written by pcihide persist: identical cards, bound by address. The rule wins only while the\n# native driver is not loaded yet (the softdep and the initramfs see to that).\n"
                        + perAddress.map { a in
                            let i = tree.ids(a)!
                            return "ACTION==\"add\", SUBSYSTEM==\"pci\", KERNEL==\"\(a)\", ATTR{vendor}==\"0x\(hex(i.vendor, 4))\", ATTR{device}==\"0x\(hex(i.device, 4))\", ATTR{driver_override}=\"vfio-pci\"\n"
                        }.joined()
                }
                planner.plan.notes.append("a udev rule binds each of them by address, guarded by its ids (70-pcihide.rules, before 80-drivers)")
            }
        }
        // The setup's carry added its refresh commands.
        planner.plan.commands = initramfsFirst(tool, then: planner.plan.commands)
        return planner.plan
    }
}
