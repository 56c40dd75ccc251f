# Shared by the stub toolstack programs (sourced): the stub world lives in $STUB_WORLD.
#   domains  one running guest per line: ID NAME [STATE] (xl's state column, -b---- if absent)
#   calls    every call a stub received, one per line
#   events   the script the event streams play: start ID NAME | stop ID | both ID NAME ID NAME |
#            build ID NAME (xl create: introduced paused and nameless, unpaused 1.5 s later) | hang
#   fail-attach  when present, attaches fail as libxl/libvirt would
#   hang-attach  when present, xl pci-attach hangs (up to 60 s) until it is removed
#   hang-detach  when present, xl pci-detach hangs (up to 60 s) until it is removed
#   abort-attach with hang-attach: the hanging xl pci-attach fails instead (died with its caller)
#   fail-attach-function  holds 0x1 (say): virsh attaches of that function fail
W=${STUB_WORLD:?STUB_WORLD is not set}
log() { echo "$*" >> "$W/calls"; }
# Waits (up to 10 s) until the ledger's history has a line matching $1: the watcher has acted.
wait_for() {
    for _ in $(seq 100); do
        grep -q -- "$1" "$PCIHIDE_STATE.history" 2>/dev/null && return 0
        sleep 0.1
    done
    echo "stub: timed out waiting for '$1' in the history" >&2
    return 1
}
# Plays the event script; $1 is a function that prints the event line for (kind, id, name).
play() {
    emit=$1
    while read -r what a b c d; do
        case $what in
            start) echo "$a $b" >> "$W/domains"; $emit start "$a" "$b"; wait_for "domain-start $a" ;;
            stop) name=$(awk -v id="$a" '$1 == id { print $2 }' "$W/domains")
                  grep -v "^$a " "$W/domains" > "$W/domains.new"; mv "$W/domains.new" "$W/domains"
                  $emit stop "$a" "$name"; wait_for "domain-kill $a" ;;
            both) echo "$a $b" >> "$W/domains"; echo "$c $d" >> "$W/domains"; $emit start "$a" "$b"
                  wait_for "domain-start $a"; wait_for "domain-start $c" ;;
            build) echo "$a (null) --p---" >> "$W/domains"; $emit start "$a" "$b"; sleep 1.5
                   grep -q -- "domain-start $a" "$PCIHIDE_STATE.history" 2>/dev/null && log "started while being built: $a"
                   sed -i "s/^$a .*/$a $b/" "$W/domains"; wait_for "domain-start $a" ;;
            hang) log "hanging"; sleep 60 ;;
        esac
    done < "$W/events"
}
