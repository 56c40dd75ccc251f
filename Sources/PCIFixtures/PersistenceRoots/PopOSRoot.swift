import PCIModel
import SystemIO

/// Pop!_OS 22.04: kernelstub and initramfs-tools.
enum PopOSRoot: PersistenceRootFixture {
    static let name = "popos"
    static let setup = "kernelstub"
    static let detected = "boot loader: kernelstub"
    static let commands = "now run: update-initramfs -u -k all && kernelstub"

    static func write(_ host: inout HostRootFixture, to root: String) throws(Failure) {
        try host.write(to: root)
        try PersistenceRoots.file(
            root, "/etc/kernelstub/configuration",
            """
            {
              "default": {
                "kernel_options": [
                  "quiet",
                  "splash"
                ],
                "esp_path": "/boot/efi",
                "setup_loader": false,
                "manage_mode": false,
                "force_update": false,
                "live_mode": false,
                "config_rev": 3
              },
              "user": {
                "kernel_options": [
                  "quiet",
                  "loglevel=0",
                  "splash"
                ],
                "esp_path": "/boot/efi",
                "setup_loader": true,
                "manage_mode": true,
                "force_update": false,
                "live_mode": false,
                "config_rev": 3
              }
            }

            """)
        try PersistenceRoots.file(root, "/etc/initramfs-tools/modules", PersistenceRoots.initramfsModules)
    }
}
