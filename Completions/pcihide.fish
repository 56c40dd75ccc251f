function __pcihide_should_offer_completions_for_flags_or_options -a expected_commands
    set -l non_repeating_flags_or_options $argv[2..]
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __pcihide_parse_tokens
    test "$commands" = "$expected_commands"; and return $non_repeating_flags_or_options_absent
end

function __pcihide_should_offer_completions_for_positional -a expected_commands positional_index_comparison expected_positional_index
    set -l non_repeating_flags_or_options
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __pcihide_parse_tokens
    test "$commands" = "$expected_commands" -a \( "$positional_index" "$positional_index_comparison" "$expected_positional_index" \)
end

function __pcihide_parse_tokens -S
    set -l unparsed_tokens (__pcihide_tokens -pc)
    switch $unparsed_tokens[1]
    case 'pcihide'
        __pcihide_parse_subcommand 0 'version' 'h/help'
        switch $unparsed_tokens[1]
        case 'list'
            __pcihide_parse_subcommand 0 'n' 'D' 'k' 'm' 't' 'x' 'P' 'b' 's=' 'd=' 'v' 'owners' 'hidden' 'json' 'sysfs=' 'F=' 'i=' 'root=' 'state=' 'version' 'h/help'
        case 'hide'
            __pcihide_parse_subcommand -r 1 'grub' 'now' 'dry-run' 'driver=' 'force' 'group' 'one' 'remap' 'yes' 'style=' 'loader=' 'kernel=' 'append=' 'root=' 'timeout=' 'state=' 'sysfs=' 'mounts=' 'block-class=' 'version' 'h/help'
        case 'unhide'
            __pcihide_parse_subcommand -r 1 'force' 'now' 'dry-run' 'root=' 'timeout=' 'state=' 'sysfs=' 'version' 'h/help'
        case 'hidden'
            __pcihide_parse_subcommand 0 'json' 'root=' 'state=' 'version' 'h/help'
        case 'check'
            __pcihide_parse_subcommand -r 1 'json' 'root=' 'timeout=' 'state=' 'sysfs=' 'mounts=' 'block-class=' 'version' 'h/help'
        case 'grub'
            __pcihide_parse_subcommand 0 'style=' 'loader=' 'kernel=' 'append=' 'default-file=' 'edit' 'write' 'root=' 'state=' 'sysfs=' 'version' 'h/help'
        case 'domain'
            __pcihide_parse_subcommand 0 'version' 'h/help'
            switch $unparsed_tokens[1]
            case 'start'
                __pcihide_parse_subcommand 1 'name=' 'apply' 'toolstack=' 'timeout=' 'root=' 'state=' 'version' 'h/help'
            case 'kill'
                __pcihide_parse_subcommand 1 'apply' 'toolstack=' 'timeout=' 'root=' 'state=' 'version' 'h/help'
            case 'list'
                __pcihide_parse_subcommand 0 'json' 'root=' 'state=' 'version' 'h/help'
            end
        case 'assign'
            __pcihide_parse_subcommand -r 1 'domain=' 'force' 'apply' 'toolstack=' 'timeout=' 'root=' 'state=' 'sysfs=' 'version' 'h/help'
        case 'release'
            __pcihide_parse_subcommand -r 1 'apply' 'toolstack=' 'timeout=' 'root=' 'state=' 'version' 'h/help'
        case 'policy'
            __pcihide_parse_subcommand -r 1 'auto' 'manual' 'root=' 'state=' 'version' 'h/help'
        case 'owners'
            __pcihide_parse_subcommand 0 'json' 'toolstack=' 'root=' 'timeout=' 'state=' 'sysfs=' 'version' 'h/help'
        case 'history'
            __pcihide_parse_subcommand 0 'root=' 'state=' 'check' 'json' 'version' 'h/help'
        case 'groups'
            __pcihide_parse_subcommand 0 's=' 'd=' 'hidden' 'json' 'root=' 'timeout=' 'state=' 'sysfs=' 'mounts=' 'block-class=' 'version' 'h/help'
        case 'config'
            __pcihide_parse_subcommand 0 'format=' 'domain=' 'device=+' 'sysfs=' 'F=' 'i=' 'root=' 'state=' 'version' 'h/help'
        case 'watch'
            __pcihide_parse_subcommand 0 'toolstack=' 'root=' 'timeout=' 'state=' 'version' 'h/help'
        case 'verify'
            __pcihide_parse_subcommand 0 'json' 'root=' 'state=' 'sysfs=' 'version' 'h/help'
        case 'persist'
            __pcihide_parse_subcommand 0 'driver=' 'loader=' 'initramfs=' 'write' 'remove' 'apply-now' 'root=' 'timeout=' 'state=' 'sysfs=' 'version' 'h/help'
        case 'export'
            __pcihide_parse_subcommand -r 1 'format=' 'node=' 'check' 'api' 'resource-prefix=' 'json' 'root=' 'state=' 'sysfs=' 'version' 'h/help'
        case 'emu'
            __pcihide_parse_subcommand 0 'version' 'h/help'
            switch $unparsed_tokens[1]
            case 'read'
                __pcihide_parse_subcommand 2 'width=' 'json' 'domain=' 'device=+' 'sysfs=' 'F=' 'i=' 'root=' 'state=' 'version' 'h/help'
            case 'trace'
                __pcihide_parse_subcommand 1 'json' 'domain=' 'device=+' 'sysfs=' 'F=' 'i=' 'root=' 'state=' 'version' 'h/help'
            case 'dump'
                __pcihide_parse_subcommand 0 'domain=' 'device=+' 'sysfs=' 'F=' 'i=' 'root=' 'state=' 'version' 'h/help'
            case 'lspci'
                __pcihide_parse_subcommand 0 'n' 'D' 'k' 'm' 't' 'x' 'P' 'b' 's=' 'd=' 'domain=' 'device=+' 'sysfs=' 'F=' 'i=' 'root=' 'state=' 'version' 'h/help'
            case 'proc-pci'
                __pcihide_parse_subcommand 0 'domain=' 'device=+' 'sysfs=' 'F=' 'i=' 'root=' 'state=' 'version' 'h/help'
            end
        case 'completion'
            __pcihide_parse_subcommand 1 'version' 'h/help'
        case 'help'
            __pcihide_parse_subcommand -r 1 'version'
        end
    end
end

function __pcihide_tokens
    if test (string split -m 1 -f 1 -- . "$FISH_VERSION") -gt 3
        commandline --tokens-raw $argv
    else
        commandline -o $argv
    end
end

function __pcihide_parse_subcommand -S -a positional_count
    argparse -s r -- $argv
    set -l option_specs $argv[2..]
    set -l is_repeating_positional $_flag_r
    set -el _flag_r
    set -a commands $unparsed_tokens[1]
    set positional_index 0
    while true
        set -e unparsed_tokens[1]
        argparse -sn "$commands" $option_specs -- $unparsed_tokens 2> /dev/null
        set unparsed_tokens $argv
        set positional_index (math $positional_index + 1)
        for non_repeating_flag_or_option in $non_repeating_flags_or_options
            if set -ql "_flag_$(string replace -a - _ -- $non_repeating_flag_or_option)"
                set non_repeating_flags_or_options_absent 1
                break
            end
        end
        test (count $unparsed_tokens) -eq 0 -o \( -z "$is_repeating_positional" -a "$positional_index" -gt "$positional_count" \) && break
    end
end

function __pcihide_complete_directories
    set -l token (commandline -t)
    string match -- '*/' $token
    set -l subdirs $token*/
    printf %s\n $subdirs
end

function __pcihide_custom_completion
    set -x SAP_SHELL fish
    set -x SAP_SHELL_VERSION $FISH_VERSION
    set -l tokens (__pcihide_tokens -p)
    if test -z "$(__pcihide_tokens -t)"
        set -l index (count (__pcihide_tokens -pc))
        set tokens $tokens[..$index] \'\' $tokens[(math $index + 1)..]
    end
    command $tokens[1] $argv $tokens
end

complete -c 'pcihide' -f
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide" version' -l 'version' -d 'Show the version.'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_positional "pcihide" -eq 1' -fa 'list' -d 'List PCI devices exactly as lspci does, plus which are hidden.'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_positional "pcihide" -eq 1' -fa 'hide' -d 'Add devices to the hidden set.'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_positional "pcihide" -eq 1' -fa 'unhide' -d 'Remove devices from the hidden set.'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_positional "pcihide" -eq 1' -fa 'hidden' -d 'List the hidden set.'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_positional "pcihide" -eq 1' -fa 'check' -d 'Say whether a guest start with these devices will work, and if not, what to do.'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_positional "pcihide" -eq 1' -fa 'grub' -d 'Print the boot-loader fragment for the hidden set, or edit /etc/default/grub.'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_positional "pcihide" -eq 1' -fa 'domain' -d 'Record guest domains starting and dying; hidden devices are handed over by policy.'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_positional "pcihide" -eq 1' -fa 'assign' -d 'Give hidden devices to a guest domain (now if it runs, else at its next start).'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_positional "pcihide" -eq 1' -fa 'release' -d 'Free hidden devices from their owner (pinned devices return to the default policy).'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_positional "pcihide" -eq 1' -fa 'policy' -d 'Set how hidden devices are handed over: --auto (the 2005 rule) or --manual (never by itself).'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_positional "pcihide" -eq 1' -fa 'owners' -d 'Show who owns each hidden device: address, name, owner, policy, since.'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_positional "pcihide" -eq 1' -fa 'history' -d 'Show every change to the hidden set and ownership, oldest first.'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_positional "pcihide" -eq 1' -fa 'groups' -d 'List IOMMU groups with their devices and whether each group can go to a guest.'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_positional "pcihide" -eq 1' -fa 'config' -d 'Print what a guest\'s configuration needs for its devices: an xl pci= line, libvirt <hostdev> elements or QEMU -device arguments.'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_positional "pcihide" -eq 1' -fa 'watch' -d 'Follow guest domains starting and dying in a toolstack and hand hidden devices over as they do.'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_positional "pcihide" -eq 1' -fa 'verify' -d 'After boot: check that every hidden device\'s hiding took effect.'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_positional "pcihide" -eq 1' -fa 'persist' -d 'Make the hidden set survive reboots on the boot setup this root uses, and say what to run.'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_positional "pcihide" -eq 1' -fa 'export' -d 'Print the hidden devices for a cluster manager (Proxmox, KubeVirt, Nova, NFD, Unraid), or check them on this node.'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_positional "pcihide" -eq 1' -fa 'emu' -d 'Dry-run a guest\'s PCI bus: what it reads through ports 0xCF8/0xCFC (nothing touches hardware).'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_positional "pcihide" -eq 1' -fa 'completion' -d 'Print the shell completion script (bash, zsh or fish).'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_positional "pcihide" -eq 1' -fa 'help' -d 'Show subcommand help information.'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide list"' -s 'n' -d 'Show numeric ids (-nn: names and numbers).'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide list" D' -s 'D' -d 'Always show domain numbers.'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide list" k' -s 'k' -d 'Show kernel drivers and modules.'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide list"' -s 'm' -d 'Machine-readable output (-mm: the same, as lspci without -v).'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide list" t' -s 't' -d 'Show the bus tree.'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide list"' -s 'x' -d 'Hex dump of the config space header (-xxx: 256 bytes, -xxxx: 4096).'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide list"' -s 'P' -d 'Show each device\'s path through the bridges (-PP: with bus numbers).'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide list" b' -s 'b' -d 'Bus-centric view: ids, IRQs and addresses as the devices\' config space holds them, not the kernel\'s.'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide list" s' -s 's' -rfka '(__pcihide_custom_completion ---completion list -- -s (count (__pcihide_tokens -pc)) (__pcihide_tokens -tC))'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide list" s' -s 's' -d 'Only devices in these slots: [[[[<domain>]:]<bus>]:][<device>][.[<func>]].' -rf
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide list" d' -s 'd' -d 'Only devices with these ids: [<vendor>]:[<device>][:<class>].' -rfka ''
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide list"' -s 'v' -d 'Verbose, as lspci -v: header registers, regions, each capability\'s first line, kernel driver.'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide list" owners' -l 'owners' -d 'Append the hidden state and owner to each hidden device\'s line.'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide list" hidden' -l 'hidden' -d 'Show only hidden devices.'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide list" json' -l 'json' -d 'Print a JSON array of devices (address, ids, names, driver, IOMMU group, hidden, owner, and the capabilities passthrough needs: FLR, AF FLR, PM NoSoftRst, ACS, ARI, ATS, SR-IOV, MSI-X, link, serial number).'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide list" sysfs' -l 'sysfs' -d 'A sysfs PCI root holding devices/ (default: $PCIHIDE_SYSFS, else /sys/bus/pci).' -rfa '(__pcihide_complete_directories)'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide list" F' -s 'F' -d 'Read devices from an lspci -x/-xxx/-xxxx dump instead (as lspci -F).' -rF
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide list" i' -s 'i' -d 'Use this ID database instead of pci.ids (as lspci -i).' -rfka ''
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide list" root' -l 'root' -d 'Read and write the host\'s files under this directory (default: $PCIHIDE_ROOT, else /). --sysfs, --state, --mounts and --block-class narrow it.' -rfa '(__pcihide_complete_directories)'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide list" state' -l 'state' -d 'The state file (default: $PCIHIDE_STATE, else /var/lib/pcihide/state.json under the host root for root or with --root, else $XDG_STATE_HOME/pcihide/state.json).' -rF
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide list" version' -l 'version' -d 'Show the version.'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide list" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_positional "pcihide hide" -ge 1' -fka '(__pcihide_custom_completion ---completion hide -- positional@0 (count (__pcihide_tokens -pc)) (__pcihide_tokens -tC))'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide hide" grub' -l 'grub' -d 'Print the boot-loader fragment for the whole hidden set afterwards (status lines go to standard error).'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide hide" now' -l 'now' -d 'Bind now, without a reboot: driver_override, unbind, probe, verify (rolled back on failure).'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide hide" dry-run' -l 'dry-run' -d 'With --now: print the sysfs writes in order (write PATH VALUE) and change nothing.'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide hide" driver' -l 'driver' -d 'With --now: pciback or vfio-pci (default: pciback when loaded, else vfio-pci).' -rfka 'pciback vfio-pci'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide hide" force' -l 'force' -d 'Hide a named device the host needs (bridge, boot VGA, mounted file systems, the host\'s network) all the same.'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide hide" group' -l 'group' -d 'Also hide the IOMMU-group companions and sibling functions that would be left behind.'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide hide" one' -l 'one' -d 'With a VENDOR:DEVICE spec: it must select exactly one device (else the matches are listed and nothing is hidden).'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide hide" remap' -l 'remap' -d 'Move hidden entries whose device was renumbered (a card added) to the address where their recorded identity is now; shows the move, --yes makes it.'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide hide" yes' -l 'yes' -d 'With --remap: make the move.'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide hide" style' -l 'style' -d 'The fragment\'s form: xen-pciback, pciback, hide (the 2005 hide=BB:DD.F), physdev (Xen\'s physdev_dom0_hide) or vfio (vfio-pci.ids).' -rfka 'xen-pciback pciback hide physdev vfio'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide hide" loader' -l 'loader' -d 'Print the fragment alone (none), as a GRUB legacy menu.lst line (legacy) or as an /etc/default/grub assignment (grub2).' -rfka 'none legacy grub2'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide hide" kernel' -l 'kernel' -d 'With --loader legacy: the kernel image of the line.' -rfka ''
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide hide" append' -l 'append' -d 'With --loader legacy: the arguments before the fragment.' -rfka ''
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide hide" root' -l 'root' -d 'Read and write the host\'s files under this directory (default: $PCIHIDE_ROOT, else /). --sysfs, --state, --mounts and --block-class narrow it.' -rfa '(__pcihide_complete_directories)'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide hide" timeout' -l 'timeout' -d 'Seconds each program pcihide runs (xl, virsh, modprobe, update-grub, ...) may take before it and its children are ended (default: $PCIHIDE_TIMEOUT, else 60; persist --apply-now gives boot-file rebuilds at least 1800).' -rfka ''
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide hide" state' -l 'state' -d 'The state file (default: $PCIHIDE_STATE, else /var/lib/pcihide/state.json under the host root for root or with --root, else $XDG_STATE_HOME/pcihide/state.json).' -rF
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide hide" sysfs' -l 'sysfs' -d 'A sysfs PCI root holding devices/ (default: $PCIHIDE_SYSFS, else sys/bus/pci under the host root).' -rfa '(__pcihide_complete_directories)'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide hide" mounts' -l 'mounts' -d 'The mount table to trace to PCI devices (default: $PCIHIDE_MOUNTS, else proc/self/mountinfo under the host root, else proc/mounts).' -rF
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide hide" block-class' -l 'block-class' -d 'The block-device class directory (default: $PCIHIDE_BLOCK_CLASS, else sys/class/block under the host root when the sysfs tree is the root\'s own; other trees are not traced).' -rfa '(__pcihide_complete_directories)'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide hide" version' -l 'version' -d 'Show the version.'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide hide" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_positional "pcihide unhide" -ge 1' -fka '(__pcihide_custom_completion ---completion unhide -- positional@0 (count (__pcihide_tokens -pc)) (__pcihide_tokens -tC))'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide unhide" force' -l 'force' -d 'Unhide even when a guest domain owns the device.'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide unhide" now' -l 'now' -d 'Bind now, without a reboot: driver_override, unbind, probe, verify (rolled back on failure).'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide unhide" dry-run' -l 'dry-run' -d 'With --now: print the sysfs writes in order (write PATH VALUE) and change nothing.'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide unhide" root' -l 'root' -d 'Read and write the host\'s files under this directory (default: $PCIHIDE_ROOT, else /). --sysfs, --state, --mounts and --block-class narrow it.' -rfa '(__pcihide_complete_directories)'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide unhide" timeout' -l 'timeout' -d 'Seconds each program pcihide runs (xl, virsh, modprobe, update-grub, ...) may take before it and its children are ended (default: $PCIHIDE_TIMEOUT, else 60; persist --apply-now gives boot-file rebuilds at least 1800).' -rfka ''
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide unhide" state' -l 'state' -d 'The state file (default: $PCIHIDE_STATE, else /var/lib/pcihide/state.json under the host root for root or with --root, else $XDG_STATE_HOME/pcihide/state.json).' -rF
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide unhide" sysfs' -l 'sysfs' -d 'A sysfs PCI root holding devices/ (default: $PCIHIDE_SYSFS, else sys/bus/pci under the host root).' -rfa '(__pcihide_complete_directories)'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide unhide" version' -l 'version' -d 'Show the version.'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide unhide" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide hidden" json' -l 'json' -d 'Print JSON (schema in the man page): each entry\'s address, since, xl options and ledger.'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide hidden" root' -l 'root' -d 'Read and write the host\'s files under this directory (default: $PCIHIDE_ROOT, else /). --sysfs, --state, --mounts and --block-class narrow it.' -rfa '(__pcihide_complete_directories)'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide hidden" state' -l 'state' -d 'The state file (default: $PCIHIDE_STATE, else /var/lib/pcihide/state.json under the host root for root or with --root, else $XDG_STATE_HOME/pcihide/state.json).' -rF
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide hidden" version' -l 'version' -d 'Show the version.'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide hidden" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_positional "pcihide check" -ge 1' -fka '(__pcihide_custom_completion ---completion check -- positional@0 (count (__pcihide_tokens -pc)) (__pcihide_tokens -tC))'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide check" json' -l 'json' -d 'Print JSON.'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide check" root' -l 'root' -d 'Read and write the host\'s files under this directory (default: $PCIHIDE_ROOT, else /). --sysfs, --state, --mounts and --block-class narrow it.' -rfa '(__pcihide_complete_directories)'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide check" timeout' -l 'timeout' -d 'Seconds each program pcihide runs (xl, virsh, modprobe, update-grub, ...) may take before it and its children are ended (default: $PCIHIDE_TIMEOUT, else 60; persist --apply-now gives boot-file rebuilds at least 1800).' -rfka ''
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide check" state' -l 'state' -d 'The state file (default: $PCIHIDE_STATE, else /var/lib/pcihide/state.json under the host root for root or with --root, else $XDG_STATE_HOME/pcihide/state.json).' -rF
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide check" sysfs' -l 'sysfs' -d 'A sysfs PCI root holding devices/ (default: $PCIHIDE_SYSFS, else sys/bus/pci under the host root).' -rfa '(__pcihide_complete_directories)'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide check" mounts' -l 'mounts' -d 'The mount table to trace to PCI devices (default: $PCIHIDE_MOUNTS, else proc/self/mountinfo under the host root, else proc/mounts).' -rF
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide check" block-class' -l 'block-class' -d 'The block-device class directory (default: $PCIHIDE_BLOCK_CLASS, else sys/class/block under the host root when the sysfs tree is the root\'s own; other trees are not traced).' -rfa '(__pcihide_complete_directories)'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide check" version' -l 'version' -d 'Show the version.'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide check" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide grub" style' -l 'style' -d 'The fragment\'s form: xen-pciback, pciback, hide (the 2005 hide=BB:DD.F), physdev (Xen\'s physdev_dom0_hide) or vfio (vfio-pci.ids).' -rfka 'xen-pciback pciback hide physdev vfio'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide grub" loader' -l 'loader' -d 'Print the fragment alone (none), as a GRUB legacy menu.lst line (legacy) or as an /etc/default/grub assignment (grub2).' -rfka 'none legacy grub2'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide grub" kernel' -l 'kernel' -d 'With --loader legacy: the kernel image of the line.' -rfka ''
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide grub" append' -l 'append' -d 'With --loader legacy: the arguments before the fragment.' -rfka ''
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide grub" default-file' -l 'default-file' -d 'The /etc/default/grub to edit (implies --edit).' -rfka ''
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide grub" edit' -l 'edit' -d 'Edit $PCIHIDE_GRUB_DEFAULT, else /etc/default/grub: replace the hide token of the style\'s variable.'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide grub" write' -l 'write' -d 'With --edit or --default-file: write the change (otherwise only the diff is shown).'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide grub" root' -l 'root' -d 'Read and write the host\'s files under this directory (default: $PCIHIDE_ROOT, else /). --sysfs, --state, --mounts and --block-class narrow it.' -rfa '(__pcihide_complete_directories)'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide grub" state' -l 'state' -d 'The state file (default: $PCIHIDE_STATE, else /var/lib/pcihide/state.json under the host root for root or with --root, else $XDG_STATE_HOME/pcihide/state.json).' -rF
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide grub" sysfs' -l 'sysfs' -d 'A sysfs PCI root holding devices/ (default: $PCIHIDE_SYSFS, else sys/bus/pci under the host root).' -rfa '(__pcihide_complete_directories)'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide grub" version' -l 'version' -d 'Show the version.'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide grub" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide domain" version' -l 'version' -d 'Show the version.'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide domain" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_positional "pcihide domain" -eq 1' -fa 'start' -d 'Record a domain as running and hand it every free hidden device its policy allows.'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_positional "pcihide domain" -eq 1' -fa 'kill' -d 'Record a domain as dead; its devices go to the next domain started.'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_positional "pcihide domain" -eq 1' -fa 'list' -d 'List the running domains.'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_positional "pcihide domain start" -eq 1' -fka '(__pcihide_custom_completion ---completion domain start -- positional@0 (count (__pcihide_tokens -pc)) (__pcihide_tokens -tC))'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide domain start" name' -l 'name' -d 'A name for the domain.' -rfka ''
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide domain start" apply' -l 'apply' -d 'Carry out the hand-over through the toolstack (attach or detach the devices), not only in the ledger.'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide domain start" toolstack' -l 'toolstack' -d 'The toolstack for --apply: xl (xl pci-attach/pci-detach) or libvirt (virsh attach-device/detach-device --live).' -rfka 'xl libvirt'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide domain start" timeout' -l 'timeout' -d 'Seconds each program pcihide runs (xl, virsh, modprobe, update-grub, ...) may take before it and its children are ended (default: $PCIHIDE_TIMEOUT, else 60; persist --apply-now gives boot-file rebuilds at least 1800).' -rfka ''
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide domain start" root' -l 'root' -d 'Read and write the host\'s files under this directory (default: $PCIHIDE_ROOT, else /). --sysfs, --state, --mounts and --block-class narrow it.' -rfa '(__pcihide_complete_directories)'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide domain start" state' -l 'state' -d 'The state file (default: $PCIHIDE_STATE, else /var/lib/pcihide/state.json under the host root for root or with --root, else $XDG_STATE_HOME/pcihide/state.json).' -rF
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide domain start" version' -l 'version' -d 'Show the version.'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide domain start" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_positional "pcihide domain kill" -eq 1' -fka '(__pcihide_custom_completion ---completion domain kill -- positional@0 (count (__pcihide_tokens -pc)) (__pcihide_tokens -tC))'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide domain kill" apply' -l 'apply' -d 'Carry out the hand-over through the toolstack (attach or detach the devices), not only in the ledger.'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide domain kill" toolstack' -l 'toolstack' -d 'The toolstack for --apply: xl (xl pci-attach/pci-detach) or libvirt (virsh attach-device/detach-device --live).' -rfka 'xl libvirt'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide domain kill" timeout' -l 'timeout' -d 'Seconds each program pcihide runs (xl, virsh, modprobe, update-grub, ...) may take before it and its children are ended (default: $PCIHIDE_TIMEOUT, else 60; persist --apply-now gives boot-file rebuilds at least 1800).' -rfka ''
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide domain kill" root' -l 'root' -d 'Read and write the host\'s files under this directory (default: $PCIHIDE_ROOT, else /). --sysfs, --state, --mounts and --block-class narrow it.' -rfa '(__pcihide_complete_directories)'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide domain kill" state' -l 'state' -d 'The state file (default: $PCIHIDE_STATE, else /var/lib/pcihide/state.json under the host root for root or with --root, else $XDG_STATE_HOME/pcihide/state.json).' -rF
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide domain kill" version' -l 'version' -d 'Show the version.'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide domain kill" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide domain list" json' -l 'json' -d 'Print JSON.'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide domain list" root' -l 'root' -d 'Read and write the host\'s files under this directory (default: $PCIHIDE_ROOT, else /). --sysfs, --state, --mounts and --block-class narrow it.' -rfa '(__pcihide_complete_directories)'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide domain list" state' -l 'state' -d 'The state file (default: $PCIHIDE_STATE, else /var/lib/pcihide/state.json under the host root for root or with --root, else $XDG_STATE_HOME/pcihide/state.json).' -rF
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide domain list" version' -l 'version' -d 'Show the version.'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide domain list" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_positional "pcihide assign" -ge 1' -fka '(__pcihide_custom_completion ---completion assign -- positional@0 (count (__pcihide_tokens -pc)) (__pcihide_tokens -tC))'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide assign" domain' -l 'domain' -rfka '(__pcihide_custom_completion ---completion assign -- --domain (count (__pcihide_tokens -pc)) (__pcihide_tokens -tC))'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide assign" domain' -l 'domain' -d 'The guest domain id (1-32751).' -rf
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide assign" force' -l 'force' -d 'Take devices from the running domain that owns them, or split an IOMMU group between domains.'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide assign" apply' -l 'apply' -d 'Carry out the hand-over through the toolstack (attach or detach the devices), not only in the ledger.'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide assign" toolstack' -l 'toolstack' -d 'The toolstack for --apply: xl (xl pci-attach/pci-detach) or libvirt (virsh attach-device/detach-device --live).' -rfka 'xl libvirt'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide assign" timeout' -l 'timeout' -d 'Seconds each program pcihide runs (xl, virsh, modprobe, update-grub, ...) may take before it and its children are ended (default: $PCIHIDE_TIMEOUT, else 60; persist --apply-now gives boot-file rebuilds at least 1800).' -rfka ''
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide assign" root' -l 'root' -d 'Read and write the host\'s files under this directory (default: $PCIHIDE_ROOT, else /). --sysfs, --state, --mounts and --block-class narrow it.' -rfa '(__pcihide_complete_directories)'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide assign" state' -l 'state' -d 'The state file (default: $PCIHIDE_STATE, else /var/lib/pcihide/state.json under the host root for root or with --root, else $XDG_STATE_HOME/pcihide/state.json).' -rF
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide assign" sysfs' -l 'sysfs' -d 'A sysfs PCI root holding devices/ (default: $PCIHIDE_SYSFS, else sys/bus/pci under the host root).' -rfa '(__pcihide_complete_directories)'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide assign" version' -l 'version' -d 'Show the version.'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide assign" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_positional "pcihide release" -ge 1' -fka '(__pcihide_custom_completion ---completion release -- positional@0 (count (__pcihide_tokens -pc)) (__pcihide_tokens -tC))'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide release" apply' -l 'apply' -d 'Carry out the hand-over through the toolstack (attach or detach the devices), not only in the ledger.'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide release" toolstack' -l 'toolstack' -d 'The toolstack for --apply: xl (xl pci-attach/pci-detach) or libvirt (virsh attach-device/detach-device --live).' -rfka 'xl libvirt'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide release" timeout' -l 'timeout' -d 'Seconds each program pcihide runs (xl, virsh, modprobe, update-grub, ...) may take before it and its children are ended (default: $PCIHIDE_TIMEOUT, else 60; persist --apply-now gives boot-file rebuilds at least 1800).' -rfka ''
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide release" root' -l 'root' -d 'Read and write the host\'s files under this directory (default: $PCIHIDE_ROOT, else /). --sysfs, --state, --mounts and --block-class narrow it.' -rfa '(__pcihide_complete_directories)'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide release" state' -l 'state' -d 'The state file (default: $PCIHIDE_STATE, else /var/lib/pcihide/state.json under the host root for root or with --root, else $XDG_STATE_HOME/pcihide/state.json).' -rF
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide release" version' -l 'version' -d 'Show the version.'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide release" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_positional "pcihide policy" -ge 1' -fka '(__pcihide_custom_completion ---completion policy -- positional@0 (count (__pcihide_tokens -pc)) (__pcihide_tokens -tC))'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide policy" auto' -l 'auto' -d 'The first domain started gets it; after its owner dies, the next one started.'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide policy" manual' -l 'manual' -d 'Never handed over automatically; only by assign.'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide policy" root' -l 'root' -d 'Read and write the host\'s files under this directory (default: $PCIHIDE_ROOT, else /). --sysfs, --state, --mounts and --block-class narrow it.' -rfa '(__pcihide_complete_directories)'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide policy" state' -l 'state' -d 'The state file (default: $PCIHIDE_STATE, else /var/lib/pcihide/state.json under the host root for root or with --root, else $XDG_STATE_HOME/pcihide/state.json).' -rF
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide policy" version' -l 'version' -d 'Show the version.'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide policy" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide owners" json' -l 'json' -d 'Print JSON.'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide owners" toolstack' -l 'toolstack' -d 'Where ownership comes from: state (pcihide\'s ledger), or xl (xl pci-assignable-list, xl list, xl pci-list) or libvirt (virsh list, virsh dumpxml) beside the ledger, with the devices where they disagree marked.' -rfka 'state xl libvirt'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide owners" root' -l 'root' -d 'Read and write the host\'s files under this directory (default: $PCIHIDE_ROOT, else /). --sysfs, --state, --mounts and --block-class narrow it.' -rfa '(__pcihide_complete_directories)'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide owners" timeout' -l 'timeout' -d 'Seconds each program pcihide runs (xl, virsh, modprobe, update-grub, ...) may take before it and its children are ended (default: $PCIHIDE_TIMEOUT, else 60; persist --apply-now gives boot-file rebuilds at least 1800).' -rfka ''
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide owners" state' -l 'state' -d 'The state file (default: $PCIHIDE_STATE, else /var/lib/pcihide/state.json under the host root for root or with --root, else $XDG_STATE_HOME/pcihide/state.json).' -rF
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide owners" sysfs' -l 'sysfs' -d 'A sysfs PCI root holding devices/ (default: $PCIHIDE_SYSFS, else sys/bus/pci under the host root).' -rfa '(__pcihide_complete_directories)'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide owners" version' -l 'version' -d 'Show the version.'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide owners" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide history" root' -l 'root' -d 'Read and write the host\'s files under this directory (default: $PCIHIDE_ROOT, else /). --sysfs, --state, --mounts and --block-class narrow it.' -rfa '(__pcihide_complete_directories)'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide history" state' -l 'state' -d 'The state file (default: $PCIHIDE_STATE, else /var/lib/pcihide/state.json under the host root for root or with --root, else $XDG_STATE_HOME/pcihide/state.json).' -rF
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide history" check' -l 'check' -d 'Replay the history from nothing and say whether it arrives at the state file (exit 65 at the first line that cannot follow from those before it, or when it arrives elsewhere).'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide history" json' -l 'json' -d 'Print JSON (schema in the man page): each change\'s time, transaction, event and text.'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide history" version' -l 'version' -d 'Show the version.'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide history" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide groups" s' -s 's' -rfka '(__pcihide_custom_completion ---completion groups -- -s (count (__pcihide_tokens -pc)) (__pcihide_tokens -tC))'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide groups" s' -s 's' -d 'Only groups holding a device in these slots: [[[[<domain>]:]<bus>]:][<device>][.[<func>]].' -rf
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide groups" d' -s 'd' -d 'Only groups holding a device with these ids: [<vendor>]:[<device>][:<class>].' -rfka ''
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide groups" hidden' -l 'hidden' -d 'Only groups holding hidden devices.'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide groups" json' -l 'json' -d 'Print JSON.'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide groups" root' -l 'root' -d 'Read and write the host\'s files under this directory (default: $PCIHIDE_ROOT, else /). --sysfs, --state, --mounts and --block-class narrow it.' -rfa '(__pcihide_complete_directories)'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide groups" timeout' -l 'timeout' -d 'Seconds each program pcihide runs (xl, virsh, modprobe, update-grub, ...) may take before it and its children are ended (default: $PCIHIDE_TIMEOUT, else 60; persist --apply-now gives boot-file rebuilds at least 1800).' -rfka ''
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide groups" state' -l 'state' -d 'The state file (default: $PCIHIDE_STATE, else /var/lib/pcihide/state.json under the host root for root or with --root, else $XDG_STATE_HOME/pcihide/state.json).' -rF
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide groups" sysfs' -l 'sysfs' -d 'A sysfs PCI root holding devices/ (default: $PCIHIDE_SYSFS, else sys/bus/pci under the host root).' -rfa '(__pcihide_complete_directories)'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide groups" mounts' -l 'mounts' -d 'The mount table to trace to PCI devices (default: $PCIHIDE_MOUNTS, else proc/self/mountinfo under the host root, else proc/mounts).' -rF
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide groups" block-class' -l 'block-class' -d 'The block-device class directory (default: $PCIHIDE_BLOCK_CLASS, else sys/class/block under the host root when the sysfs tree is the root\'s own; other trees are not traced).' -rfa '(__pcihide_complete_directories)'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide groups" version' -l 'version' -d 'Show the version.'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide groups" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide config" format' -l 'format' -d 'xl (an xl.cfg pci = [...] line), libvirt (<hostdev> elements), qemu (-device vfio-pci arguments) or proxmox (hostpciN: lines; hidden devices by the mapping pcihide export --format proxmox names).' -rfka 'xl libvirt qemu proxmox'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide config" domain' -l 'domain' -rfka '(__pcihide_custom_completion ---completion config -- --domain (count (__pcihide_tokens -pc)) (__pcihide_tokens -tC))'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide config" domain' -l 'domain' -d 'The guest domain whose devices (owned or reserved in the ledger) to show.' -rf
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide config"' -l 'device' -rfka '(__pcihide_custom_completion ---completion config -- --device (count (__pcihide_tokens -pc)) (__pcihide_tokens -tC))'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide config"' -l 'device' -d 'A host device to give the guest, xl style: 02:09.0, 02:09.0@09, 02:09.0,permissive=1 (repeatable; previews without a ledger).' -rf
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide config" sysfs' -l 'sysfs' -d 'A sysfs PCI root holding devices/ (default: $PCIHIDE_SYSFS, else /sys/bus/pci).' -rfa '(__pcihide_complete_directories)'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide config" F' -s 'F' -d 'Read devices from an lspci -x/-xxx/-xxxx dump instead (as lspci -F).' -rF
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide config" i' -s 'i' -d 'Use this ID database instead of pci.ids (as lspci -i).' -rfka ''
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide config" root' -l 'root' -d 'Read and write the host\'s files under this directory (default: $PCIHIDE_ROOT, else /). --sysfs, --state, --mounts and --block-class narrow it.' -rfa '(__pcihide_complete_directories)'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide config" state' -l 'state' -d 'The state file (default: $PCIHIDE_STATE, else /var/lib/pcihide/state.json under the host root for root or with --root, else $XDG_STATE_HOME/pcihide/state.json).' -rF
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide config" version' -l 'version' -d 'Show the version.'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide config" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide watch" toolstack' -l 'toolstack' -d 'The toolstack to follow: xl or libvirt.' -rfka 'xl libvirt'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide watch" root' -l 'root' -d 'Read and write the host\'s files under this directory (default: $PCIHIDE_ROOT, else /). --sysfs, --state, --mounts and --block-class narrow it.' -rfa '(__pcihide_complete_directories)'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide watch" timeout' -l 'timeout' -d 'Seconds each program pcihide runs (xl, virsh, modprobe, update-grub, ...) may take before it and its children are ended (default: $PCIHIDE_TIMEOUT, else 60; persist --apply-now gives boot-file rebuilds at least 1800).' -rfka ''
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide watch" state' -l 'state' -d 'The state file (default: $PCIHIDE_STATE, else /var/lib/pcihide/state.json under the host root for root or with --root, else $XDG_STATE_HOME/pcihide/state.json).' -rF
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide watch" version' -l 'version' -d 'Show the version.'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide watch" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide verify" json' -l 'json' -d 'Print JSON.'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide verify" root' -l 'root' -d 'Read and write the host\'s files under this directory (default: $PCIHIDE_ROOT, else /). --sysfs, --state, --mounts and --block-class narrow it.' -rfa '(__pcihide_complete_directories)'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide verify" state' -l 'state' -d 'The state file (default: $PCIHIDE_STATE, else /var/lib/pcihide/state.json under the host root for root or with --root, else $XDG_STATE_HOME/pcihide/state.json).' -rF
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide verify" sysfs' -l 'sysfs' -d 'A sysfs PCI root holding devices/ (default: $PCIHIDE_SYSFS, else sys/bus/pci under the host root).' -rfa '(__pcihide_complete_directories)'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide verify" version' -l 'version' -d 'Show the version.'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide verify" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide persist" driver' -l 'driver' -d 'The passthrough driver: xen-pciback (Xen dom0) or vfio-pci (KVM). Default: xen-pciback on Xen setups, else vfio-pci.' -rfka 'xen-pciback vfio-pci'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide persist" loader' -l 'loader' -d 'The boot setup, instead of detecting it: grub2, bls, systemd-boot, proxmox (with systemd-boot), proxmox-grub, kernelstub, xen-efi, grub-legacy, limine.' -rfka 'grub2 bls systemd-boot proxmox proxmox-grub kernelstub xen-efi grub-legacy limine'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide persist" initramfs' -l 'initramfs' -d 'The initramfs generator, instead of detecting it: initramfs-tools, dracut, mkinitcpio.' -rfka 'initramfs-tools dracut mkinitcpio'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide persist" write' -l 'write' -d 'Write the changes (otherwise only the diff is shown).'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide persist" remove' -l 'remove' -d 'Take out what pcihide persist wrote (its tokens, its own files, the initramfs modules it added), whatever is hidden now; with an empty hidden set, persist does this by itself.'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide persist" apply-now' -l 'apply-now' -d 'With --write on this machine: also run the commands that rebuild the boot files (after the state lock is released); exit 69 when one fails.'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide persist" root' -l 'root' -d 'Read and write the host\'s files under this directory (default: $PCIHIDE_ROOT, else /). --sysfs, --state, --mounts and --block-class narrow it.' -rfa '(__pcihide_complete_directories)'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide persist" timeout' -l 'timeout' -d 'Seconds each program pcihide runs (xl, virsh, modprobe, update-grub, ...) may take before it and its children are ended (default: $PCIHIDE_TIMEOUT, else 60; persist --apply-now gives boot-file rebuilds at least 1800).' -rfka ''
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide persist" state' -l 'state' -d 'The state file (default: $PCIHIDE_STATE, else /var/lib/pcihide/state.json under the host root for root or with --root, else $XDG_STATE_HOME/pcihide/state.json).' -rF
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide persist" sysfs' -l 'sysfs' -d 'A sysfs PCI root holding devices/ (default: $PCIHIDE_SYSFS, else sys/bus/pci under the host root).' -rfa '(__pcihide_complete_directories)'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide persist" version' -l 'version' -d 'Show the version.'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide persist" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide export" format' -l 'format' -d 'The consumer\'s format: proxmox, kubevirt, nova, nfd, unraid (optional with --check).' -rfka ''
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_positional "pcihide export" -ge 1' -fka '(__pcihide_custom_completion ---completion export -- positional@0 (count (__pcihide_tokens -pc)) (__pcihide_tokens -tC))'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide export" node' -l 'node' -d 'The node\'s name in the cluster (default: the host root\'s /etc/hostname).' -rfka ''
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide export" check' -l 'check' -d 'Check the exported devices on this node instead of printing them.'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide export" api' -l 'api' -d 'proxmox: print pvesh create commands instead of pci.cfg sections.'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide export" resource-prefix' -l 'resource-prefix' -d 'kubevirt: the resource names\' domain.' -rfka ''
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide export" json' -l 'json' -d 'Print JSON.'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide export" root' -l 'root' -d 'Read and write the host\'s files under this directory (default: $PCIHIDE_ROOT, else /). --sysfs, --state, --mounts and --block-class narrow it.' -rfa '(__pcihide_complete_directories)'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide export" state' -l 'state' -d 'The state file (default: $PCIHIDE_STATE, else /var/lib/pcihide/state.json under the host root for root or with --root, else $XDG_STATE_HOME/pcihide/state.json).' -rF
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide export" sysfs' -l 'sysfs' -d 'A sysfs PCI root holding devices/ (default: $PCIHIDE_SYSFS, else sys/bus/pci under the host root).' -rfa '(__pcihide_complete_directories)'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide export" version' -l 'version' -d 'Show the version.'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide export" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide emu" version' -l 'version' -d 'Show the version.'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide emu" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_positional "pcihide emu" -eq 1' -fa 'read' -d 'Read one register as the guest would, and say whether it is emulated or shone through.'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_positional "pcihide emu" -eq 1' -fa 'trace' -d 'Replay a script of port accesses (outl 0xcf8 0x80004800, inl 0xcfc, ...) and print every read.'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_positional "pcihide emu" -eq 1' -fa 'dump' -d 'Print the guest bus in lspci -xxx format (lspci -F reads it).'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_positional "pcihide emu" -eq 1' -fa 'lspci' -d 'Render the guest bus with pcihide list\'s renderer (lspci\'s options).'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_positional "pcihide emu" -eq 1' -fa 'proc-pci' -d 'Print the guest bus as a Linux 2.4/2.6 guest\'s cat /proc/pci.'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide emu read" width' -l 'width' -d 'Access width: 1, 2 or 4.' -rfka '1 2 4'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide emu read" json' -l 'json' -d 'Print JSON (schema in the man page).'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide emu read" domain' -l 'domain' -rfka '(__pcihide_custom_completion ---completion emu read -- --domain (count (__pcihide_tokens -pc)) (__pcihide_tokens -tC))'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide emu read" domain' -l 'domain' -d 'The guest domain whose devices (owned or reserved in the ledger) to show.' -rf
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide emu read"' -l 'device' -rfka '(__pcihide_custom_completion ---completion emu read -- --device (count (__pcihide_tokens -pc)) (__pcihide_tokens -tC))'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide emu read"' -l 'device' -d 'A host device to give the guest, xl style: 02:09.0, 02:09.0@09, 02:09.0,permissive=1 (repeatable; previews without a ledger).' -rf
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide emu read" sysfs' -l 'sysfs' -d 'A sysfs PCI root holding devices/ (default: $PCIHIDE_SYSFS, else /sys/bus/pci).' -rfa '(__pcihide_complete_directories)'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide emu read" F' -s 'F' -d 'Read devices from an lspci -x/-xxx/-xxxx dump instead (as lspci -F).' -rF
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide emu read" i' -s 'i' -d 'Use this ID database instead of pci.ids (as lspci -i).' -rfka ''
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide emu read" root' -l 'root' -d 'Read and write the host\'s files under this directory (default: $PCIHIDE_ROOT, else /). --sysfs, --state, --mounts and --block-class narrow it.' -rfa '(__pcihide_complete_directories)'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide emu read" state' -l 'state' -d 'The state file (default: $PCIHIDE_STATE, else /var/lib/pcihide/state.json under the host root for root or with --root, else $XDG_STATE_HOME/pcihide/state.json).' -rF
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide emu read" version' -l 'version' -d 'Show the version.'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide emu read" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide emu trace" json' -l 'json' -d 'Print JSON (schema in the man page): every read\'s port, width and value.'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide emu trace" domain' -l 'domain' -rfka '(__pcihide_custom_completion ---completion emu trace -- --domain (count (__pcihide_tokens -pc)) (__pcihide_tokens -tC))'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide emu trace" domain' -l 'domain' -d 'The guest domain whose devices (owned or reserved in the ledger) to show.' -rf
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide emu trace"' -l 'device' -rfka '(__pcihide_custom_completion ---completion emu trace -- --device (count (__pcihide_tokens -pc)) (__pcihide_tokens -tC))'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide emu trace"' -l 'device' -d 'A host device to give the guest, xl style: 02:09.0, 02:09.0@09, 02:09.0,permissive=1 (repeatable; previews without a ledger).' -rf
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide emu trace" sysfs' -l 'sysfs' -d 'A sysfs PCI root holding devices/ (default: $PCIHIDE_SYSFS, else /sys/bus/pci).' -rfa '(__pcihide_complete_directories)'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide emu trace" F' -s 'F' -d 'Read devices from an lspci -x/-xxx/-xxxx dump instead (as lspci -F).' -rF
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide emu trace" i' -s 'i' -d 'Use this ID database instead of pci.ids (as lspci -i).' -rfka ''
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide emu trace" root' -l 'root' -d 'Read and write the host\'s files under this directory (default: $PCIHIDE_ROOT, else /). --sysfs, --state, --mounts and --block-class narrow it.' -rfa '(__pcihide_complete_directories)'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide emu trace" state' -l 'state' -d 'The state file (default: $PCIHIDE_STATE, else /var/lib/pcihide/state.json under the host root for root or with --root, else $XDG_STATE_HOME/pcihide/state.json).' -rF
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide emu trace" version' -l 'version' -d 'Show the version.'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide emu trace" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide emu dump" domain' -l 'domain' -rfka '(__pcihide_custom_completion ---completion emu dump -- --domain (count (__pcihide_tokens -pc)) (__pcihide_tokens -tC))'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide emu dump" domain' -l 'domain' -d 'The guest domain whose devices (owned or reserved in the ledger) to show.' -rf
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide emu dump"' -l 'device' -rfka '(__pcihide_custom_completion ---completion emu dump -- --device (count (__pcihide_tokens -pc)) (__pcihide_tokens -tC))'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide emu dump"' -l 'device' -d 'A host device to give the guest, xl style: 02:09.0, 02:09.0@09, 02:09.0,permissive=1 (repeatable; previews without a ledger).' -rf
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide emu dump" sysfs' -l 'sysfs' -d 'A sysfs PCI root holding devices/ (default: $PCIHIDE_SYSFS, else /sys/bus/pci).' -rfa '(__pcihide_complete_directories)'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide emu dump" F' -s 'F' -d 'Read devices from an lspci -x/-xxx/-xxxx dump instead (as lspci -F).' -rF
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide emu dump" i' -s 'i' -d 'Use this ID database instead of pci.ids (as lspci -i).' -rfka ''
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide emu dump" root' -l 'root' -d 'Read and write the host\'s files under this directory (default: $PCIHIDE_ROOT, else /). --sysfs, --state, --mounts and --block-class narrow it.' -rfa '(__pcihide_complete_directories)'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide emu dump" state' -l 'state' -d 'The state file (default: $PCIHIDE_STATE, else /var/lib/pcihide/state.json under the host root for root or with --root, else $XDG_STATE_HOME/pcihide/state.json).' -rF
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide emu dump" version' -l 'version' -d 'Show the version.'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide emu dump" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide emu lspci"' -s 'n' -d 'Show numeric ids (-nn: names and numbers).'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide emu lspci" D' -s 'D' -d 'Always show domain numbers.'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide emu lspci" k' -s 'k' -d 'Show kernel drivers and modules.'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide emu lspci"' -s 'm' -d 'Machine-readable output (-mm: the same, as lspci without -v).'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide emu lspci" t' -s 't' -d 'Show the bus tree.'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide emu lspci"' -s 'x' -d 'Hex dump of the config space header (-xxx: 256 bytes, -xxxx: 4096).'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide emu lspci"' -s 'P' -d 'Show each device\'s path through the bridges (-PP: with bus numbers).'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide emu lspci" b' -s 'b' -d 'Bus-centric view: ids, IRQs and addresses as the devices\' config space holds them, not the kernel\'s.'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide emu lspci" s' -s 's' -rfka '(__pcihide_custom_completion ---completion emu lspci -- -s (count (__pcihide_tokens -pc)) (__pcihide_tokens -tC))'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide emu lspci" s' -s 's' -d 'Only devices in these slots: [[[[<domain>]:]<bus>]:][<device>][.[<func>]].' -rf
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide emu lspci" d' -s 'd' -d 'Only devices with these ids: [<vendor>]:[<device>][:<class>].' -rfka ''
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide emu lspci" domain' -l 'domain' -rfka '(__pcihide_custom_completion ---completion emu lspci -- --domain (count (__pcihide_tokens -pc)) (__pcihide_tokens -tC))'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide emu lspci" domain' -l 'domain' -d 'The guest domain whose devices (owned or reserved in the ledger) to show.' -rf
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide emu lspci"' -l 'device' -rfka '(__pcihide_custom_completion ---completion emu lspci -- --device (count (__pcihide_tokens -pc)) (__pcihide_tokens -tC))'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide emu lspci"' -l 'device' -d 'A host device to give the guest, xl style: 02:09.0, 02:09.0@09, 02:09.0,permissive=1 (repeatable; previews without a ledger).' -rf
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide emu lspci" sysfs' -l 'sysfs' -d 'A sysfs PCI root holding devices/ (default: $PCIHIDE_SYSFS, else /sys/bus/pci).' -rfa '(__pcihide_complete_directories)'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide emu lspci" F' -s 'F' -d 'Read devices from an lspci -x/-xxx/-xxxx dump instead (as lspci -F).' -rF
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide emu lspci" i' -s 'i' -d 'Use this ID database instead of pci.ids (as lspci -i).' -rfka ''
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide emu lspci" root' -l 'root' -d 'Read and write the host\'s files under this directory (default: $PCIHIDE_ROOT, else /). --sysfs, --state, --mounts and --block-class narrow it.' -rfa '(__pcihide_complete_directories)'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide emu lspci" state' -l 'state' -d 'The state file (default: $PCIHIDE_STATE, else /var/lib/pcihide/state.json under the host root for root or with --root, else $XDG_STATE_HOME/pcihide/state.json).' -rF
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide emu lspci" version' -l 'version' -d 'Show the version.'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide emu lspci" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide emu proc-pci" domain' -l 'domain' -rfka '(__pcihide_custom_completion ---completion emu proc-pci -- --domain (count (__pcihide_tokens -pc)) (__pcihide_tokens -tC))'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide emu proc-pci" domain' -l 'domain' -d 'The guest domain whose devices (owned or reserved in the ledger) to show.' -rf
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide emu proc-pci"' -l 'device' -rfka '(__pcihide_custom_completion ---completion emu proc-pci -- --device (count (__pcihide_tokens -pc)) (__pcihide_tokens -tC))'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide emu proc-pci"' -l 'device' -d 'A host device to give the guest, xl style: 02:09.0, 02:09.0@09, 02:09.0,permissive=1 (repeatable; previews without a ledger).' -rf
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide emu proc-pci" sysfs' -l 'sysfs' -d 'A sysfs PCI root holding devices/ (default: $PCIHIDE_SYSFS, else /sys/bus/pci).' -rfa '(__pcihide_complete_directories)'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide emu proc-pci" F' -s 'F' -d 'Read devices from an lspci -x/-xxx/-xxxx dump instead (as lspci -F).' -rF
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide emu proc-pci" i' -s 'i' -d 'Use this ID database instead of pci.ids (as lspci -i).' -rfka ''
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide emu proc-pci" root' -l 'root' -d 'Read and write the host\'s files under this directory (default: $PCIHIDE_ROOT, else /). --sysfs, --state, --mounts and --block-class narrow it.' -rfa '(__pcihide_complete_directories)'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide emu proc-pci" state' -l 'state' -d 'The state file (default: $PCIHIDE_STATE, else /var/lib/pcihide/state.json under the host root for root or with --root, else $XDG_STATE_HOME/pcihide/state.json).' -rF
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide emu proc-pci" version' -l 'version' -d 'Show the version.'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide emu proc-pci" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_positional "pcihide completion" -eq 1' -fka 'bash zsh fish'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide completion" version' -l 'version' -d 'Show the version.'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide completion" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'pcihide' -n '__pcihide_should_offer_completions_for_flags_or_options "pcihide help" version' -l 'version' -d 'Show the version.'
