// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "pcihide",
    products: [
        .executable(name: "pcihide", targets: ["pcihide"]),
        // The guest PCI bus emulation, usable on its own (no libpci, no state file).
        .library(name: "PCIEmulation", targets: ["PCIEmulation"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/x-sheep/swift-property-based.git", from: "2.0.1"),
    ],
    targets: [
        // Device model: addresses, selections, ids, exit codes shared by every module.
        .target(name: "PCIModel"),
        // Thin typed wrappers over the system calls pcihide needs (files, locks, atomic writes).
        .target(name: "SystemIO", dependencies: ["PCIModel"]),
        // Every device-spec form users type, boot-loader fragments, /etc/default/grub editing.
        .target(name: "PCISpec", dependencies: ["PCIModel", "SystemIO"]),
        // The state file: hidden set, versioned JSON, locked read-modify-write.
        .target(name: "PCIState", dependencies: ["PCIModel", "SystemIO"]),
        // Guest domains and the hand-over policy.
        .target(name: "PCIOwnership", dependencies: ["PCIModel", "PCIState", "SystemIO"]),
        // The guest's PCI bus: 440FX, PIIX3, shine-through devices, ports 0xCF8-0xCFF. No dependencies.
        .target(name: "PCIEmulation"),
        // libpci, found by pkg-config (Debian: libpci-dev).
        .systemLibrary(name: "CLibPCI", pkgConfig: "libpci", providers: [.apt(["libpci-dev"])]),
        // What Swift cannot call directly: libpci's exiting error handler, variadic pci_lookup_name, libkmod.
        .target(
            name: "CPCIShim", dependencies: ["CLibPCI"],
            linkerSettings: [.linkedLibrary("pci"), .linkedLibrary("dl")]),
        // Devices present on a source (live sysfs, a sysfs tree, an lspci dump) and lspci's listing.
        // The capability decoder: config bytes in, a typed description and lspci's text out; no I/O.
        .target(name: "PCICapabilities", dependencies: ["PCIModel"]),
        // The toolstacks that run guests: xl and libvirt (queries, attach and detach, events).
        .target(name: "PCIToolstacks", dependencies: ["PCIModel", "PCIState", "SystemIO"]),
        // Boot loaders and initramfs generators: detection, the edits, the persist plan and its
        // transaction (the CLI only prints and applies).
        .target(name: "PCIPersistence", dependencies: ["PCIModel", "PCISpec", "PCIState", "PCIInventory", "PCIReadiness", "SystemIO"]),
        // Whether a guest start will work: groups, isolation, reset, framebuffers, holders.
        .target(name: "PCIReadiness", dependencies: ["PCIBinding", "PCICapabilities", "PCIInventory", "PCIModel", "PCISpec", "PCIState", "SystemIO"]),
        .target(name: "PCIInventory", dependencies: ["PCIModel", "SystemIO", "CLibPCI", "CPCIShim", "PCICapabilities"]),
        // Runtime binding to pciback/vfio-pci through one sysfs seam, and the safety report (check).
        .target(name: "PCIBinding", dependencies: ["PCIModel", "SystemIO", "PCIInventory"]),
        // What cluster managers (Proxmox, KubeVirt, Nova, NFD, Unraid) are told of a node's hidden
        // devices, one file per format, and the node-side check they run before scheduling.
        .target(name: "PCIFleet", dependencies: ["PCIModel", "SystemIO", "PCIInventory", "PCIReadiness", "PCIState"]),
        // Shell-completion candidates (devices, hidden devices, domain ids), answered before the parser.
        // What the commands do, as library code: hide and unhide with their safety review, runtime
        // binding, remap, the hand-over through a toolstack, the boot fragment, JSON documents.
        .target(name: "PCIActions", dependencies: ["PCIModel", "SystemIO", "PCISpec", "PCIState", "PCIOwnership", "PCIInventory", "PCIBinding", "PCIReadiness", "PCIToolstacks", "PCICapabilities", "PCIPersistence", "PCIEmulation", "PCIFleet"]),
        .target(name: "PCICompletion", dependencies: ["PCIModel", "SystemIO", "PCIInventory", "PCIState"]),
        // Generated sysfs trees for tests and benchmarks.
        .target(name: "PCIFixtures", dependencies: ["PCIModel", "SystemIO", "PCIInventory", "PCIBinding"]),
        .executableTarget(name: "pcihide-fixture", dependencies: ["PCIFixtures", "SystemIO"]),
        // The emulated-access benchmark (make bench).
        .executableTarget(name: "pcihide-emubench", dependencies: ["PCIEmulation"]),
        .executableTarget(
            name: "pcihide",
            dependencies: [
                "PCIModel", "SystemIO", "PCISpec", "PCIState", "PCIInventory", "PCIOwnership", "PCIEmulation", "PCIBinding", "PCICompletion", "PCICapabilities", "PCIReadiness", "PCIToolstacks", "PCIPersistence", "PCIFleet", "PCIActions",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(
            name: "PCIModelTests",
            dependencies: [
                "PCIModel",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ]),
        .testTarget(
            name: "PCISpecTests",
            dependencies: [
                "PCISpec", "PCIModel",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ]),
        .testTarget(
            name: "PCICapabilitiesTests",
            dependencies: [
                "PCICapabilities",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ]),
        .testTarget(
            name: "PCIPersistenceTests",
            dependencies: [
                "PCIPersistence", "PCISpec", "PCIModel", "PCIState",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ], exclude: ["Fixtures"]),
        .testTarget(
            name: "PCIStateTests",
            dependencies: [
                "PCIState", "PCIModel", "SystemIO",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ]),
        .testTarget(name: "PCIReadinessTests", dependencies: ["PCIReadiness", "PCIBinding", "PCIFixtures", "PCIInventory", "PCIModel", "SystemIO"]),
        .testTarget(name: "PCIOwnershipTests", dependencies: ["PCIOwnership", "PCIState", "PCIModel"]),
        .testTarget(
            name: "PCIEmulationTests",
            dependencies: [
                "PCIEmulation",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ], exclude: ["Fixtures"]),
        .testTarget(name: "PCIInventoryTests", dependencies: ["PCIInventory", "PCIModel", "PCIFixtures", "PCICapabilities", "SystemIO", .product(name: "PropertyBased", package: "swift-property-based")]),
        .testTarget(name: "PCIBindingTests", dependencies: ["PCIBinding", "PCIFixtures", "PCIInventory", "PCIModel", "SystemIO"]),
        // The command line's own logic (the fast `list` reader against ArgumentParser).
        .testTarget(name: "pcihideTests", dependencies: ["pcihide", "PCIActions", "PCIFixtures", "PCIBinding", "PCIInventory", "PCIModel", "PCIState", "SystemIO", .product(name: "ArgumentParser", package: "swift-argument-parser")]),
        .testTarget(name: "CLITests", dependencies: ["PCIModel", "PCIFixtures", "PCICompletion", "PCISpec", "PCIToolstacks", "PCIFleet", "PCIPersistence", "PCIState", "SystemIO"], exclude: ["Fixtures"]),
    ]
)

// libFuzzer targets, only when scripts/fuzz.sh builds them (in their own scratch path, with
// -sanitize=fuzzer): libFuzzer brings its own main, so a normal build must not see them.
if Context.environment["PCIHIDE_FUZZ"] == "1" {
    let flags: [SwiftSetting] = [.unsafeFlags(["-parse-as-library"])]
    package.targets += [
        .target(name: "FuzzDriver", path: "Fuzz/FuzzDriver"),
        .executableTarget(name: "SpecFuzz", dependencies: ["PCISpec", "FuzzDriver"], path: "Fuzz/SpecFuzz", exclude: ["seeds"], swiftSettings: flags),
        .executableTarget(name: "StateFuzz", dependencies: ["PCIState", "FuzzDriver"], path: "Fuzz/StateFuzz", exclude: ["seeds"], swiftSettings: flags),
        .executableTarget(name: "TraceFuzz", dependencies: ["PCIEmulation", "FuzzDriver"], path: "Fuzz/TraceFuzz", exclude: ["seeds"], swiftSettings: flags),
        .executableTarget(name: "PersistFuzz", dependencies: ["PCIPersistence", "PCISpec", "PCIState", "FuzzDriver"], path: "Fuzz/PersistFuzz", exclude: ["seeds"], swiftSettings: flags),
        .executableTarget(name: "CapabilityFuzz", dependencies: ["PCICapabilities", "FuzzDriver"], path: "Fuzz/CapabilityFuzz", exclude: ["seeds"], swiftSettings: flags),
        .executableTarget(name: "DumpFuzz", dependencies: ["PCIInventory", "PCIModel", "CPCIShim", "CLibPCI", "FuzzDriver"], path: "Fuzz/DumpFuzz", exclude: ["seeds"], swiftSettings: flags),
    ]
}
