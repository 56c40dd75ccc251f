#!/bin/bash

__pcihide_cursor_index_in_current_word() {
    local remaining="${COMP_LINE}"

    local word
    for word in "${COMP_WORDS[@]::COMP_CWORD}"; do
        remaining="${remaining##*([[:space:]])"${word}"*([[:space:]])}"
    done

    local -ir index="$((COMP_POINT - ${#COMP_LINE} + ${#remaining}))"
    if [[ "${index}" -le 0 ]]; then
        printf 0
    else
        printf %s "${index}"
    fi
}

# positional arguments:
#
# - 1: the current (sub)command's count of positional arguments
#
# required variables:
#
# - repeating_flags: the repeating flags that the current (sub)command can accept
# - non_repeating_flags: the non-repeating flags that the current (sub)command can accept
# - repeating_options: the repeating options that the current (sub)command can accept
# - non_repeating_options: the non-repeating options that the current (sub)command can accept
# - positional_number: value ignored
# - unparsed_words: unparsed words from the current command line
#
# modified variables:
#
# - non_repeating_flags: remove flags for this (sub)command that are already on the command line
# - non_repeating_options: remove options for this (sub)command that are already on the command line
# - positional_number: set to the current positional number
# - unparsed_words: remove all flags, options, and option values for this (sub)command
__pcihide_offer_flags_options() {
    local -ir positional_count="${1}"
    positional_number=0

    local was_flag_option_terminator_seen=false
    local is_parsing_option_value=false

    local -ar unparsed_word_indices=("${!unparsed_words[@]}")
    local -i word_index
    for word_index in "${unparsed_word_indices[@]}"; do
        if "${is_parsing_option_value}"; then
            # This word is an option value:
            # Reset marker for next word iff not currently the last word
            [[ "${word_index}" -ne "${unparsed_word_indices[${#unparsed_word_indices[@]} - 1]}" ]] && is_parsing_option_value=false
            unset "unparsed_words[${word_index}]"
            # Do not process this word as a flag or an option
            continue
        fi

        local word="${unparsed_words["${word_index}"]}"
        if ! "${was_flag_option_terminator_seen}"; then
            case "${word}" in
            --)
                unset "unparsed_words[${word_index}]"
                # by itself -- is a flag/option terminator, but if it is the last word, it is the start of a completion
                if [[ "${word_index}" -ne "${unparsed_word_indices[${#unparsed_word_indices[@]} - 1]}" ]]; then
                    was_flag_option_terminator_seen=true
                fi
                continue
                ;;
            -*)
                # ${word} is a flag or an option
                # If ${word} is an option, mark that the next word to be parsed is an option value
                local option
                for option in "${repeating_options[@]}" "${non_repeating_options[@]}"; do
                    [[ "${word}" = "${option}" ]] && is_parsing_option_value=true && break
                done

                # Remove ${word} from ${non_repeating_flags} or ${non_repeating_options} so it isn't offered again
                local not_found=true
                local -i index
                for index in "${!non_repeating_flags[@]}"; do
                    if [[ "${non_repeating_flags[${index}]}" = "${word}" ]]; then
                        unset "non_repeating_flags[${index}]"
                        non_repeating_flags=("${non_repeating_flags[@]}")
                        not_found=false
                        break
                    fi
                done
                if "${not_found}"; then
                    for index in "${!non_repeating_flags[@]}"; do
                        if [[ "${non_repeating_flags[${index}]}" = "${word}" ]]; then
                            unset "non_repeating_flags[${index}]"
                            non_repeating_flags=("${non_repeating_flags[@]}")
                            break
                        fi
                    done
                fi
                unset "unparsed_words[${word_index}]"
                continue
                ;;
            esac
        fi

        # ${word} is neither a flag, nor an option, nor an option value
        if [[ "${positional_number}" -lt "${positional_count}" || "${positional_count}" -lt 0 ]]; then
            # ${word} is a positional
            ((positional_number++))
            unset "unparsed_words[${word_index}]"
        else
            if [[ -z "${word}" ]]; then
                # Could be completing a flag, option, or subcommand
                positional_number=-1
            else
                # ${word} is a subcommand or invalid, so stop processing this (sub)command
                positional_number=-2
            fi
            break
        fi
    done

    unparsed_words=("${unparsed_words[@]}")

    if\
        ! "${was_flag_option_terminator_seen}"\
        && ! "${is_parsing_option_value}"\
        && [[ ("${cur}" = -* && "${positional_number}" -ge 0) || "${positional_number}" -eq -1 ]]
    then
        COMPREPLY+=($(compgen -W "${repeating_flags[*]} ${non_repeating_flags[*]} ${repeating_options[*]} ${non_repeating_options[*]}" -- "${cur}"))
    fi
}

__pcihide_add_completions() {
    local completion
    while IFS='' read -r completion; do
        COMPREPLY+=("${completion}")
    done < <(IFS=$'\n' compgen "${@}" -- "${cur}")
}

__pcihide_custom_complete() {
    if [[ -n "${cur}" || -z ${COMP_WORDS[${COMP_CWORD}]} || "${COMP_LINE:${COMP_POINT}:1}" != ' ' ]]; then
        local -ar words=("${COMP_WORDS[@]}")
    else
        local -ar words=("${COMP_WORDS[@]::${COMP_CWORD}}" '' "${COMP_WORDS[@]:${COMP_CWORD}}")
    fi

    "${COMP_WORDS[0]}" "${@}" "${words[@]}"
}

_pcihide() {
    local state
    state="$(shopt -p;shopt -po)"
    trap "${state//$'\n'/;}" RETURN
    shopt -s extglob
    set +o history +o posix

    local -xr SAP_SHELL=bash
    local -x SAP_SHELL_VERSION
    SAP_SHELL_VERSION="$(IFS='.';printf %s "${BASH_VERSINFO[*]}")"
    local -r SAP_SHELL_VERSION

    local -r cur="${2}"
    local -r prev="${3}"

    local -i positional_number
    local -a unparsed_words=("${COMP_WORDS[@]:1:${COMP_CWORD}}")

    local -a repeating_flags=()
    local -a non_repeating_flags=(--version -h --help)
    local -a repeating_options=()
    local -a non_repeating_options=()
    __pcihide_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    list|hide|unhide|hidden|check|grub|domain|assign|release|policy|owners|history|groups|config|watch|verify|persist|export|emu|completion|help)
        # Offer subcommand argument completions
        "_pcihide_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'list hide unhide hidden check grub domain assign release policy owners history groups config watch verify persist export emu completion help' -- "${cur}"))
        ;;
    esac
}

_pcihide_list() {
    repeating_flags=(-n -m -x -P -v)
    non_repeating_flags=(-D -k -t -b --owners --hidden --json --version -h --help)
    repeating_options=()
    non_repeating_options=(-s -d --sysfs -F -i --root --state)
    __pcihide_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '-s')
        __pcihide_add_completions -W "$(__pcihide_custom_complete ---completion list -- -s "${COMP_CWORD}" "$(__pcihide_cursor_index_in_current_word)")"
        return
        ;;
    '-d')
        return
        ;;
    '--sysfs')
        __pcihide_add_completions -d
        return
        ;;
    '-F')
        __pcihide_add_completions -f
        return
        ;;
    '-i')
        return
        ;;
    '--root')
        __pcihide_add_completions -d
        return
        ;;
    '--state')
        __pcihide_add_completions -f
        return
        ;;
    esac
}

_pcihide_hide() {
    repeating_flags=()
    non_repeating_flags=(--grub --now --dry-run --force --group --one --remap --yes --version -h --help)
    repeating_options=()
    non_repeating_options=(--driver --style --loader --kernel --append --root --timeout --state --sysfs --mounts --block-class)
    __pcihide_offer_flags_options -1

    # Offer option value completions
    case "${prev}" in
    '--driver')
        __pcihide_add_completions -W 'pciback'$'\n''vfio-pci'
        return
        ;;
    '--style')
        __pcihide_add_completions -W 'xen-pciback'$'\n''pciback'$'\n''hide'$'\n''physdev'$'\n''vfio'
        return
        ;;
    '--loader')
        __pcihide_add_completions -W 'none'$'\n''legacy'$'\n''grub2'
        return
        ;;
    '--kernel')
        return
        ;;
    '--append')
        return
        ;;
    '--root')
        __pcihide_add_completions -d
        return
        ;;
    '--timeout')
        return
        ;;
    '--state')
        __pcihide_add_completions -f
        return
        ;;
    '--sysfs')
        __pcihide_add_completions -d
        return
        ;;
    '--mounts')
        __pcihide_add_completions -f
        return
        ;;
    '--block-class')
        __pcihide_add_completions -d
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    *)
        __pcihide_add_completions -W "$(__pcihide_custom_complete ---completion hide -- positional@0 "${COMP_CWORD}" "$(__pcihide_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_pcihide_unhide() {
    repeating_flags=()
    non_repeating_flags=(--force --now --dry-run --version -h --help)
    repeating_options=()
    non_repeating_options=(--root --timeout --state --sysfs)
    __pcihide_offer_flags_options -1

    # Offer option value completions
    case "${prev}" in
    '--root')
        __pcihide_add_completions -d
        return
        ;;
    '--timeout')
        return
        ;;
    '--state')
        __pcihide_add_completions -f
        return
        ;;
    '--sysfs')
        __pcihide_add_completions -d
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    *)
        __pcihide_add_completions -W "$(__pcihide_custom_complete ---completion unhide -- positional@0 "${COMP_CWORD}" "$(__pcihide_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_pcihide_hidden() {
    repeating_flags=()
    non_repeating_flags=(--json --version -h --help)
    repeating_options=()
    non_repeating_options=(--root --state)
    __pcihide_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--root')
        __pcihide_add_completions -d
        return
        ;;
    '--state')
        __pcihide_add_completions -f
        return
        ;;
    esac
}

_pcihide_check() {
    repeating_flags=()
    non_repeating_flags=(--json --version -h --help)
    repeating_options=()
    non_repeating_options=(--root --timeout --state --sysfs --mounts --block-class)
    __pcihide_offer_flags_options -1

    # Offer option value completions
    case "${prev}" in
    '--root')
        __pcihide_add_completions -d
        return
        ;;
    '--timeout')
        return
        ;;
    '--state')
        __pcihide_add_completions -f
        return
        ;;
    '--sysfs')
        __pcihide_add_completions -d
        return
        ;;
    '--mounts')
        __pcihide_add_completions -f
        return
        ;;
    '--block-class')
        __pcihide_add_completions -d
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    *)
        __pcihide_add_completions -W "$(__pcihide_custom_complete ---completion check -- positional@0 "${COMP_CWORD}" "$(__pcihide_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_pcihide_grub() {
    repeating_flags=()
    non_repeating_flags=(--edit --write --version -h --help)
    repeating_options=()
    non_repeating_options=(--style --loader --kernel --append --default-file --root --state --sysfs)
    __pcihide_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--style')
        __pcihide_add_completions -W 'xen-pciback'$'\n''pciback'$'\n''hide'$'\n''physdev'$'\n''vfio'
        return
        ;;
    '--loader')
        __pcihide_add_completions -W 'none'$'\n''legacy'$'\n''grub2'
        return
        ;;
    '--kernel')
        return
        ;;
    '--append')
        return
        ;;
    '--default-file')
        return
        ;;
    '--root')
        __pcihide_add_completions -d
        return
        ;;
    '--state')
        __pcihide_add_completions -f
        return
        ;;
    '--sysfs')
        __pcihide_add_completions -d
        return
        ;;
    esac
}

_pcihide_domain() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=()
    __pcihide_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    start|kill|list)
        # Offer subcommand argument completions
        "_pcihide_domain_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'start kill list' -- "${cur}"))
        ;;
    esac
}

_pcihide_domain_start() {
    repeating_flags=()
    non_repeating_flags=(--apply --version -h --help)
    repeating_options=()
    non_repeating_options=(--name --toolstack --timeout --root --state)
    __pcihide_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--name')
        return
        ;;
    '--toolstack')
        __pcihide_add_completions -W 'xl'$'\n''libvirt'
        return
        ;;
    '--timeout')
        return
        ;;
    '--root')
        __pcihide_add_completions -d
        return
        ;;
    '--state')
        __pcihide_add_completions -f
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    1)
        __pcihide_add_completions -W "$(__pcihide_custom_complete ---completion domain start -- positional@0 "${COMP_CWORD}" "$(__pcihide_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_pcihide_domain_kill() {
    repeating_flags=()
    non_repeating_flags=(--apply --version -h --help)
    repeating_options=()
    non_repeating_options=(--toolstack --timeout --root --state)
    __pcihide_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--toolstack')
        __pcihide_add_completions -W 'xl'$'\n''libvirt'
        return
        ;;
    '--timeout')
        return
        ;;
    '--root')
        __pcihide_add_completions -d
        return
        ;;
    '--state')
        __pcihide_add_completions -f
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    1)
        __pcihide_add_completions -W "$(__pcihide_custom_complete ---completion domain kill -- positional@0 "${COMP_CWORD}" "$(__pcihide_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_pcihide_domain_list() {
    repeating_flags=()
    non_repeating_flags=(--json --version -h --help)
    repeating_options=()
    non_repeating_options=(--root --state)
    __pcihide_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--root')
        __pcihide_add_completions -d
        return
        ;;
    '--state')
        __pcihide_add_completions -f
        return
        ;;
    esac
}

_pcihide_assign() {
    repeating_flags=()
    non_repeating_flags=(--force --apply --version -h --help)
    repeating_options=()
    non_repeating_options=(--domain --toolstack --timeout --root --state --sysfs)
    __pcihide_offer_flags_options -1

    # Offer option value completions
    case "${prev}" in
    '--domain')
        __pcihide_add_completions -W "$(__pcihide_custom_complete ---completion assign -- --domain "${COMP_CWORD}" "$(__pcihide_cursor_index_in_current_word)")"
        return
        ;;
    '--toolstack')
        __pcihide_add_completions -W 'xl'$'\n''libvirt'
        return
        ;;
    '--timeout')
        return
        ;;
    '--root')
        __pcihide_add_completions -d
        return
        ;;
    '--state')
        __pcihide_add_completions -f
        return
        ;;
    '--sysfs')
        __pcihide_add_completions -d
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    *)
        __pcihide_add_completions -W "$(__pcihide_custom_complete ---completion assign -- positional@0 "${COMP_CWORD}" "$(__pcihide_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_pcihide_release() {
    repeating_flags=()
    non_repeating_flags=(--apply --version -h --help)
    repeating_options=()
    non_repeating_options=(--toolstack --timeout --root --state)
    __pcihide_offer_flags_options -1

    # Offer option value completions
    case "${prev}" in
    '--toolstack')
        __pcihide_add_completions -W 'xl'$'\n''libvirt'
        return
        ;;
    '--timeout')
        return
        ;;
    '--root')
        __pcihide_add_completions -d
        return
        ;;
    '--state')
        __pcihide_add_completions -f
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    *)
        __pcihide_add_completions -W "$(__pcihide_custom_complete ---completion release -- positional@0 "${COMP_CWORD}" "$(__pcihide_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_pcihide_policy() {
    repeating_flags=()
    non_repeating_flags=(--auto --manual --version -h --help)
    repeating_options=()
    non_repeating_options=(--root --state)
    __pcihide_offer_flags_options -1

    # Offer option value completions
    case "${prev}" in
    '--root')
        __pcihide_add_completions -d
        return
        ;;
    '--state')
        __pcihide_add_completions -f
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    *)
        __pcihide_add_completions -W "$(__pcihide_custom_complete ---completion policy -- positional@0 "${COMP_CWORD}" "$(__pcihide_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_pcihide_owners() {
    repeating_flags=()
    non_repeating_flags=(--json --version -h --help)
    repeating_options=()
    non_repeating_options=(--toolstack --root --timeout --state --sysfs)
    __pcihide_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--toolstack')
        __pcihide_add_completions -W 'state'$'\n''xl'$'\n''libvirt'
        return
        ;;
    '--root')
        __pcihide_add_completions -d
        return
        ;;
    '--timeout')
        return
        ;;
    '--state')
        __pcihide_add_completions -f
        return
        ;;
    '--sysfs')
        __pcihide_add_completions -d
        return
        ;;
    esac
}

_pcihide_history() {
    repeating_flags=()
    non_repeating_flags=(--check --json --version -h --help)
    repeating_options=()
    non_repeating_options=(--root --state)
    __pcihide_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--root')
        __pcihide_add_completions -d
        return
        ;;
    '--state')
        __pcihide_add_completions -f
        return
        ;;
    esac
}

_pcihide_groups() {
    repeating_flags=()
    non_repeating_flags=(--hidden --json --version -h --help)
    repeating_options=()
    non_repeating_options=(-s -d --root --timeout --state --sysfs --mounts --block-class)
    __pcihide_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '-s')
        __pcihide_add_completions -W "$(__pcihide_custom_complete ---completion groups -- -s "${COMP_CWORD}" "$(__pcihide_cursor_index_in_current_word)")"
        return
        ;;
    '-d')
        return
        ;;
    '--root')
        __pcihide_add_completions -d
        return
        ;;
    '--timeout')
        return
        ;;
    '--state')
        __pcihide_add_completions -f
        return
        ;;
    '--sysfs')
        __pcihide_add_completions -d
        return
        ;;
    '--mounts')
        __pcihide_add_completions -f
        return
        ;;
    '--block-class')
        __pcihide_add_completions -d
        return
        ;;
    esac
}

_pcihide_config() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=(--device)
    non_repeating_options=(--format --domain --sysfs -F -i --root --state)
    __pcihide_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--format')
        __pcihide_add_completions -W 'xl'$'\n''libvirt'$'\n''qemu'$'\n''proxmox'
        return
        ;;
    '--domain')
        __pcihide_add_completions -W "$(__pcihide_custom_complete ---completion config -- --domain "${COMP_CWORD}" "$(__pcihide_cursor_index_in_current_word)")"
        return
        ;;
    '--device')
        __pcihide_add_completions -W "$(__pcihide_custom_complete ---completion config -- --device "${COMP_CWORD}" "$(__pcihide_cursor_index_in_current_word)")"
        return
        ;;
    '--sysfs')
        __pcihide_add_completions -d
        return
        ;;
    '-F')
        __pcihide_add_completions -f
        return
        ;;
    '-i')
        return
        ;;
    '--root')
        __pcihide_add_completions -d
        return
        ;;
    '--state')
        __pcihide_add_completions -f
        return
        ;;
    esac
}

_pcihide_watch() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=(--toolstack --root --timeout --state)
    __pcihide_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--toolstack')
        __pcihide_add_completions -W 'xl'$'\n''libvirt'
        return
        ;;
    '--root')
        __pcihide_add_completions -d
        return
        ;;
    '--timeout')
        return
        ;;
    '--state')
        __pcihide_add_completions -f
        return
        ;;
    esac
}

_pcihide_verify() {
    repeating_flags=()
    non_repeating_flags=(--json --version -h --help)
    repeating_options=()
    non_repeating_options=(--root --state --sysfs)
    __pcihide_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--root')
        __pcihide_add_completions -d
        return
        ;;
    '--state')
        __pcihide_add_completions -f
        return
        ;;
    '--sysfs')
        __pcihide_add_completions -d
        return
        ;;
    esac
}

_pcihide_persist() {
    repeating_flags=()
    non_repeating_flags=(--write --remove --apply-now --version -h --help)
    repeating_options=()
    non_repeating_options=(--driver --loader --initramfs --root --timeout --state --sysfs)
    __pcihide_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--driver')
        __pcihide_add_completions -W 'xen-pciback'$'\n''vfio-pci'
        return
        ;;
    '--loader')
        __pcihide_add_completions -W 'grub2'$'\n''bls'$'\n''systemd-boot'$'\n''proxmox'$'\n''proxmox-grub'$'\n''kernelstub'$'\n''xen-efi'$'\n''grub-legacy'$'\n''limine'
        return
        ;;
    '--initramfs')
        __pcihide_add_completions -W 'initramfs-tools'$'\n''dracut'$'\n''mkinitcpio'
        return
        ;;
    '--root')
        __pcihide_add_completions -d
        return
        ;;
    '--timeout')
        return
        ;;
    '--state')
        __pcihide_add_completions -f
        return
        ;;
    '--sysfs')
        __pcihide_add_completions -d
        return
        ;;
    esac
}

_pcihide_export() {
    repeating_flags=()
    non_repeating_flags=(--check --api --json --version -h --help)
    repeating_options=()
    non_repeating_options=(--format --node --resource-prefix --root --state --sysfs)
    __pcihide_offer_flags_options -1

    # Offer option value completions
    case "${prev}" in
    '--format')
        return
        ;;
    '--node')
        return
        ;;
    '--resource-prefix')
        return
        ;;
    '--root')
        __pcihide_add_completions -d
        return
        ;;
    '--state')
        __pcihide_add_completions -f
        return
        ;;
    '--sysfs')
        __pcihide_add_completions -d
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    *)
        __pcihide_add_completions -W "$(__pcihide_custom_complete ---completion export -- positional@0 "${COMP_CWORD}" "$(__pcihide_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_pcihide_emu() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=()
    __pcihide_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    read|trace|dump|lspci|proc-pci)
        # Offer subcommand argument completions
        "_pcihide_emu_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'read trace dump lspci proc-pci' -- "${cur}"))
        ;;
    esac
}

_pcihide_emu_read() {
    repeating_flags=()
    non_repeating_flags=(--json --version -h --help)
    repeating_options=(--device)
    non_repeating_options=(--width --domain --sysfs -F -i --root --state)
    __pcihide_offer_flags_options 2

    # Offer option value completions
    case "${prev}" in
    '--width')
        __pcihide_add_completions -W '1'$'\n''2'$'\n''4'
        return
        ;;
    '--domain')
        __pcihide_add_completions -W "$(__pcihide_custom_complete ---completion emu read -- --domain "${COMP_CWORD}" "$(__pcihide_cursor_index_in_current_word)")"
        return
        ;;
    '--device')
        __pcihide_add_completions -W "$(__pcihide_custom_complete ---completion emu read -- --device "${COMP_CWORD}" "$(__pcihide_cursor_index_in_current_word)")"
        return
        ;;
    '--sysfs')
        __pcihide_add_completions -d
        return
        ;;
    '-F')
        __pcihide_add_completions -f
        return
        ;;
    '-i')
        return
        ;;
    '--root')
        __pcihide_add_completions -d
        return
        ;;
    '--state')
        __pcihide_add_completions -f
        return
        ;;
    esac
}

_pcihide_emu_trace() {
    repeating_flags=()
    non_repeating_flags=(--json --version -h --help)
    repeating_options=(--device)
    non_repeating_options=(--domain --sysfs -F -i --root --state)
    __pcihide_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--domain')
        __pcihide_add_completions -W "$(__pcihide_custom_complete ---completion emu trace -- --domain "${COMP_CWORD}" "$(__pcihide_cursor_index_in_current_word)")"
        return
        ;;
    '--device')
        __pcihide_add_completions -W "$(__pcihide_custom_complete ---completion emu trace -- --device "${COMP_CWORD}" "$(__pcihide_cursor_index_in_current_word)")"
        return
        ;;
    '--sysfs')
        __pcihide_add_completions -d
        return
        ;;
    '-F')
        __pcihide_add_completions -f
        return
        ;;
    '-i')
        return
        ;;
    '--root')
        __pcihide_add_completions -d
        return
        ;;
    '--state')
        __pcihide_add_completions -f
        return
        ;;
    esac
}

_pcihide_emu_dump() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=(--device)
    non_repeating_options=(--domain --sysfs -F -i --root --state)
    __pcihide_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--domain')
        __pcihide_add_completions -W "$(__pcihide_custom_complete ---completion emu dump -- --domain "${COMP_CWORD}" "$(__pcihide_cursor_index_in_current_word)")"
        return
        ;;
    '--device')
        __pcihide_add_completions -W "$(__pcihide_custom_complete ---completion emu dump -- --device "${COMP_CWORD}" "$(__pcihide_cursor_index_in_current_word)")"
        return
        ;;
    '--sysfs')
        __pcihide_add_completions -d
        return
        ;;
    '-F')
        __pcihide_add_completions -f
        return
        ;;
    '-i')
        return
        ;;
    '--root')
        __pcihide_add_completions -d
        return
        ;;
    '--state')
        __pcihide_add_completions -f
        return
        ;;
    esac
}

_pcihide_emu_lspci() {
    repeating_flags=(-n -m -x -P)
    non_repeating_flags=(-D -k -t -b --version -h --help)
    repeating_options=(--device)
    non_repeating_options=(-s -d --domain --sysfs -F -i --root --state)
    __pcihide_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '-s')
        __pcihide_add_completions -W "$(__pcihide_custom_complete ---completion emu lspci -- -s "${COMP_CWORD}" "$(__pcihide_cursor_index_in_current_word)")"
        return
        ;;
    '-d')
        return
        ;;
    '--domain')
        __pcihide_add_completions -W "$(__pcihide_custom_complete ---completion emu lspci -- --domain "${COMP_CWORD}" "$(__pcihide_cursor_index_in_current_word)")"
        return
        ;;
    '--device')
        __pcihide_add_completions -W "$(__pcihide_custom_complete ---completion emu lspci -- --device "${COMP_CWORD}" "$(__pcihide_cursor_index_in_current_word)")"
        return
        ;;
    '--sysfs')
        __pcihide_add_completions -d
        return
        ;;
    '-F')
        __pcihide_add_completions -f
        return
        ;;
    '-i')
        return
        ;;
    '--root')
        __pcihide_add_completions -d
        return
        ;;
    '--state')
        __pcihide_add_completions -f
        return
        ;;
    esac
}

_pcihide_emu_proc-pci() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=(--device)
    non_repeating_options=(--domain --sysfs -F -i --root --state)
    __pcihide_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--domain')
        __pcihide_add_completions -W "$(__pcihide_custom_complete ---completion emu proc-pci -- --domain "${COMP_CWORD}" "$(__pcihide_cursor_index_in_current_word)")"
        return
        ;;
    '--device')
        __pcihide_add_completions -W "$(__pcihide_custom_complete ---completion emu proc-pci -- --device "${COMP_CWORD}" "$(__pcihide_cursor_index_in_current_word)")"
        return
        ;;
    '--sysfs')
        __pcihide_add_completions -d
        return
        ;;
    '-F')
        __pcihide_add_completions -f
        return
        ;;
    '-i')
        return
        ;;
    '--root')
        __pcihide_add_completions -d
        return
        ;;
    '--state')
        __pcihide_add_completions -f
        return
        ;;
    esac
}

_pcihide_completion() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=()
    __pcihide_offer_flags_options 1

    # Offer positional completions
    case "${positional_number}" in
    1)
        __pcihide_add_completions -W 'bash'$'\n''zsh'$'\n''fish'
        return
        ;;
    esac
}

_pcihide_help() {
    repeating_flags=()
    non_repeating_flags=(--version)
    repeating_options=()
    non_repeating_options=()
    __pcihide_offer_flags_options -1
}

_pcihide_colon_safe() {
    if declare -F _get_comp_words_by_ref >/dev/null 2>&1; then
        local cur prev words cword
        _get_comp_words_by_ref -n : cur prev words cword
        # A word readline inserted earlier may carry its '\:' quoting (then readline's
        # word is the whole address, not the part after the last ':'): unquote it.
        local quoted=0
        if [[ "${cur}" == *'\:'* ]]; then
            quoted=1
            cur="${cur//'\:'/:}"
            words[cword]="${cur}"
            local before="${COMP_LINE:0:COMP_POINT}"
            before="${before//'\:'/:}"
            local COMP_LINE="${COMP_LINE//'\:'/:}"
            local COMP_POINT="${#before}"
        fi
        local -a COMP_WORDS=("${words[@]}")
        local COMP_CWORD="${cword}"
        _pcihide "${1}" "${cur}" "${prev}"
        ((quoted)) || __ltrim_colon_completions "${cur}"
        # Addresses, ids and domain numbers are not file names: readline would insert
        # them with each ':' quoted, and the next TAB would then match nothing.
        local c plain=1
        for c in "${COMPREPLY[@]}"; do
            [[ "${c}" == *[!0-9A-Fa-f:.*]* ]] && { plain=0; break; }
        done
        ((plain && ${#COMPREPLY[@]})) && compopt +o filenames 2>/dev/null
    else
        _pcihide "$@"
    fi
    return 0
}

complete -o filenames -F _pcihide_colon_safe pcihide
