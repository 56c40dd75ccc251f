import SystemIO

/// The boot setups whose kernel command line pcihide can make carry the hide.
public enum BootSetup: String, CaseIterable, Sendable {
    case grub2, bls, systemdBoot = "systemd-boot", proxmox, proxmoxGrub = "proxmox-grub", kernelstub, xenEFI = "xen-efi", grubLegacy = "grub-legacy"
}

/// The initramfs generators that must load the stub driver before the native one.
public enum InitramfsTool: String, CaseIterable, Sendable {
    case initramfsTools = "initramfs-tools", dracut, mkinitcpio
}

/// What was found under a host root, and why.
public struct Detection: Sendable {
    public var setup: BootSetup?
    public var setupWhy: String
    public var initramfs: InitramfsTool?
    public var initramfsWhy: String
    /// Every piece of evidence looked for, for the message when nothing matched.
    public static let lookedFor = [
        "etc/kernel/proxmox-boot-uuids (Proxmox)", "etc/kernelstub/configuration (Pop!_OS)",
        "GRUB_ENABLE_BLSCFG=true in etc/default/grub with boot/loader/entries/*.conf (Fedora, RHEL)",
        "systemd-boot in the LoaderInfo EFI variable", "xen.cfg beside xen.efi under boot/efi/EFI (Xen EFI)",
        "boot/grub/menu.lst (GRUB legacy)", "boot/grub/grub.cfg or boot/grub2/grub.cfg with etc/default/grub (GRUB 2)",
    ]
}

public enum SetupDetector {
    /// The first xen.cfg under boot/efi/EFI/*/.
    public static func xenConfig(_ host: HostRoot) -> String? {
        for dir in (Files.list(host.path("/boot/efi/EFI")) ?? []).sorted() {
            let p = host.path("/boot/efi/EFI/\(dir)/xen.cfg")
            if Files.exists(p) { return p }
        }
        return nil
    }

    /// Which boot loader and initramfs generator the root uses, in the order of the evidence
    /// that proves most (persistence.md, "which command-line source is live").
    public static func detect(_ host: HostRoot) -> Detection {
        var setup: BootSetup?
        var why = "none of: " + Detection.lookedFor.joined(separator: "; ")
        let grubDefault = Files.readIfPresent(host.path("/etc/default/grub")).map { String(decoding: $0, as: UTF8.self) } ?? ""
        let entries = (Files.list(host.path("/boot/loader/entries")) ?? []).filter { $0.hasSuffix(".conf") }
        let loaderInfo = (Files.list(host.path("/sys/firmware/efi/efivars")) ?? []).first { $0.hasPrefix("LoaderInfo-4a67b082-0a4c-41cf-b6c7-440b29bb8c4f") }
            .flatMap { Files.readIfPresent(host.path("/sys/firmware/efi/efivars/\($0)")) }
            .map { bytes in String(decoding: bytes.dropFirst(4).enumerated().filter { $0.offset % 2 == 0 }.map(\.element), as: UTF8.self) }
        if Files.exists(host.path("/etc/kernel/proxmox-boot-uuids")) {
            // proxmox-boot-tool puts systemd-boot on UEFI ESPs, GRUB on legacy BIOS and with
            // Secure Boot; GRUB never reads etc/kernel/cmdline (persistence.md).
            let cmdline = Files.readIfPresent(host.path("/proc/cmdline")).map { String(decoding: $0, as: UTF8.self) }
            let grubOnESP = (Files.list(host.path("/boot/efi/EFI/proxmox")) ?? []).contains { $0.hasPrefix("grub") || $0.hasPrefix("shim") }
            let uefi = Files.isDirectory(host.path("/sys/firmware/efi"))
            if grubOnESP {
                setup = .proxmoxGrub; why = "etc/kernel/proxmox-boot-uuids exists and the ESP holds EFI/proxmox/grubx64.efi: proxmox-boot-tool runs GRUB (Secure Boot), which reads etc/default/grub"
            } else if let cmdline, cmdline.split(separator: " ").contains(where: { $0.hasPrefix("BOOT_IMAGE=") }) {
                setup = .proxmoxGrub; why = "etc/kernel/proxmox-boot-uuids exists and this boot came through GRUB (BOOT_IMAGE= on /proc/cmdline): proxmox-boot-tool runs GRUB, which reads etc/default/grub"
            } else if !uefi && Files.isDirectory(host.path("/sys/firmware")) {
                setup = .proxmoxGrub; why = "etc/kernel/proxmox-boot-uuids exists and there is no sys/firmware/efi (a legacy BIOS boot): proxmox-boot-tool runs GRUB, which reads etc/default/grub"
            } else if uefi {
                setup = .proxmox; why = "etc/kernel/proxmox-boot-uuids exists on a UEFI boot without GRUB on the ESP: proxmox-boot-tool runs systemd-boot, which reads etc/kernel/cmdline"
            } else {
                setup = .proxmox; why = "etc/kernel/proxmox-boot-uuids exists, but neither sys/firmware nor a GRUB boot line tells systemd-boot from GRUB: taking systemd-boot (etc/kernel/cmdline); give --loader proxmox-grub if this host boots GRUB"
            }
        } else if Files.exists(host.path("/etc/kernelstub/configuration")) {
            setup = .kernelstub; why = "etc/kernelstub/configuration exists: Pop!_OS's kernelstub writes the boot entry from its kernel_options"
        } else if grubDefault.split(separator: "\n").contains(where: { String($0.filter { $0 != "\"" }).hasPrefix("GRUB_ENABLE_BLSCFG=true") }), !entries.isEmpty {
            setup = .bls; why = "etc/default/grub sets GRUB_ENABLE_BLSCFG=true and boot/loader/entries has \(entries.count) entries: GRUB reads each entry's options line"
        } else if let info = loaderInfo, info.contains("systemd-boot") {
            setup = .systemdBoot; why = "the LoaderInfo EFI variable says \(info.filter { $0 != "\0" }): kernel-install writes entries from etc/kernel/cmdline"
        } else if let cfg = xenConfig(host) {
            setup = .xenEFI; why = "\(cfg.dropFirst(host.prefix.count)) exists: xen.efi reads the dom0 line from its kernel= line"
        } else if Files.exists(host.path("/boot/grub/menu.lst")) {
            setup = .grubLegacy; why = "boot/grub/menu.lst exists: GRUB legacy reads the dom0 line from its module line"
        } else if !grubDefault.isEmpty && (Files.exists(host.path("/boot/grub/grub.cfg")) || Files.exists(host.path("/boot/grub2/grub.cfg"))) {
            setup = .grub2; why = "etc/default/grub and a generated grub.cfg exist: grub-mkconfig builds the kernel line from etc/default/grub"
        }
        var tool: InitramfsTool?
        var toolWhy = "none of etc/initramfs-tools, etc/dracut.conf.d, etc/mkinitcpio.conf"
        if Files.isDirectory(host.path("/etc/initramfs-tools")) {
            tool = .initramfsTools; toolWhy = "etc/initramfs-tools exists (update-initramfs)"
        } else if Files.isDirectory(host.path("/etc/dracut.conf.d")) || Files.exists(host.path("/etc/dracut.conf")) {
            tool = .dracut; toolWhy = "etc/dracut.conf.d exists (dracut)"
        } else if Files.exists(host.path("/etc/mkinitcpio.conf")) {
            tool = .mkinitcpio; toolWhy = "etc/mkinitcpio.conf exists (mkinitcpio)"
        }
        return Detection(setup: setup, setupWhy: why, initramfs: tool, initramfsWhy: toolWhy)
    }
}

